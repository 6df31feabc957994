// What must hold for ANY rendered output, however hostile the input: every document parses and passes its schema,
// no key appears that the templates never write, and user text reaches JCasC only as escaped literals.
import { load } from 'js-yaml';
import { renderBundle, validateCasc, validateKubeObject, type KubeObject } from '../../src/render/index.js';
import { kubeEnvLiteral } from '../../src/render/scalars.js';
import { resolveSpec, type InstanceSpec, type Values } from '../../src/instance/index.js';
import { jcascRead, UNESCAPED_REFERENCE, type Loose } from '../helpers/render.js';

export { jcascRead, kubeletExpand } from '../helpers/render.js';

export interface RenderedFiles {
  casc: string;
  /** Manifests as text (files read back), or already parsed from that text (a Bundle's objects). */
  manifests: Array<{ file: string; yaml: string } | { file: string; object: KubeObject }>;
}

/** A `${` that JCasC would interpolate: one not preceded by its escape character `^`. */

/** The only places the templates themselves write a JCasC variable (secret references, never values). */
const TEMPLATE_REFERENCES = new Set(['jenkins.securityRealm.local.users[0].id', 'jenkins.securityRealm.local.users[0].password']);

/**
 * Where the generator names the controller's own pod (`${POD_NAME}`), and the whole value it may have there: a
 * value with anything else around the reference (user text, say) is still reported.
 */
const OWN_POD_REFERENCES: Array<[RegExp, RegExp]> = [
  [/^jenkins\.clouds\[0\]\.kubernetes\.(jenkinsUrl)$|^unclassified\.location\.url$/, /^http:\/\/\$\{POD_NAME\}\.[a-z0-9-]+\.svc\.[a-z0-9.-]+:\d+\/$/],
  // A fleet behind an Ingress: each controller links to its own host, `<pod>.<ingress.host>`.
  [/^unclassified\.location\.url$/, /^https?:\/\/\$\{POD_NAME\}\.[a-z0-9.-]+\/([A-Za-z0-9._~-]+\/)*$/],
  [/^jenkins\.clouds\[0\]\.kubernetes\.jenkinsTunnel$/, /^\$\{POD_NAME\}\.[a-z0-9-]+\.svc\.[a-z0-9.-]+:\d+$/],
  [/^jenkins\.clouds\[0\]\.kubernetes\.podLabels\[1\]\.value$/, /^\$\{POD_NAME\}$/],
];
/**
 * Where the generator reads a credential's value from the files the controller's secrets folder holds: the whole
 * value is one reference to a `credential-<id>-<key>` file, nothing the user typed around it.
 */
const CREDENTIAL_FIELD = /^credentials\.system\.domainCredentials\[0\]\.credentials\[\d+\]\.(usernamePassword\.(username|password)|string\.secret|basicSSHUserPrivateKey\.(username|passphrase|privateKeySource\.directEntry\.privateKey)|file\.(fileName|secretBytes))$/;
const CREDENTIAL_REFERENCE = /^\$\{(readFile:|readFileBase64:)?(\/[a-z/]+\/)?credential-[A-Za-z0-9_.-]+-(username|password|text|passphrase|privateKey|fileName|data)(:-)?\}$/;

const generatedOwnPod = (path: string, text: string) =>
  OWN_POD_REFERENCES.some(([where, what]) => where.test(path) && what.test(text)) || (CREDENTIAL_FIELD.test(path) && CREDENTIAL_REFERENCE.test(text));

/** Every key path of a document, list items collapsed to `[]`: `jenkins.clouds[].kubernetes.templates[].name`. */
export function keyPaths(node: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) keyPaths(item, `${prefix}[]`, out);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${key}` : key;
      out.add(path);
      keyPaths(value, path, out);
    }
  }
  return out;
}

/** Every string in a document with its exact path (`a.b[2].c`). */
function stringLeaves(node: unknown, path = '', out: Array<[string, string]> = []): Array<[string, string]> {
  if (typeof node === 'string') out.push([path, node]);
  else if (Array.isArray(node)) node.forEach((item, i) => stringLeaves(item, `${path}[${i}]`, out));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) stringLeaves(value, path ? `${path}.${key}` : key, out);
  }
  return out;
}

// Clean inputs that between them switch on every optional part of every template: the key paths they render
// are everything the templates can write.
const tool = {
  name: 'tool', image: 'busybox:1.36', command: 'sleep', args: 'infinity', ttyEnabled: true,
  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '1Gi' } }, envVars: { TOOL: 'x' },
};
const richTemplate = {
  preset: 'maven', name: 'rich', label: 'rich linux', description: 'all options', instanceCap: 3, idleMinutes: 5, podRetention: 'always',
  activeDeadlineSeconds: 600, nodeSelector: { 'kubernetes.io/os': 'linux' }, serviceAccount: 'builder', envVars: { A: 'b' },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ci', effect: 'NoSchedule', tolerationSeconds: 30 }, { operator: 'Exists' }],
  containers: [tool],
};
// Every key of issue 13, with the user-chosen map keys the value generators use (annotation names, fragment names).
const richAgent = {
  preset: 'jnlp', name: 'volumes',
  volumes: [
    { type: 'emptyDir', mountPath: '/cache', memory: true },
    { type: 'configMap', mountPath: '/conf', configMapName: 'settings', subPath: 'conf', optional: true },
    { type: 'secret', mountPath: '/secret', secretName: 'sonar', defaultMode: '0440', optional: true },
    { type: 'persistentVolumeClaim', mountPath: '/claim', claimName: 'shared', readOnly: true },
    { type: 'hostPath', mountPath: '/host', hostPath: '/data/jenkins/x', readOnly: true },
  ],
  workspaceVolume: { type: 'emptyDir', memory: true },
  imagePullSecrets: ['regcred', 'pull.secret'],
  secretEnvVars: { TOKEN: { secret: 'sonar', key: 'token', optional: true }, PW: { secret: 'sonar', key: 'a.b' } },
  annotations: { team: 'a', 'example.com/note': 'b' },
  yaml: 'metadata:\n  annotations:\n    a: b\nspec:\n  securityContext:\n    fsGroup: 1000\n',
  yamlMergeStrategy: 'override',
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ci', effect: 'NoSchedule' }],
};
const CLEAN_VALUES: Values[] = [
  { name: 'clean' },
  {
    name: 'clean', namespace: 'ns',
    controller: { url: 'https://ci.example.com/', systemMessage: 'hello', javaOpts: '-Xmx1g', sessionAffinity: true, adminSecret: 'clean-admin', replicas: 2 },
    service: { type: 'NodePort', nodePort: 30080 },
    persistence: { mode: 'static', hostPath: '/data/jenkins', node: 'node-1' },
    agents: { namespace: 'agents', webSocket: true, templates: [richTemplate, { preset: 'node' }, { preset: 'jnlp' }] },
  },
  {
    name: 'clean', clusterDomain: 'corp.internal',
    controller: {
      plugins: ['kubernetes', 'configuration-as-code', 'job-dsl:latest'], nodeSelector: { 'kubernetes.io/os': 'linux', disk: 'ssd', team: 'a' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ci', effect: 'NoSchedule', tolerationSeconds: 30 }],
      priorityClassName: 'high', podAnnotations: { team: 'a', 'backup.velero.io/backup-volumes': 'b' },
      podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
    },
    ingress: {
      enabled: true, host: 'ci.example.com', className: 'nginx', path: '/jenkins/', tlsSecret: 'ci-tls',
      annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '0', 'cert-manager.io/cluster-issuer': 'x' },
    },
    metrics: { enabled: true, serviceMonitor: true },
    networkPolicy: { enabled: true },
    jcasc: { extra: { mail: 'unclassified:\n  location:\n    adminAddress: "ci@example.com"\n', jobs: 'jobs:\n  - script: "x"\n' }, trusted: ['mail'] },
    credentials: [
      { id: 'github', type: 'usernamePassword', secret: 'github-bot', description: 'd' },
      { id: 'slack-token', type: 'secretText', secret: 'slack', description: 'd' },
      { id: 'ssh', type: 'sshPrivateKey', secret: 'ssh', description: 'd' },
      { id: 'file', type: 'file', secret: 'file', description: 'd' },
    ],
    agents: {
      templates: [
        richAgent,
        { preset: 'node', name: 'ws-host', workspaceVolume: { type: 'hostPath', hostPath: '/data/jenkins/ws' } },
        { preset: 'maven', name: 'ws-claim', workspaceVolume: { type: 'persistentVolumeClaim', claimName: 'ws', readOnly: true } },
      ],
    },
  },
  // The agent port opened to agents in their own namespace.
  { name: 'clean', agents: { namespace: 'agents' }, networkPolicy: { enabled: true } },
  {
    name: 'clean', controller: { replicas: 0 }, service: { type: 'LoadBalancer', nodePort: 30081 },
    persistence: { mode: 'dynamic', storageClass: 'standard', accessMode: 'ReadWriteMany' },
    agents: { containerCap: 0, templates: [{ ...richTemplate, containers: [] }] },
  },
];

interface CleanShapes {
  casc: Set<string>;
  /** The raw pod YAML a pod template carries (tolerations travel there). */
  podYaml: Set<string>;
  kube: Map<string, Set<string>>;
}

/** The pod YAML strings of every pod template in a JCasC document. */
const podYamls = (casc: Loose): string[] =>
  (casc?.jenkins?.clouds?.[0]?.kubernetes?.templates ?? []).flatMap((t: Loose) => (typeof t?.yaml === 'string' ? [t.yaml] : []));

let clean: CleanShapes | undefined;

function cleanShapes(): CleanShapes {
  if (clean) return clean;
  const shapes: CleanShapes = { casc: new Set(), podYaml: new Set(), kube: new Map() };
  for (const values of CLEAN_VALUES) {
    const bundle = renderBundle(resolveSpec([{ values }]));
    const casc = load(bundle.casc);
    keyPaths(casc, '', shapes.casc);
    for (const yaml of podYamls(casc)) keyPaths(load(jcascRead(yaml)), '', shapes.podYaml);
    for (const { object } of bundle.objects) {
      const set = shapes.kube.get(object.kind) ?? new Set<string>();
      keyPaths(object, '', set);
      shapes.kube.set(object.kind, set);
    }
  }
  clean = shapes;
  return shapes;
}

const parse = (what: string, text: string, problems: string[]): unknown => {
  try {
    return load(text);
  } catch (err) {
    problems.push(`${what} does not parse: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
};

/**
 * Every problem with rendered output, as readable lines ([] = all good). With the spec it came from, also checks
 * that free text the user wrote reads back exactly after JCasC's interpolation.
 */
export function outputProblems(files: RenderedFiles, spec?: InstanceSpec): string[] {
  const problems: string[] = [];
  const shapes = cleanShapes();

  const casc = parse('jenkins.yaml', files.casc, problems) as Loose;
  if (casc !== undefined) {
    for (const p of validateCasc(casc)) problems.push(`jenkins.yaml ${p.path}: ${p.message}`);
    for (const path of keyPaths(casc)) if (!shapes.casc.has(path)) problems.push(`jenkins.yaml has a key the templates never write: ${path}`);
    for (const yaml of podYamls(casc)) {
      const pod = parse('a pod template\'s yaml', jcascRead(yaml), problems);
      for (const path of keyPaths(pod)) if (!shapes.podYaml.has(path)) problems.push(`a pod template's yaml has a key the templates never write: ${path}`);
    }
    for (const [path, text] of stringLeaves(casc)) {
      if (TEMPLATE_REFERENCES.has(path) || generatedOwnPod(path, text)) continue;
      if (UNESCAPED_REFERENCE.test(text)) {
        problems.push(`jenkins.yaml ${path} would be interpolated by JCasC: ${JSON.stringify(text.slice(0, 80))}`);
      }
    }
    if (spec && casc?.jenkins) problems.push(...userTextProblems(casc, spec));
  }

  for (const manifest of files.manifests) {
    const { file } = manifest;
    const object = 'object' in manifest ? manifest.object : (parse(file, manifest.yaml, problems) as KubeObject | undefined);
    if (object === undefined) continue;
    if (object === null || typeof object !== 'object' || typeof object.kind !== 'string') {
      problems.push(`${file} is not a Kubernetes object`);
      continue;
    }
    for (const p of validateKubeObject(object)) problems.push(`${file} ${p.path}: ${p.message}`);
    const known = shapes.kube.get(object.kind);
    if (!known) problems.push(`${file}: kind ${object.kind} is never rendered by the templates`);
    else for (const path of keyPaths(object)) if (!known.has(path)) problems.push(`${file} has a key the templates never write: ${path}`);
    if (object.kind === 'ConfigMap' && (object.data as Record<string, string> | undefined)?.['jenkins.yaml'] !== undefined) {
      if ((object.data as Record<string, string>)['jenkins.yaml'] !== files.casc) problems.push(`${file} carries a different JCasC than jenkins.yaml`);
    }
  }
  return problems;
}

/** Free text reads back exactly after JCasC's interpolation. */
function userTextProblems(casc: Loose, spec: InstanceSpec): string[] {
  const problems: string[] = [];
  const message = spec.controller.systemMessage;
  if (message) {
    const seen = jcascRead(String(casc.jenkins.systemMessage));
    if (seen !== message) problems.push(`systemMessage reads back as ${JSON.stringify(seen.slice(0, 80))}, typed ${JSON.stringify(message.slice(0, 80))}`);
  }
  const templates: Loose[] = casc.jenkins.clouds?.[0]?.kubernetes?.templates ?? [];
  spec.agents.templates.forEach((template, i) => {
    const rendered = templates[i];
    if (!rendered) {
      problems.push(`agents.templates[${i}] is missing from jenkins.yaml`);
      return;
    }
    for (const [key, value] of Object.entries(template.envVars ?? {})) {
      const entry = (rendered.envVars ?? []).find((e: Loose) => e.envVar?.key === key);
      // JCasC layer only: JCasC hands on what the generator meant for the kubelet. Whether the kubelet then
      // passes it on literally is kubelet-env.test.ts's question (it does not: a known bug, reported there).
      const seen = entry ? jcascRead(String(entry.envVar.value)) : undefined;
      if (seen !== kubeEnvLiteral(value)) problems.push(`agents.templates[${i}].envVars.${key} reads back as ${JSON.stringify(seen?.slice(0, 80))}`);
    }
    for (const container of template.containers ?? []) {
      const r = (rendered.containers ?? []).find((c: Loose) => c.name === container.name);
      for (const field of ['command', 'args'] as const) {
        const typed = container[field];
        if (typed && jcascRead(String(r?.[field])) !== kubeEnvLiteral(typed)) problems.push(`container ${container.name} ${field} does not read back literally`);
      }
    }
  });
  return problems;
}
