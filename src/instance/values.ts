// Values layers: deep merge (objects key by key, lists replaced whole) and `--set path=value` overrides.
import { load } from 'js-yaml';
import { SpecError } from './errors.js';

export type Values = Record<string, unknown>;
export type PathKey = string | number;

export function isPlainObject(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `over` on top of `base`; neither is modified. */
export function deepMerge(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : clone(value);
  }
  return out;
}

/**
 * A deep copy of values data (what YAML and --set produce: plain objects, lists, scalars). A JSON copy rather than
 * structuredClone: it keeps the copies in this realm, so every consumer (js-yaml's dump among them) sees plain objects.
 */
export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

const SEGMENT = /^([A-Za-z_][A-Za-z0-9_-]*)((?:\[\d+\])*)$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** `agents.templates[0].jnlpImage` → ['agents', 'templates', 0, 'jnlpImage']. */
export function parsePath(text: string): PathKey[] {
  const keys: PathKey[] = [];
  for (const part of text.split('.')) {
    const match = SEGMENT.exec(part);
    if (!match || FORBIDDEN_KEYS.has(match[1]!)) {
      throw new SpecError([{ path: text, message: "is not a key path; write keys separated by '.', list items as [N], e.g. agents.templates[0].jnlpImage" }]);
    }
    keys.push(match[1]!);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) keys.push(Number(index[1]));
  }
  return keys;
}

/**
 * A `--set` value: numbers and booleans become numbers and booleans (`replicas=2`, `webSocket=true`),
 * anything else stays the exact text typed. Only scalars: `--set a={b: c}` sets the string "{b: c}".
 */
export function parseScalar(text: string): unknown {
  if (/^(true|false)$/.test(text)) return text === 'true';
  if (/^-?(0|[1-9]\d{0,14})$/.test(text)) return Number(text);
  if (/^-?(0|[1-9]\d*)\.\d+$/.test(text) && text.length < 16) return Number(text);
  return text;
}

export interface SetExpression {
  path: PathKey[];
  text: string;
  value: unknown;
}

export function parseSetExpression(expr: string): SetExpression {
  const eq = expr.indexOf('=');
  if (eq <= 0) {
    throw new SpecError([{ path: expr, message: 'a --set needs the form path=value, e.g. controller.replicas=2' }]);
  }
  const text = expr.slice(eq + 1);
  return { path: parsePath(expr.slice(0, eq)), text, value: parseScalar(text) };
}

/** Sets `value` at `path` in a copy of `values`, creating objects (and list items at the end) as needed. */
export function setAt(values: Values, path: PathKey[], value: unknown): Values {
  const root = clone(values);
  let node: unknown = root;
  path.forEach((key, i) => {
    const last = i === path.length - 1;
    const nextIsIndex = typeof path[i + 1] === 'number';
    if (typeof key === 'number') {
      if (!Array.isArray(node)) throw badSet(path, i, 'is not a list');
      if (key > node.length) throw badSet(path, i, `has ${node.length} item(s); use index ${node.length} to add one`);
      if (last) node[key] = value;
      else node = node[key] ??= nextIsIndex ? [] : {};
    } else {
      if (!isPlainObject(node)) throw badSet(path, i, 'is not an object');
      if (last) node[key] = value;
      else {
        const child = node[key];
        node = node[key] = child === undefined || child === null ? (nextIsIndex ? [] : {}) : child;
      }
    }
  });
  return root;
}

function badSet(path: PathKey[], i: number, why: string): SpecError {
  const shown = path.slice(0, i).map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('').replace(/^\./, '') || '(root)';
  return new SpecError([{ path: shown, message: `cannot set ${path.join('.')}: ${shown} ${why}` }]);
}

/** Parses one values file. Duplicate keys, anchors bombs and non-mapping documents are errors. */
export function parseValues(text: string, source: string): Values {
  let doc: unknown;
  try {
    doc = load(text, { filename: source } as never);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new SpecError([{ path: source, message: `is not valid YAML: ${reason}` }], 'cannot read values');
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) {
    throw new SpecError([{ path: source, message: 'must be a YAML mapping of spec keys (name, namespace, controller, ...)' }], 'cannot read values');
  }
  return doc;
}
