// The instance spec: the one document a user writes (or a command builds) to describe a Jenkins install.
// Strict objects: a misspelt key is an error that lists the allowed keys, never silently ignored.
import { z } from 'zod';
import { Affinity } from 'kubernetes-models/v1/Affinity';
import { isQuantity, parseQuantity } from './quantity.js';
import { cascAndCredentialIssues, credentials, jcasc } from './schema-casc.js';
import { parsePodYaml } from './pod-yaml.js';
import { PLUGIN_ENTRY, pluginProblems } from './plugins.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Image references: registry/path:tag@digest; no whitespace or control characters.
const IMAGE = /^[a-z0-9]+([._\-/:@][A-Za-z0-9_.\-]+)*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Jenkins label expressions are space-separated atoms; keep atoms to safe characters.
const JENKINS_LABEL = /^[A-Za-z0-9_.-]+( [A-Za-z0-9_.-]+)*$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Longest instance name: leaves room for `-agent`, `-jenkins-config`, StatefulSet revision hashes (52). */
export const MAX_NAME_LENGTH = 40;

const dnsLabel = (what: string, max = 63) =>
  z
    .string({ error: `${what} must be a string` })
    .max(max, { error: `${what} must be at most ${max} characters`, abort: true })
    .regex(DNS_LABEL, {
      error: `${what} must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit`,
      abort: true,
    });

const quantity = (what: string) =>
  z
    .union([z.string(), z.number()], { error: `${what} must be a Kubernetes quantity such as 500m, 0.5, 2, 512Mi or 10Gi` })
    .transform((v) => String(v))
    .refine(isQuantity, { error: `${what} must be a Kubernetes quantity such as 500m, 0.5, 2, 512Mi or 10Gi`, abort: true })
    .refine((v) => (parseQuantity(v) ?? 0) > 0, { error: `${what} must be greater than zero` });

const resourceAmounts = z.strictObject({
  cpu: quantity('cpu').optional(),
  memory: quantity('memory').optional(),
});

/** requests.cpu|memory and limits.cpu|memory, with every request at most its limit. */
export const resources = z
  .strictObject({ requests: resourceAmounts.optional(), limits: resourceAmounts.optional() })
  .superRefine((r, ctx) => {
    for (const res of ['cpu', 'memory'] as const) {
      const req = r.requests?.[res];
      const lim = r.limits?.[res];
      if (req && lim && (parseQuantity(req) ?? 0) > (parseQuantity(lim) ?? 0)) {
        ctx.addIssue({
          code: 'custom',
          path: ['requests', res],
          input: req,
          message: `request ${req} exceeds limit ${lim}; a request must be at most its limit`,
        });
      }
    }
  });

const image = z
  .string({ error: 'image must be a string' })
  .max(255, { error: 'image reference must be at most 255 characters' })
  .regex(IMAGE, { error: 'image must be a container image reference such as jenkins/inbound-agent:3355.v388858a_47b_33-3-jdk21' });

const podRetention = z.enum(['never', 'onFailure', 'always', 'evicted', 'default'], {
  error: 'podRetention must be one of never, onFailure, always, evicted, default',
});

const textLine = (what: string, max: number) =>
  z.string({ error: `${what} must be a string` }).max(max, { error: `${what} must be at most ${max} characters` });

export const toleration = z.strictObject({
  key: z.string().regex(LABEL_KEY, { error: 'toleration key must be a label key' }).optional(),
  operator: z.enum(['Exists', 'Equal'], { error: 'operator must be Exists or Equal' }).optional(),
  value: z.string().regex(LABEL_VALUE, { error: 'toleration value must be a label value' }).optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'], {
    error: 'effect must be NoSchedule, PreferNoSchedule or NoExecute',
  }).optional(),
  tolerationSeconds: z.number().int().min(0).optional(),
});

/** A pod's affinity, checked against the Kubernetes schema itself (nodeAffinity, podAffinity, podAntiAffinity). */
const affinity = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  try {
    new Affinity(value as never).validate();
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `affinity is not a Kubernetes Affinity: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}` });
  }
});

const annotations = z.record(
  z.string().regex(LABEL_KEY, { error: 'annotation keys must be label keys (letters, digits, \'-\', \'_\', \'.\', optional prefix/)' }),
  z.string().max(4096, { error: 'annotation values must be at most 4096 characters' }),
);

export const toolContainer = z.strictObject({
  name: dnsLabel('container name').refine((n) => n !== 'jnlp', {
    error: "container name 'jnlp' is reserved for the agent container; set jnlpImage instead",
  }),
  image,
  command: textLine('command', 1024).optional(),
  args: textLine('args', 4096).optional(),
  ttyEnabled: z.boolean().optional(),
  resources: resources.optional(),
  envVars: z.record(z.string().regex(ENV_NAME, { error: 'environment variable names are letters, digits and _' }), textLine('envVars value', 4096)).optional(),
});

const stringMap = (what: string) =>
  z.record(
    z.string().regex(LABEL_KEY, { error: `${what} keys must be label keys (letters, digits, '-', '_', '.', optional prefix/)` }),
    z.string().regex(LABEL_VALUE, { error: `${what} values must be label values (at most 63 letters, digits, '-', '_', '.')` }).max(63),
  );

// Agent pod volumes, in the spec's own flat form (`type` + attributes); rendered as the Kubernetes plugin's
// describables (emptyDirVolume, configMapVolume, secretVolume, persistentVolumeClaim, hostPathVolume).
/** Where the plugin mounts the agent's workspace volume: no other volume may take it. */
export const AGENT_WORKSPACE = '/home/jenkins/agent';
const ABSOLUTE_PATH = /^\/[A-Za-z0-9_.\-/]*$/;
const noDotDot = (p: string) => !p.split('/').includes('..');
const normalPath = (p: string) => p.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
const mountPath = z
  .string({ error: 'mountPath must be a string' })
  .max(256, { error: 'mountPath must be at most 256 characters' })
  .regex(ABSOLUTE_PATH, { error: 'mountPath must be an absolute path of letters, digits, _ . - /', abort: true })
  .refine(noDotDot, { error: 'mountPath may not contain ".."', abort: true })
  .refine((p) => normalPath(p) !== '/', { error: 'mountPath may not be / (the container\'s root)' })
  .refine((p) => normalPath(p) !== AGENT_WORKSPACE, { error: `mountPath ${AGENT_WORKSPACE} is the agent's workspace; set workspaceVolume instead` });
const nodePath = (what: string) =>
  z.string({ error: `${what} must be a string` }).max(1024)
    .regex(ABSOLUTE_PATH, { error: `${what} must be an absolute path of letters, digits, _ . - /`, abort: true })
    .refine(noDotDot, { error: `${what} may not contain ".."` });
const objectName = (what: string) =>
  z.string({ error: `${what} must be a string` }).max(253).regex(DNS_SUBDOMAIN, { error: `${what} must be a Kubernetes object name (DNS-1123 subdomain)` });
const flag = z.boolean({ error: 'must be true or false' }).optional();
// A quoted octal mode: unquoted 0440 is the decimal number 440 to a YAML 1.2 reader, a mode nobody meant.
const fileMode = z
  .string({ error: "defaultMode must be an octal file mode in quotes, such as '0440' (unquoted 0440 reads as the number 440)" })
  .regex(/^0?[0-7]{3}$/, { error: "defaultMode must be an octal file mode such as '0440'" });
const VOLUME_TYPES = 'emptyDir, configMap, secret, persistentVolumeClaim or hostPath';

export const agentVolume = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('emptyDir'), mountPath, memory: flag }),
  z.strictObject({
    type: z.literal('configMap'), mountPath, configMapName: objectName('configMapName'), optional: flag,
    subPath: z.string().max(256).regex(/^[A-Za-z0-9_.\-][A-Za-z0-9_.\-/]*$/, { error: 'subPath must be a relative path of letters, digits, _ . - /', abort: true }).refine(noDotDot, { error: 'subPath may not contain ".."' }).optional(),
  }),
  z.strictObject({ type: z.literal('secret'), mountPath, secretName: objectName('secretName'), optional: flag, defaultMode: fileMode.optional() }),
  z.strictObject({ type: z.literal('persistentVolumeClaim'), mountPath, claimName: objectName('claimName'), readOnly: flag }),
  z.strictObject({ type: z.literal('hostPath'), mountPath, hostPath: nodePath('hostPath'), readOnly: flag }),
], { error: `a volume's type must be ${VOLUME_TYPES}` });

/** The agent's workspace (`/home/jenkins/agent`, shared by every container); the plugin's default is an emptyDir. */
export const workspaceVolume = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('emptyDir'), memory: flag }),
  z.strictObject({ type: z.literal('persistentVolumeClaim'), claimName: objectName('claimName'), readOnly: flag }),
  z.strictObject({ type: z.literal('hostPath'), hostPath: nodePath('hostPath') }),
], { error: 'workspaceVolume type must be emptyDir, persistentVolumeClaim or hostPath' });

/** An environment variable read from a key of a Secret in the agent namespace. */
const secretEnvVar = z.strictObject({
  secret: objectName('secret'),
  key: z.string({ error: 'key must be a string' }).max(253).regex(/^[-._A-Za-z0-9]+$/, { error: 'key must be a Secret key (letters, digits, - _ .)' }),
  optional: flag,
});

export const podTemplate = z.strictObject({
  /** A preset from casc/pod-templates/ merged under this entry. Resolved before validation. */
  preset: dnsLabel('preset').optional(),
  name: dnsLabel('template name'),
  label: textLine('label', 256).regex(JENKINS_LABEL, {
    error: "label must be Jenkins labels separated by single spaces (letters, digits, '_', '.', '-')",
  }),
  description: textLine('description', 1024).optional(),
  jnlpImage: image,
  resources: resources.optional(),
  idleMinutes: z.number().int().min(0).max(10080).optional(),
  instanceCap: z.number().int().min(1).max(10000).optional(),
  podRetention: podRetention.optional(),
  activeDeadlineSeconds: z.number().int().min(0).optional(),
  nodeSelector: stringMap('nodeSelector').optional(),
  tolerations: z.array(toleration).max(20).optional(),
  serviceAccount: dnsLabel('serviceAccount', 253).optional(),
  envVars: z.record(z.string().regex(ENV_NAME, { error: 'environment variable names are letters, digits and _' }), textLine('envVars value', 4096)).optional(),
  containers: z.array(toolContainer).max(10).optional(),
  volumes: z.array(agentVolume).max(20).optional(),
  workspaceVolume: workspaceVolume.optional(),
  imagePullSecrets: z.array(objectName('imagePullSecrets entry')).max(20).optional(),
  secretEnvVars: z.record(z.string().regex(ENV_NAME, { error: 'environment variable names are letters, digits and _' }), secretEnvVar).optional(),
  annotations: annotations.optional(),
  /** Raw (partial) pod YAML the plugin merges under the template; checked against the Kubernetes Pod schema. */
  yaml: z.string({ error: 'yaml must be a string (a YAML document)' }).max(65536, { error: 'yaml must be at most 65536 characters' }).superRefine((text, ctx) => {
    for (const problem of parsePodYaml(text).problems) ctx.addIssue({ code: 'custom', message: problem });
  }).optional(),
  yamlMergeStrategy: z.enum(['override', 'merge'], { error: 'yamlMergeStrategy must be override or merge' }).optional(),
}).superRefine((t, ctx) => {
  // Two mounts on one path, or one variable twice, make a pod the apiserver refuses only when a build starts.
  const mounts = new Map<string, number>();
  (t.volumes ?? []).forEach((v, j) => {
    const at = normalPath(v.mountPath);
    const first = mounts.get(at);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['volumes', j, 'mountPath'], input: v.mountPath, message: `mountPath is already used by volumes[${first}]; each volume needs its own` });
    else mounts.set(at, j);
  });
  for (const name of Object.keys(t.secretEnvVars ?? {})) {
    if (t.envVars && name in t.envVars) ctx.addIssue({ code: 'custom', path: ['secretEnvVars', name], input: name, message: `${name} is also in envVars; a variable comes from one place` });
  }
});

export const instanceSpec = z
  .strictObject({
    name: dnsLabel('name', MAX_NAME_LENGTH).regex(/^[a-z]/, {
      error: 'name must start with a letter (it names Services, which must)',
    }),
    namespace: dnsLabel('namespace'),
    /** The cluster's DNS domain, in every in-cluster URL (`<service>.<namespace>.svc.<clusterDomain>`). */
    clusterDomain: z.string().max(253).regex(DNS_SUBDOMAIN, { error: 'clusterDomain must be a DNS domain such as cluster.local' }),
    controller: z.strictObject({
      image,
      /** kiwigrid/k8s-sidecar image: copies the JCasC ConfigMap into the controller and triggers a reload. */
      reloadSidecarImage: image,
      /** The URL users open Jenkins at (JCasC location.url); defaults to the in-cluster Service URL. */
      url: z.string().max(2048).regex(/^https?:\/\/[^\s]+$/, { error: 'url must be an http(s) URL without spaces' }).optional(),
      replicas: z.number({ error: 'replicas must be a whole number' }).int({ error: 'replicas must be a whole number' }).min(0, { error: 'replicas must be 0 (hibernate) or more' }).max(10, { error: 'replicas must be at most 10' }),
      resources,
      javaOpts: textLine('javaOpts', 4096).optional(),
      /** `id:version`, `id:latest`, or a bare id jenkins-chatops pins (src/instance/plugins.ts). */
      plugins: z
        .array(z.string({ error: 'a plugin must be a string' }).regex(PLUGIN_ENTRY, { error: 'plugins are written id or id:version (e.g. git:5.10.1) or id:latest: letters, digits, _ . - (and + in a version), each part starting with a letter or digit' }))
        .min(1)
        .max(200, { error: 'at most 200 plugins' })
        .superRefine((list, ctx) => {
          for (const { index, message } of pluginProblems(list)) ctx.addIssue({ code: 'custom', path: [index], message });
        })
        .refine((list) => ['kubernetes', 'configuration-as-code'].every((p) => list.some((e) => e.split(':')[0] === p)), {
          error: 'plugins must include kubernetes and configuration-as-code (the generated setup needs both)',
        }),
      adminSecret: z.string().max(253).regex(DNS_SUBDOMAIN, { error: 'adminSecret must be a Secret name (DNS-1123 subdomain)' }).optional(),
      adminUser: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'adminUser must be 1-64 letters, digits, _ . -' }),
      systemMessage: textLine('systemMessage', 4096).optional(),
      numExecutors: z.number().int().min(0).max(32),
      sessionAffinity: z.boolean().optional(),
      /** Where the controller pods may run (the chart's controller.nodeSelector/tolerations/affinity/priorityClassName). */
      nodeSelector: stringMap('controller.nodeSelector').optional(),
      tolerations: z.array(toleration).max(20).optional(),
      affinity: affinity.optional(),
      priorityClassName: z.string().max(253).regex(DNS_SUBDOMAIN, { error: 'priorityClassName must be a PriorityClass name' }).optional(),
      podAnnotations: annotations.optional(),
      /** A policy/v1 PodDisruptionBudget for the controllers: how many may be evicted at once by a drain. */
      podDisruptionBudget: z.strictObject({
        enabled: z.boolean(),
        maxUnavailable: z.number().int().min(0, { error: 'maxUnavailable must be 0 or more' }).default(0),
      }).optional(),
    }),
    service: z
      .strictObject({
        type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer'], { error: 'service.type must be ClusterIP, NodePort or LoadBalancer' }),
        port: z.number().int().min(1).max(65535),
        nodePort: z.number().int().min(30000, { error: 'nodePort must be in 30000-32767' }).max(32767, { error: 'nodePort must be in 30000-32767' }).optional(),
        agentPort: z.number().int().min(1).max(65535),
      })
      .refine((s) => s.nodePort === undefined || s.type !== 'ClusterIP', {
        path: ['nodePort'],
        error: 'nodePort is only valid with service.type NodePort or LoadBalancer',
      })
      .refine((s) => s.port !== s.agentPort, { path: ['agentPort'], error: 'agentPort must differ from port' }),
    persistence: z
      .strictObject({
        mode: z.enum(['dynamic', 'static'], { error: "persistence.mode must be 'dynamic' (a StorageClass provisions the volume) or 'static' (hostPath PersistentVolumes)" }),
        size: quantity('size'),
        storageClass: z.string().max(253).regex(DNS_SUBDOMAIN, { error: 'storageClass must be a StorageClass name' }).optional(),
        accessMode: z.enum(['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany'], { error: 'accessMode must be ReadWriteOnce, ReadWriteOncePod or ReadWriteMany' }),
        hostPath: z.string().regex(/^\/[A-Za-z0-9_.\-/]*$/, { error: 'hostPath must be an absolute path of letters, digits, _ . - /' }).optional(),
        node: dnsLabel('persistence.node', 253).optional(),
      })
      .refine((p) => p.mode !== 'static' || p.hostPath !== undefined, {
        path: ['hostPath'],
        error: 'static persistence needs hostPath (the directory on the node that holds each controller volume)',
      }),
    /** A networking.k8s.io/v1 Ingress in front of the controllers' HTTP Services; its URL becomes Jenkins' own. */
    ingress: z
      .strictObject({
        enabled: z.boolean(),
        host: z.string().max(253).regex(DNS_SUBDOMAIN, { error: 'ingress.host must be a DNS name such as ci.example.com' }).optional(),
        className: z.string().max(253).regex(DNS_SUBDOMAIN, { error: 'ingress.className must be an IngressClass name' }).optional(),
        path: z.string().max(256).regex(/^\/([A-Za-z0-9._~-]+\/)*$/, { error: "ingress.path must start and end with '/', e.g. / or /jenkins/" }).default('/'),
        tlsSecret: z.string().max(253).regex(DNS_SUBDOMAIN, { error: 'ingress.tlsSecret must be a Secret name' }).optional(),
        annotations: annotations.optional(),
      })
      .refine((i) => !i.enabled || i.host !== undefined, { path: ['host'], error: 'ingress.host is needed when the ingress is enabled' })
      .optional(),
    /** Extra JCasC files beside the generated one, and credentials from the user's Secrets (src/instance/schema-casc.ts). */
    jcasc: jcasc.optional(),
    credentials: credentials.optional(),
    /** The prometheus plugin's /prometheus/ endpoint on the HTTP Service; with serviceMonitor a Prometheus-operator ServiceMonitor. */
    metrics: z
      .strictObject({ enabled: z.boolean(), serviceMonitor: z.boolean().default(false) })
      .refine((m) => m.enabled || !m.serviceMonitor, { path: ['serviceMonitor'], error: 'metrics.serviceMonitor needs metrics.enabled: true (it scrapes the prometheus plugin)' })
      .optional(),
    /** networking.k8s.io/v1 NetworkPolicies: the controllers take HTTP from anywhere, the agent port only from the instance's agents. */
    networkPolicy: z.strictObject({ enabled: z.boolean() }).optional(),
    agents: z.strictObject({
      namespace: dnsLabel('agents.namespace').optional(),
      containerCap: z.number().int().min(0, { error: 'containerCap must be 0 (unlimited) or more' }).max(10000),
      podRetention,
      idleMinutes: z.number().int().min(0).max(10080),
      webSocket: z.boolean(),
      retentionTimeout: z.number().int().min(5).max(1440),
      templates: z.array(podTemplate).max(100),
    }),
  })
  .superRefine((spec, ctx) => {
    for (const issue of cascAndCredentialIssues(spec)) ctx.addIssue({ code: 'custom', ...issue });
    const seen = new Map<string, number>();
    spec.agents.templates.forEach((t, i) => {
      const first = seen.get(t.name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['agents', 'templates', i, 'name'], input: t.name, message: `template name duplicates agents.templates[${first}]; names must be unique` });
      } else seen.set(t.name, i);
      const names = new Set<string>();
      (t.containers ?? []).forEach((c, j) => {
        if (names.has(c.name)) {
          ctx.addIssue({ code: 'custom', path: ['agents', 'templates', i, 'containers', j, 'name'], input: c.name, message: 'container names must be unique within a template' });
        }
        names.add(c.name);
      });
    });
    // Several controllers each get their own Service; with a fixed nodePort, controller N takes nodePort + 1 + N.
    const { nodePort } = spec.service;
    const replicas = spec.controller.replicas;
    if (nodePort !== undefined && replicas > 1 && nodePort + replicas > 32767) {
      ctx.addIssue({
        code: 'custom', path: ['service', 'nodePort'], input: nodePort,
        message: `with ${replicas} controllers the node ports ${nodePort + 1}–${nodePort + replicas} (one per controller) must stay within 30000-32767; choose a nodePort of at most ${32767 - replicas}`,
      });
    }
  });

export type InstanceSpec = z.infer<typeof instanceSpec>;
export type PodTemplateSpec = z.infer<typeof podTemplate>;
export type ToolContainerSpec = z.infer<typeof toolContainer>;
export type Resources = z.infer<typeof resources>;
