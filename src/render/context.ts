// From a validated spec to the values the templates print. Every derived name, URL and flag is computed here,
// once, so templates stay declarative and the same rule never lives in two templates.
import { createHash } from 'node:crypto';
import { dump } from 'js-yaml';
import type { InstanceSpec, PodTemplateSpec, Resources } from '../instance/index.js';
import { toMebibytes } from '../instance/index.js';
import { templatePod } from '../instance/pod-yaml.js';
import { controllerSelector, HOME_CLAIM, instanceLabels, LABEL_AGENT_CONTROLLER, LABEL_AGENT_INSTANCE, LABEL_CASC, LABEL_POD_NAME, names, namespaceLabels, RELOAD_TOKEN_KEY } from '../instance/naming.js';
import { kubeEnvLiteral, type CascReference } from './scalars.js';
import { cascFiles, replacedChoices } from './casc-extra.js';
import { credentialsContext } from './credentials.js';
import { metricsContext } from './metrics.js';
import { networkPolicyContext } from './network-policy.js';
import { controllerPlugins, PLUGIN_INSTALL_SCRIPT } from './plugins.js';

export const JENKINS_HOME = '/var/jenkins_home';
export const CASC_DIR = `${JENKINS_HOME}/casc_configs`;
export const SECRETS_DIR = '/run/secrets/additional';
/** Where Jenkins unpacks its war (`--webroot`): the root filesystem is read-only, so it is an emptyDir. */
export const JENKINS_CACHE = '/var/jenkins_cache';
export const HTTP_CONTAINER_PORT = 8080;
/** Share of the memory limit given to the heap; the rest is metaspace, threads, and native buffers. */
export const HEAP_SHARE = 0.7;

// Jenkins waits to see whether an executor frees up before asking for a new agent; these make queued builds
// get agent pods at once (the Kubernetes plugin's own manifest sets the same).
const PROVISIONER_OPTS = [
  '-Dhudson.slaves.NodeProvisioner.initialDelay=0',
  '-Dhudson.slaves.NodeProvisioner.MARGIN=50',
  '-Dhudson.slaves.NodeProvisioner.MARGIN0=0.85',
];

export function javaOpts(spec: InstanceSpec): string {
  const user = spec.controller.javaOpts?.trim();
  const required = ['-Djenkins.install.runSetupWizard=false'];
  const heapGiven = user !== undefined && /-Xmx|MaxRAMPercentage|-XX:MaxRAM=/.test(user);
  const limit = spec.controller.resources.limits?.memory;
  const limitMi = limit ? toMebibytes(limit) : undefined;
  const heap = heapGiven ? [] : limitMi ? [`-Xmx${Math.floor(limitMi * HEAP_SHARE)}m`] : ['-XX:MaxRAMPercentage=70'];
  // User text goes to a container env var: `$(X)` would be expanded by the kubelet, so it is escaped.
  return [...required, ...heap, ...PROVISIONER_OPTS, ...(user ? [kubeEnvLiteral(user)] : [])].join(' ');
}

/** A stable id per (instance, template name): running agents keep their template across controller restarts. */
export function templateId(instance: string, template: string): string {
  const hex = createHash('sha256').update(`${instance}/${template}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The Kubernetes plugin's nodeSelector is ONE string `k=v,k2=v2`. */
export function nodeSelectorString(selector: Record<string, string> | undefined): string | undefined {
  if (!selector || Object.keys(selector).length === 0) return undefined;
  return Object.keys(selector).sort().map((k) => `${k}=${selector[k]}`).join(',');
}

function sortedEntries(map: Record<string, string> | undefined): Array<{ key: string; value: string }> {
  return Object.keys(map ?? {}).sort().map((key) => ({ key, value: kubeEnvLiteral(map![key]!) }));
}

function containerResources(r: Resources | undefined) {
  return {
    resourceRequestCpu: r?.requests?.cpu,
    resourceLimitCpu: r?.limits?.cpu,
    resourceRequestMemory: r?.requests?.memory,
    resourceLimitMemory: r?.limits?.memory,
  };
}

type AgentVolume = NonNullable<PodTemplateSpec['volumes']>[number];
type WorkspaceVolume = NonNullable<PodTemplateSpec['workspaceVolume']>;

/** One entry per plugin describable, every key present (the templates run in strict mode): the one set is printed. */
function agentVolumeContext(v: AgentVolume) {
  return {
    emptyDir: v.type === 'emptyDir' ? { mountPath: v.mountPath, memory: v.memory ?? false } : undefined,
    configMap: v.type === 'configMap' ? { mountPath: v.mountPath, configMapName: v.configMapName, optional: v.optional ?? false, subPath: v.subPath } : undefined,
    // The plugin reads defaultMode as a decimal number (Integer.parseInt); the spec takes the octal mode people write.
    secret: v.type === 'secret' ? { mountPath: v.mountPath, secretName: v.secretName, optional: v.optional ?? false, defaultMode: v.defaultMode === undefined ? undefined : String(parseInt(v.defaultMode, 8)) } : undefined,
    claim: v.type === 'persistentVolumeClaim' ? { mountPath: v.mountPath, claimName: v.claimName, readOnly: v.readOnly ?? false } : undefined,
    hostPath: v.type === 'hostPath' ? { mountPath: v.mountPath, hostPath: v.hostPath, readOnly: v.readOnly ?? false } : undefined,
  };
}

function workspaceVolumeContext(w: WorkspaceVolume) {
  return {
    emptyDir: w.type === 'emptyDir' ? { memory: w.memory ?? false } : undefined,
    claim: w.type === 'persistentVolumeClaim' ? { claimName: w.claimName, readOnly: w.readOnly ?? false } : undefined,
    hostPath: w.type === 'hostPath' ? { hostPath: w.hostPath } : undefined,
  };
}

function podYamlText(yaml: string | undefined, tolerations: unknown[]): string | undefined {
  const pod = templatePod(yaml, tolerations);
  return pod ? dump(pod, { lineWidth: -1, noRefs: true } as never) : undefined;
}

function podTemplateContext(spec: InstanceSpec, t: PodTemplateSpec) {
  const tolerations = t.tolerations ?? [];
  return {
    id: templateId(spec.name, t.name),
    name: t.name,
    label: t.label,
    idleMinutes: t.idleMinutes ?? spec.agents.idleMinutes,
    instanceCap: t.instanceCap,
    podRetention: t.podRetention,
    activeDeadlineSeconds: t.activeDeadlineSeconds,
    nodeSelector: nodeSelectorString(t.nodeSelector),
    serviceAccount: t.serviceAccount,
    envVars: sortedEntries(t.envVars),
    secretEnvVars: Object.entries(t.secretEnvVars ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, ref]) => ({ name, secretName: ref.secret, secretKey: ref.key, optional: ref.optional ?? false })),
    hasEnvVars: Object.keys(t.envVars ?? {}).length + Object.keys(t.secretEnvVars ?? {}).length > 0,
    volumes: (t.volumes ?? []).map(agentVolumeContext),
    workspaceVolume: t.workspaceVolume ? workspaceVolumeContext(t.workspaceVolume) : undefined,
    imagePullSecrets: t.imagePullSecrets ?? [],
    annotations: Object.keys(t.annotations ?? {}).sort().map((key) => ({ key, value: t.annotations![key]! })),
    // The admin's raw pod YAML, with the tolerations (no JCasC attribute of their own) added to its spec; written
    // out again from the parsed Pod, so what JCasC reads is always one well-formed YAML document.
    podYaml: podYamlText(t.yaml, tolerations),
    yamlMergeStrategy: t.yamlMergeStrategy ?? (t.yaml !== undefined || tolerations.length ? 'merge' : undefined),
    jnlp: { image: t.jnlpImage, ...containerResources(t.resources) },
    containers: (t.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image,
      // The plugin hands command and args to the container, where the kubelet would expand `$(VAR)`.
      command: c.command === undefined ? undefined : kubeEnvLiteral(c.command),
      args: c.args === undefined ? undefined : kubeEnvLiteral(c.args),
      ttyEnabled: c.ttyEnabled ?? true,
      envVars: sortedEntries(c.envVars),
      ...containerResources(c.resources),
    })),
  };
}

/**
 * One JCasC serves every controller of the StatefulSet, yet each must name itself: its URLs are completed by JCasC
 * from the controller's own pod name (`POD_NAME`, from the downward API), which is also the name of its Service.
 */
function ownAddress(spec: InstanceSpec, scheme: string, port: number, path: string): CascReference {
  return { prefix: scheme, ref: 'POD_NAME', suffix: `.${spec.namespace}.svc.${spec.clusterDomain}:${port}${path}` };
}

/** Ordinal N's own Service: several controllers are each exposed as the spec's service type says; one is reached through the shared Service. */
function controllerServices(spec: InstanceSpec, ordinals: number[]) {
  const fleet = spec.controller.replicas > 1;
  return ordinals.map((ordinal) => ({
    name: names.controllerService(spec.name, ordinal),
    pod: names.controllerPod(spec.name, ordinal),
    type: fleet ? spec.service.type : 'ClusterIP',
    // Predictable per controller: controller N at nodePort + 1 + N (the shared Service keeps nodePort itself).
    nodePort: fleet && spec.service.type !== 'ClusterIP' && spec.service.nodePort !== undefined ? spec.service.nodePort + 1 + ordinal : undefined,
  }));
}

/**
 * Where people open Jenkins through the Ingress: `https://host/path` with TLS, else `http://…`. With several
 * controllers each answers at its own host (`<pod>.<host>`), which JCasC completes from the pod's name.
 */
function externalUrl(spec: InstanceSpec): string | CascReference | undefined {
  const ingress = spec.ingress;
  if (!ingress?.enabled || !ingress.host) return undefined;
  const scheme = ingress.tlsSecret ? 'https://' : 'http://';
  if (spec.controller.replicas > 1) return { prefix: scheme, ref: 'POD_NAME', suffix: `.${ingress.host}${ingress.path}` };
  return `${scheme}${ingress.host}${ingress.path}`;
}

function ingressContext(spec: InstanceSpec, ordinals: number[]) {
  const ingress = spec.ingress;
  if (!ingress?.enabled || !ingress.host) return undefined;
  const rules = [{ host: ingress.host, service: names.httpService(spec.name) }];
  if (spec.controller.replicas > 1) {
    for (const ordinal of ordinals) rules.push({ host: names.controllerHost(spec.name, ordinal, ingress.host), service: names.controllerService(spec.name, ordinal) });
  }
  return {
    name: names.ingress(spec.name),
    className: ingress.className,
    path: ingress.path,
    annotations: ingress.annotations && Object.keys(ingress.annotations).length ? ingress.annotations : undefined,
    tls: ingress.tlsSecret ? { secret: ingress.tlsSecret, hosts: rules.map((r) => r.host) } : undefined,
    rules,
  };
}

function cascExtraContext(spec: InstanceSpec) {
  const files = cascFiles(spec);
  return { files, replaces: replacedChoices(files) };
}

const nonEmpty = <T extends object>(map: T | undefined): T | undefined => (map && Object.keys(map).length ? map : undefined);

export type RenderContext = ReturnType<typeof buildContext>;

export function buildContext(spec: InstanceSpec) {
  const { name, namespace } = spec;
  const agentNamespace = spec.agents.namespace ?? namespace;
  const httpService = names.httpService(name);
  const agentService = names.agentService(name);
  const jenkinsUrl = ownAddress(spec, 'http://', spec.service.port, '/');
  const replicas = spec.controller.replicas;
  const isStatic = spec.persistence.mode === 'static';
  // Static volumes exist for every ordinal that has ever been asked for; hibernating (0) keeps ordinal 0's data.
  const ordinals = Array.from({ length: Math.max(replicas, 1) }, (_, i) => i);
  return {
    name,
    namespace,
    agentNamespace,
    separateAgentNamespace: agentNamespace !== namespace,
    statefulSet: names.statefulSet(name),
    serviceAccount: names.serviceAccount(name),
    roles: { agents: names.agentsRole(name), cascReload: names.cascReloadRole(name) },
    labels: {
      controller: instanceLabels(name, 'controller'),
      rbac: instanceLabels(name, 'rbac'),
      casc: { ...instanceLabels(name, 'casc'), [LABEL_CASC]: name },
      storage: instanceLabels(name, 'storage'),
      service: instanceLabels(name, 'service'),
      // Namespaces can hold several instances: no instance label, so no deploy relabels another's namespace.
      namespace: namespaceLabels(),
    },
    selector: controllerSelector(name),
    cascLabel: LABEL_CASC,
    cascConfigMap: names.cascConfigMap(name),
    adminSecret: names.adminSecret(name, spec.controller.adminSecret),
    reloadToken: { secret: names.reloadTokenSecret(name), key: RELOAD_TOKEN_KEY },
    controller: {
      image: spec.controller.image,
      sidecarImage: spec.controller.reloadSidecarImage,
      replicas,
      resources: spec.controller.resources,
      javaOpts: javaOpts(spec),
      // Every entry pinned (bare ids and the plugins features need), but what the user wrote as id:latest.
      plugins: controllerPlugins(spec),
      pluginScript: PLUGIN_INSTALL_SCRIPT,
      adminUser: spec.controller.adminUser,
      numExecutors: spec.controller.numExecutors,
      systemMessage: spec.controller.systemMessage,
      // Scheduling, as the user wrote it (each validated by the spec: label maps, tolerations, a Kubernetes Affinity).
      nodeSelector: nonEmpty(spec.controller.nodeSelector),
      tolerations: spec.controller.tolerations?.length ? spec.controller.tolerations : undefined,
      affinity: spec.controller.affinity,
      priorityClassName: spec.controller.priorityClassName,
      podAnnotations: nonEmpty(spec.controller.podAnnotations),
      disruptionBudget: spec.controller.podDisruptionBudget?.enabled
        ? { name: names.disruptionBudget(name), maxUnavailable: spec.controller.podDisruptionBudget.maxUnavailable }
        : undefined,
    },
    service: {
      http: httpService,
      agent: agentService,
      type: spec.service.type,
      port: spec.service.port,
      nodePort: spec.service.nodePort,
      agentPort: spec.service.agentPort,
      // Several controllers are independent Jenkins instances: keep each browser on one of them.
      sessionAffinity: spec.controller.sessionAffinity ?? replicas > 1,
      needsAgentService: !spec.agents.webSocket,
      controllers: controllerServices(spec, ordinals),
      pods: names.podsService(name),
      podNameLabel: LABEL_POD_NAME,
    },
    ingress: ingressContext(spec, ordinals),
    // The spec's own JCasC files (and which generated choices they replace) and credentials from the user's Secrets.
    cascExtra: cascExtraContext(spec),
    credentials: credentialsContext(spec, SECRETS_DIR),
    metrics: metricsContext(spec, HTTP_CONTAINER_PORT),
    networkPolicy: networkPolicyContext(spec, HTTP_CONTAINER_PORT),
    paths: { home: JENKINS_HOME, casc: CASC_DIR, secrets: SECRETS_DIR, cache: JENKINS_CACHE },
    // Runs as root before Jenkins: chown only when needed, so large homes are not walked on every start.
    permissionsScript: `[ "$(stat -c %u:%g ${JENKINS_HOME})" = 1000:1000 ] || chown -R 1000:1000 ${JENKINS_HOME}`,
    httpContainerPort: HTTP_CONTAINER_PORT,
    homeClaim: HOME_CLAIM,
    persistence: {
      static: isStatic,
      size: spec.persistence.size,
      accessMode: spec.persistence.accessMode,
      storageClass: isStatic ? 'manual' : spec.persistence.storageClass,
      volumes: isStatic
        ? ordinals.map((ordinal) => ({
            name: names.staticVolume(namespace, name, ordinal),
            claim: names.homeClaim(name, ordinal),
            path: names.hostDirectory(spec.persistence.hostPath!, namespace, name, ordinal),
            node: spec.persistence.node,
          }))
        : [],
    },
    cloud: {
      serverUrl: 'https://kubernetes.default',
      namespace: agentNamespace,
      jenkinsUrl,
      // Each controller's agents connect back to that controller, not to whichever pod a shared Service picks.
      jenkinsTunnel: spec.agents.webSocket ? undefined : ownAddress(spec, '', spec.service.agentPort, ''),
      webSocket: spec.agents.webSocket,
      containerCapStr: String(spec.agents.containerCap),
      agentInstanceLabel: LABEL_AGENT_INSTANCE,
      agentControllerLabel: LABEL_AGENT_CONTROLLER,
      ownPodName: { prefix: '', ref: 'POD_NAME', suffix: '' } satisfies CascReference,
      podRetention: spec.agents.podRetention,
      retentionTimeout: spec.agents.retentionTimeout,
      slaveAgentPort: spec.agents.webSocket ? -1 : spec.service.agentPort,
      locationUrl: spec.controller.url ?? externalUrl(spec) ?? jenkinsUrl,
      clusterDomain: spec.clusterDomain,
      templates: spec.agents.templates.map((t) => podTemplateContext(spec, t)),
    },
  };
}
