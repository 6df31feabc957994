// What chat may put into an instance, beyond who may run a command: the namespaces it lands in, the images it
// runs, the node directories it mounts, and the keys that cross the cluster's trust boundary by nature. Checked on
// the resolved spec, so every alias and layering the grammar allows meets the same rule.
import { posix } from 'node:path';
import type { InstanceSpec, PodTemplateSpec, SpecSources } from '../instance/index.js';

export interface BoundsConfig {
  /** Namespaces an instance or its agents may live in. */
  namespaces: string[];
  /** Image reference prefixes chat may run (`jenkins/`, `registry.example.com/ci/`). */
  images: string[];
  /** Node directories static storage may use (a path and everything below it). */
  hostPaths: string[];
}

/** Where a bound was configured, named in every refusal so the user knows whom to ask. */
export interface BoundsSource {
  namespaces: string;
  images: string;
  hostPaths: string;
}

export class BoundsError extends Error {
  override name = 'BoundsError';
  constructor(readonly key: string, readonly value: string, readonly rule: string) {
    super(`${key}=${value} is not allowed: ${rule}`);
  }
}

/** System namespaces: only when the policy lists them by name (no default or prefix ever reaches them). */
export const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'default'];

/** Node directories no policy can open: the node's own configuration, credentials, runtimes and kernel views. */
export const FORBIDDEN_HOST_PATHS = ['/', '/etc', '/root', '/proc', '/sys', '/dev', '/boot', '/run', '/var/run', '/var/lib/kubelet', '/var/lib/docker', '/var/lib/containerd'];

/** Node labels and taints that mark control-plane nodes. */
const CONTROL_PLANE_KEYS = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master'];

export const DEFAULT_BOUNDS: BoundsConfig = { namespaces: ['jenkins'], images: ['jenkins/'], hostPaths: ['/data/jenkins'] };

/** docker.io/jenkins/x, index.docker.io/jenkins/x and jenkins/x are one image; docker.io/library/x is x. */
function canonicalImage(image: string): string {
  return image.replace(/^(?:index\.)?docker\.io\/(?:library\/)?/, '');
}

/** Prefix match on reference boundaries: `registry.example.com/ci` allows `…/ci/jnlp:1`, never `…/ci-evil/x`. */
export function imageAllowed(image: string, prefixes: string[]): boolean {
  const ref = canonicalImage(image);
  return prefixes.some((raw) => {
    const prefix = canonicalImage(raw);
    if (ref === prefix) return true;
    if (!ref.startsWith(prefix)) return false;
    return /[/:@]$/.test(prefix) || /^[/:@]/.test(ref.slice(prefix.length));
  });
}

/** Under one of `prefixes` by whole path segments, and never a forbidden system directory. */
export function hostPathProblem(path: string, prefixes: string[]): string | undefined {
  if (path.split('/').includes('..')) return 'a path may not contain ".."';
  const normal = posix.normalize(path).replace(/(.)\/+$/, '$1');
  const under = (base: string) => normal === base || normal.startsWith(base === '/' ? '/' : `${base}/`);
  const forbidden = FORBIDDEN_HOST_PATHS.find((f) => (f === '/' ? normal === '/' : under(f)));
  if (forbidden) return `${forbidden} is a system directory of the node, never allowed`;
  const allowed = prefixes.map((p) => posix.normalize(p).replace(/(.)\/+$/, '$1'));
  return allowed.some(under) ? undefined : `not under an allowed directory (${allowed.join(', ') || 'none'})`;
}

/** Every image the instance runs, with where it is set. */
function imagesOf(spec: InstanceSpec): Array<{ key: string; image: string }> {
  const found = [
    { key: 'controller.image', image: spec.controller.image },
    { key: 'controller.reloadSidecarImage', image: spec.controller.reloadSidecarImage },
  ];
  spec.agents.templates.forEach((t, i) => {
    found.push({ key: `agents.templates[${i}].jnlpImage`, image: t.jnlpImage });
    (t.containers ?? []).forEach((c, j) => found.push({ key: `agents.templates[${i}].containers[${j}].image`, image: c.image }));
  });
  return found;
}

/** The images the admin's own files name (casc/defaults.yaml and the presets): allowed like the policy's. */
export function adminImages(sources: SpecSources): Set<string> {
  const images = new Set<string>();
  const collect = (node: unknown, key?: string): void => {
    if (Array.isArray(node)) node.forEach((n) => collect(n));
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) collect(v, k);
    else if (typeof node === 'string' && key && /image$/i.test(key)) images.add(node);
  };
  collect(sources.defaults);
  for (const preset of sources.presets.values()) collect(preset);
  return images;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Refuses what the caller's change would put into the instance beyond the bounds. `base` is the instance as it is
 * (stored values over defaults) or undefined for a new one; only what the change introduces is judged, except the
 * namespaces, which are where the bot writes now and are always judged.
 */
export function checkBounds(next: InstanceSpec, base: InstanceSpec | undefined, bounds: BoundsConfig, source: BoundsSource, trustedImages: Set<string>): void {
  const namespaceRule = `namespaces allowed from chat: ${bounds.namespaces.join(', ') || 'none'} (${source.namespaces})`;
  const namespaces = [{ key: 'namespace', value: next.namespace }, { key: 'agents.namespace', value: next.agents.namespace ?? next.namespace }];
  for (const { key, value } of namespaces) {
    if (!bounds.namespaces.includes(value)) throw new BoundsError(key, value, namespaceRule);
  }

  const before = new Set(base ? imagesOf(base).map((i) => i.image) : []);
  for (const { key, image } of imagesOf(next)) {
    if (before.has(image) || trustedImages.has(image) || imageAllowed(image, bounds.images)) continue;
    throw new BoundsError(key, image, `images allowed from chat start with ${bounds.images.join(', ') || '(none)'} (${source.images}), or are named in casc/`);
  }

  const path = next.persistence.mode === 'static' ? next.persistence.hostPath : undefined;
  const basePath = base?.persistence.mode === 'static' ? base.persistence.hostPath : undefined;
  if (path !== undefined && path !== basePath) {
    const problem = hostPathProblem(path, bounds.hostPaths);
    if (problem) throw new BoundsError('persistence.hostPath', path, `${problem} (${source.hostPaths})`);
  }

  if (next.controller.adminSecret !== base?.controller.adminSecret) {
    throw new BoundsError('controller.adminSecret', next.controller.adminSecret ?? '(default)', 'the admin Secret is always the instance\'s own; only a values file on the command line may name another');
  }
  next.agents.templates.forEach((t, i) => checkTemplate(t, base?.agents.templates.find((b) => b.name === t.name), `agents.templates[${i}]`));
  checkPlacement(next.controller, base?.controller, 'controller');
  // Every in-cluster address ends in it, agents' tunnel included: another domain would send agents (and their
  // connection secrets) to a host outside the cluster.
  if (base && next.clusterDomain !== base.clusterDomain) {
    throw new BoundsError('clusterDomain', next.clusterDomain, 'the cluster\'s DNS domain is set only from a values file on the command line, not from chat');
  }
  // Host names and annotations on an Ingress reach beyond the instance (another team's host, controller-specific
  // snippets): the admin's, from values files on the command line.
  if (!same(next.ingress, base?.ingress) && (base !== undefined || next.ingress?.enabled)) {
    throw new BoundsError('ingress', JSON.stringify(next.ingress ?? null), 'the Ingress (host, TLS, annotations) is set only from a values file on the command line, not from chat');
  }
  // The prometheus plugin's endpoint answers without a login (its default), so metrics publish job names and build
  // counts to whoever reaches the Service or Ingress; a ServiceMonitor configures the cluster's Prometheus; a
  // NetworkPolicy decides who reaches Jenkins (off, the admin's isolation goes; on, agents from elsewhere are cut
  // off). The admin's, from values files on the command line; a new instance takes the admin's defaults.
  for (const key of ['metrics', 'networkPolicy'] as const) {
    if (base && !same(next[key], base[key])) {
      throw new BoundsError(key, JSON.stringify(next[key] ?? null), `${key} is set only from a values file on the command line, not from chat`);
    }
  }
  // Extra JCasC reaches everything Jenkins is (security realm, jobs, scripts, `${…}` of the controller's environment
  // and secrets folder when trusted); a credential mounts a Secret of the namespace into Jenkins, where any job can
  // read it (another instance's admin password, a TLS key). Both are the admin's, from values files on the command line.
  if (!same(next.jcasc, base?.jcasc)) {
    throw new BoundsError('jcasc', Object.keys(next.jcasc?.extra ?? {}).join(', ') || '(none)', 'extra JCasC is set only from a values file on the command line, not from chat');
  }
  if (!same(next.credentials, base?.credentials)) {
    throw new BoundsError('credentials', (next.credentials ?? []).map((c) => `${c.id} (Secret ${c.secret})`).join(', ') || '(none)', 'credentials (Secrets mounted into Jenkins) are set only from a values file on the command line, not from chat');
  }
  // Keys whose effect reaches beyond the instance (scheduling priority over other workloads, annotations other
  // controllers act on, arbitrary affinity): the admin's, from values files on the command line.
  for (const key of ['affinity', 'priorityClassName', 'podAnnotations'] as const) {
    if (!same(next.controller[key], base?.controller[key])) {
      throw new BoundsError(`controller.${key}`, JSON.stringify(next.controller[key] ?? null), 'this key is set only from a values file on the command line, not from chat');
    }
  }
}

/** Why each agent pod key that reaches beyond the agent's own pod is the admin's (values files on the command line). */
export const TEMPLATE_RULES = {
  secretVolume: "a Secret volume hands the Secret (the instance's admin or reload-token Secret, say) to every build on the template; only a values file on the command line may add one",
  claim: "a claim mounted into builds could be another instance's Jenkins home (jenkins-home-…); only a values file on the command line may name one",
  secretEnvVars: "a Secret's key in every build's environment (the admin password, say); only a values file on the command line may set it",
  annotations: 'agent pod annotations are acted on by other controllers (sidecar and secret injectors, AppArmor); only a values file on the command line may set them',
  yaml: 'raw pod YAML can give agent pods anything (host access, privileges, any volume); only a values file on the command line may set it',
  hostPath: "a node directory mounted into builds could hold another instance's Jenkins home (static storage lives under the policy's hostPaths) or the node's own files; only a values file on the command line may mount one",
} as const;

/**
 * Keys of a pod template that reach beyond the agent namespace's own pods: never from chat. Only what the change
 * introduces is judged: what the stored values already hold (set by the admin) may stay.
 */
function checkTemplate(t: PodTemplateSpec, base: PodTemplateSpec | undefined, at: string): void {
  if (t.serviceAccount !== base?.serviceAccount) {
    throw new BoundsError(`${at}.serviceAccount`, t.serviceAccount ?? '(default)', "a pod template's service account carries its own cluster permissions; only a values file on the command line may set it");
  }
  checkPlacement(t, base, at);
  // emptyDir and configMap volumes stay inside the agent's own pod and namespace: allowed from chat.
  for (const [j, v] of (t.volumes ?? []).entries()) {
    if ((base?.volumes ?? []).some((b) => same(b, v))) continue;
    const key = `${at}.volumes[${j}]`;
    if (v.type === 'hostPath') throw new BoundsError(`${key}.hostPath`, v.hostPath, TEMPLATE_RULES.hostPath);
    if (v.type === 'secret') throw new BoundsError(`${key}.secretName`, v.secretName, TEMPLATE_RULES.secretVolume);
    if (v.type === 'persistentVolumeClaim') throw new BoundsError(`${key}.claimName`, v.claimName, TEMPLATE_RULES.claim);
  }
  const ws = t.workspaceVolume;
  if (ws && !same(ws, base?.workspaceVolume)) {
    if (ws.type === 'hostPath') throw new BoundsError(`${at}.workspaceVolume.hostPath`, ws.hostPath, TEMPLATE_RULES.hostPath);
    if (ws.type === 'persistentVolumeClaim') throw new BoundsError(`${at}.workspaceVolume.claimName`, ws.claimName, TEMPLATE_RULES.claim);
  }
  for (const [name, ref] of Object.entries(t.secretEnvVars ?? {})) {
    if (same(ref, base?.secretEnvVars?.[name])) continue;
    throw new BoundsError(`${at}.secretEnvVars.${name}`, `${ref.secret}/${ref.key}`, TEMPLATE_RULES.secretEnvVars);
  }
  // Removing one is judged too: an admin's annotation or pod YAML may be what confines the agents.
  const annotations = t.annotations ?? {};
  const baseAnnotations = base?.annotations ?? {};
  for (const name of new Set([...Object.keys(annotations), ...Object.keys(baseAnnotations)])) {
    if (annotations[name] === baseAnnotations[name]) continue;
    throw new BoundsError(`${at}.annotations.${name}`, JSON.stringify(annotations[name] ?? null), TEMPLATE_RULES.annotations);
  }
  // imagePullSecrets only let the kubelet pull: what runs is still held to the images policy.
  for (const key of ['yaml', 'yamlMergeStrategy'] as const) {
    if (t[key] !== base?.[key]) throw new BoundsError(`${at}.${key}`, JSON.stringify(t[key] ?? null), TEMPLATE_RULES.yaml);
  }
}

type Placement = Pick<PodTemplateSpec, 'tolerations' | 'nodeSelector'>;

/** Tolerations and node selectors (agents' or the controller's) that would reach control-plane or any node. */
function checkPlacement(t: Placement, base: Placement | undefined, at: string): void {
  const baseTolerations = base?.tolerations ?? [];
  for (const [j, tol] of (t.tolerations ?? []).entries()) {
    if (baseTolerations.some((b) => same(b, tol))) continue;
    if (tol.operator === 'Exists' && !tol.key) {
      throw new BoundsError(`${at}.tolerations[${j}]`, JSON.stringify(tol), 'a toleration of every taint (operator Exists without a key) would let agents onto any node, control plane included');
    }
    if (tol.operator === 'Exists') {
      throw new BoundsError(`${at}.tolerations[${j}]`, JSON.stringify(tol), 'tolerations with operator Exists are not allowed from chat; use operator Equal with the taint\'s value');
    }
    if (tol.key && CONTROL_PLANE_KEYS.includes(tol.key)) {
      throw new BoundsError(`${at}.tolerations[${j}]`, JSON.stringify(tol), 'agents may not tolerate the control-plane taint');
    }
  }
  for (const [key, value] of Object.entries(t.nodeSelector ?? {})) {
    if (base?.nodeSelector?.[key] === value) continue;
    if (CONTROL_PLANE_KEYS.includes(key)) throw new BoundsError(`${at}.nodeSelector.${key}`, value, 'agents may not be placed on control-plane nodes');
  }
}
