// `key=value` words of deploy/diff → spec settings. Short keys for what people change from chat, plus any full
// dotted spec path (`controller.javaOpts=-Xmx1g`). The spec itself validates values and deeper keys.
import { parsePath, parseScalar, SpecError, type Values } from '../instance/index.js';
import type { PathKey } from '../instance/values.js';

export interface Setting {
  /** The key as the user wrote it, for messages. */
  key: string;
  path: PathKey[];
  value: unknown;
}

interface ShortKey {
  key: string;
  /** The spec path(s) it sets, as documented in help. */
  target: string;
  example: string;
  expand(text: string): Array<{ path: string; value: unknown }>;
}

const AGENT = 'agents.templates[0]';
const one = (path: string, convert: (text: string) => unknown = parseScalar) => (text: string) => [{ path, value: convert(text) }];
const both = (resource: 'cpu' | 'memory') => (text: string) => [
  { path: `${AGENT}.resources.requests.${resource}`, value: text },
  { path: `${AGENT}.resources.limits.${resource}`, value: text },
];
/** Enum values typed in any case (`service=nodeport`) become the spelling the spec accepts. */
const caseOf = (allowed: string[]) => (text: string) => allowed.find((a) => a.toLowerCase() === text.toLowerCase()) ?? text;

export const SHORT_KEYS: ShortKey[] = [
  { key: 'replicas', target: 'controller.replicas', example: 'replicas=1', expand: one('controller.replicas') },
  { key: 'image', target: 'controller.image', example: 'image=jenkins/jenkins:2.479.3-lts-jdk21', expand: one('controller.image', String) },
  { key: 'service', target: 'service.type', example: 'service=NodePort', expand: one('service.type', caseOf(['ClusterIP', 'NodePort', 'LoadBalancer'])) },
  { key: 'nodePort', target: 'service.nodePort', example: 'nodePort=30080', expand: one('service.nodePort') },
  { key: 'storage', target: 'persistence.mode, .size, .storageClass', example: 'storage=dynamic:20Gi:standard', expand: storage },
  { key: 'hostPath', target: 'persistence.hostPath', example: 'hostPath=/data/jenkins', expand: one('persistence.hostPath', String) },
  { key: 'namespace', target: 'namespace', example: 'namespace=ci', expand: one('namespace', String) },
  { key: 'agent.image', target: `${AGENT}.jnlpImage`, example: 'agent.image=registry.local/jnlp:1', expand: one(`${AGENT}.jnlpImage`, String) },
  { key: 'agent.cpu', target: `${AGENT}.resources.requests.cpu and .limits.cpu`, example: 'agent.cpu=500m', expand: both('cpu') },
  { key: 'agent.memory', target: `${AGENT}.resources.requests.memory and .limits.memory`, example: 'agent.memory=500Mi', expand: both('memory') },
  { key: 'agent.cpu.request', target: `${AGENT}.resources.requests.cpu`, example: 'agent.cpu.request=250m', expand: one(`${AGENT}.resources.requests.cpu`, String) },
  { key: 'agent.cpu.limit', target: `${AGENT}.resources.limits.cpu`, example: 'agent.cpu.limit=1', expand: one(`${AGENT}.resources.limits.cpu`, String) },
  { key: 'agent.memory.request', target: `${AGENT}.resources.requests.memory`, example: 'agent.memory.request=512Mi', expand: one(`${AGENT}.resources.requests.memory`, String) },
  { key: 'agent.memory.limit', target: `${AGENT}.resources.limits.memory`, example: 'agent.memory.limit=1Gi', expand: one(`${AGENT}.resources.limits.memory`, String) },
  { key: 'retention', target: 'agents.podRetention', example: 'retention=onFailure', expand: one('agents.podRetention', caseOf(['never', 'onFailure', 'always', 'evicted', 'default'])) },
  { key: 'idle', target: 'agents.idleMinutes', example: 'idle=10', expand: one('agents.idleMinutes') },
  { key: 'cap', target: 'agents.containerCap', example: 'cap=20', expand: one('agents.containerCap') },
  { key: 'websocket', target: 'agents.webSocket', example: 'websocket=true', expand: one('agents.webSocket') },
];

/** Top-level spec sections a full dotted path may start with (`name` is the command's instance argument). */
export const SPEC_SECTIONS = ['namespace', 'controller', 'service', 'persistence', 'agents'];

export class KeyError extends Error {
  override name = 'KeyError';
}

/** One `key=value` word → the settings it makes. Throws KeyError (unknown key, bad form) or SpecError (bad path). */
export function parseSetting(word: string): Setting[] {
  const eq = word.indexOf('=');
  if (eq <= 0) throw new KeyError(`'${word}' is not a setting; write key=value, e.g. replicas=1`);
  const key = word.slice(0, eq);
  const text = word.slice(eq + 1);
  const short = SHORT_KEYS.find((k) => k.key === key) ?? SHORT_KEYS.find((k) => k.key.toLowerCase() === key.toLowerCase());
  if (short) {
    const settings = short.expand(text).map(({ path, value }) => ({ key, path: parsePath(path), value }));
    if (settings.some((s) => s.path.at(-1) === 'memory')) refuseBareMemory(key, text);
    return settings;
  }
  const path = parsePath(key);
  if (path.at(-1) === 'memory') refuseBareMemory(key, text);
  if (path.length < 2 && path[0] !== 'namespace') {
    throw new KeyError(`unknown key '${key}'; allowed: ${SHORT_KEYS.map((k) => k.key).join(', ')}, or a spec path starting with ${SPEC_SECTIONS.join('., ')}. (e.g. controller.javaOpts=-Xmx2g)`);
  }
  if (!SPEC_SECTIONS.includes(String(path[0]))) {
    throw new KeyError(`unknown key '${key}'; a spec path starts with ${SPEC_SECTIONS.join(', ')}; short keys: ${SHORT_KEYS.map((k) => k.key).join(', ')}`);
  }
  return [{ key, path, value: parseScalar(text) }];
}

/**
 * A memory quantity without a unit is bytes to Kubernetes: `agent.memory=500` would give the pod 500 bytes and it
 * could never start. Nobody means that from chat, so a bare number is refused with the spellings that are meant.
 */
function refuseBareMemory(key: string, text: string): void {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text.trim())) return;
  const n = text.trim();
  throw new SpecError([{
    path: key,
    value: text,
    message: `a memory size needs a unit: ${n} alone means ${n} bytes. Write ${n}Mi (mebibytes) or ${n}Gi (gibibytes); ${n}M and ${n}G are decimal megabytes and gigabytes`,
  }]);
}

function storage(text: string): Array<{ path: string; value: unknown }> {
  const match = /^(static|dynamic):([^:]+)(?::([^:]+))?$/.exec(text);
  if (!match) {
    throw new SpecError([{ path: 'storage', value: text, message: 'must be static:<size> or dynamic:<size>[:<storageClass>], e.g. static:10Gi or dynamic:20Gi:standard' }]);
  }
  const [, mode, size, storageClass] = match;
  if (mode === 'static' && storageClass) {
    throw new SpecError([{ path: 'storage', value: text, message: 'static storage uses hostPath volumes and takes no storage class; write static:<size> and hostPath=/dir' }]);
  }
  const out: Array<{ path: string; value: unknown }> = [
    { path: 'persistence.mode', value: mode },
    { path: 'persistence.size', value: size },
  ];
  if (storageClass) out.push({ path: 'persistence.storageClass', value: storageClass });
  return out;
}

/** `--preset a --preset b` → the instance's pod templates become those presets, in that order. */
export function presetSettings(presets: string[]): Setting[] {
  if (presets.length === 0) return [];
  return [{ key: '--preset', path: ['agents', 'templates'], value: presets.map((preset) => ({ preset })) }];
}

export function isValues(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
