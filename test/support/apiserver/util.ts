// Small helpers shared by the fake API server. Objects are plain JSON, so copies are made in this realm with JSON
// (structuredClone under Jest's vm modules returns objects from another realm; see the project's git history).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of JSON values (key order does not matter, list order does). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** JSON with object keys sorted: a stable encoding for hashes and list keys. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value).filter((k) => value[k] !== undefined).sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** FNV-1a 32 bit, the hash the StatefulSet controller uses for revision names (k8s.io/kubernetes/pkg/util/hash). */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(text, 'utf8')) {
    h ^= ch;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

// k8s.io/apimachinery/pkg/util/rand SafeEncodeString: digits and vowels are left out so names spell no words.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
export function safeEncode(text: string): string {
  let out = '';
  for (const ch of text) out += ALPHANUMS[ch.charCodeAt(0) % ALPHANUMS.length];
  return out;
}

/** Resource quantities ("500m", "2", "64Mi", "1Gi") as numbers (cores / bytes). */
export function parseQuantity(q: unknown): number {
  if (typeof q === 'number') return q;
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(q ?? '').trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  const suffix: Record<string, number> = {
    '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
  };
  const f = suffix[m[2] ?? ''];
  return f === undefined ? NaN : n * f;
}

export function meta(obj: Obj): Obj {
  if (!isObject(obj.metadata)) obj.metadata = {};
  return obj.metadata as Obj;
}

// metav1.Time fields serialise at second precision, metav1.MicroTime ones with six decimals: a client that sends
// "2026-01-01T00:00:00.000Z" (client-node turns Dates into toISOString) stores the same value the server wrote.
const TIME_FIELDS = new Set(['creationTimestamp', 'deletionTimestamp', 'time', 'lastTransitionTime', 'lastProbeTime', 'lastHeartbeatTime',
  'lastUpdateTime', 'startTime', 'startedAt', 'finishedAt', 'firstTimestamp', 'lastTimestamp']);
const MICRO_TIME_FIELDS = new Set(['acquireTime', 'renewTime', 'eventTime', 'lastObservedTime']);
const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

export function normaliseTimes(value: unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) normaliseTimes(v);
    return;
  }
  if (!isObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' && (TIME_FIELDS.has(k) || MICRO_TIME_FIELDS.has(k)) && RFC3339.test(v)) {
      const d = new Date(v);
      if (Number.isNaN(d.getTime())) continue;
      const iso = d.toISOString();
      if (TIME_FIELDS.has(k)) value[k] = iso.replace(/\.\d{3}Z$/, 'Z');
      else {
        const frac = (RFC3339.exec(v)![2] ?? '.').slice(1).padEnd(6, '0').slice(0, 6);
        value[k] = `${iso.slice(0, 19)}.${frac}Z`;
      }
    } else if (typeof v === 'object') normaliseTimes(v);
  }
}
