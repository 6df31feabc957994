// What would change, field by field: desired (a server-side dry-run, or the rendered file) against what is there.
import type { KubeObject } from '../render/bundle.js';
import { clone } from '../instance/values.js';
import type { FieldChange, ObjectChange } from '../operations/target.js';

const NOISE_METADATA = ['managedFields', 'resourceVersion', 'generation', 'creationTimestamp', 'uid', 'selfLink'];

/** Drops what the server maintains by itself, so only intent is compared. */
export function withoutNoise(object: KubeObject): Record<string, unknown> {
  const copy = clone(object) as Record<string, unknown> & { metadata?: Record<string, unknown> };
  delete copy.status;
  if (copy.metadata) {
    for (const key of NOISE_METADATA) delete copy.metadata[key];
    for (const key of ['annotations', 'labels'] as const) {
      const map = copy.metadata[key];
      if (map && typeof map === 'object' && Object.keys(map).length === 0) delete copy.metadata[key];
    }
  }
  return copy;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

/** Leaf-level differences; lists of different length are reported whole. */
export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => fieldChanges(before[key], after[key], join(path, key)));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => fieldChanges(item, after[i], join(path, i)));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const change: FieldChange = { path: path || '(object)' };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  return [change];
}

export function objectChange(desired: KubeObject, live: KubeObject | undefined, predicted?: KubeObject): ObjectChange {
  const base = { kind: desired.kind, name: desired.metadata.name, namespace: desired.metadata.namespace };
  if (!live) return { ...base, action: 'create', fields: [] };
  const fields = fieldChanges(withoutNoise(live), withoutNoise(predicted ?? desired));
  return { ...base, action: fields.length ? 'update' : 'unchanged', fields };
}
