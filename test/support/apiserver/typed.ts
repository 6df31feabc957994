// Schema-aware walks over JSON objects, after structured-merge-diff's typed package:
// ToFieldSet (typed/tofieldset.go), Compare (typed/compare.go), Merge (typed/merge.go), RemoveItems (typed/remove.go).
import { FieldSet } from './fieldset.js';
import { childSchema, resolve, type Schema } from './schema.js';
import { clone, deepEqual, isObject, stableStringify, type Obj } from './util.js';

type MapList = Extract<Schema, { kind: 'map-list' }>;

/** The "k:{...}" element naming a keyed list item; missing key fields take their schema default (protocol TCP). */
export function itemKey(schema: MapList, item: unknown): string {
  const key: Obj = {};
  for (const k of schema.keys) {
    const v = isObject(item) ? item[k] : undefined;
    key[k] = v ?? schema.keyDefaults?.[k];
  }
  return `k:${stableStringify(key)}`;
}

export function valueKey(value: unknown): string {
  return `v:${stableStringify(value)}`;
}

function fieldKey(name: string): string {
  return `f:${name}`;
}

/** The set of fields a (partial) object sets: what an applier owns after applying it. */
export function toFieldSet(value: unknown, schema: Schema | undefined): FieldSet {
  const set = new FieldSet();
  const walk = (v: unknown, s: Schema | undefined, path: string[]) => {
    const sch = resolve(s, v);
    if (sch.kind === 'struct' && isObject(v)) {
      const keys = Object.keys(v).filter((k) => v[k] !== undefined);
      if (keys.length === 0 && path.length > 0) set.insert(path);
      for (const k of keys) walk(v[k], childSchema(sch, k), [...path, fieldKey(k)]);
      return;
    }
    if (sch.kind === 'map-list' && Array.isArray(v)) {
      if (v.length === 0) set.insert(path);
      for (const item of v) {
        const p = [...path, itemKey(sch, item)];
        set.insert(p);
        walk(item, sch.elem, p);
      }
      return;
    }
    if (sch.kind === 'set-list' && Array.isArray(v)) {
      if (v.length === 0) set.insert(path);
      for (const item of v) set.insert([...path, valueKey(item)]);
      return;
    }
    if (path.length > 0) set.insert(path);
  };
  walk(value, schema, []);
  return set;
}

export interface Comparison {
  added: FieldSet;
  removed: FieldSet;
  modified: FieldSet;
}

/** Field-level difference between two objects. A created map or list item is recorded itself, with its fields. */
export function compare(lhs: unknown, rhs: unknown, schema: Schema | undefined): Comparison {
  const out: Comparison = { added: new FieldSet(), removed: new FieldSet(), modified: new FieldSet() };
  const walk = (l: unknown, r: unknown, s: Schema | undefined, path: string[]) => {
    const sch = resolve(s, r ?? l);
    const isRoot = path.length === 0;
    if (sch.kind === 'struct' && (isObject(l) || l === undefined) && (isObject(r) || r === undefined)) {
      if (!isRoot && (l === undefined || r === undefined)) {
        // compare.go inserts the node itself; for structs the typed zero value already exists in Go, so only maps
        // (and list items, below) show up as "." in managedFields.
        if (sch.map || Object.keys((l ?? r) as Obj).length === 0) (l === undefined ? out.added : out.removed).insert(path);
      }
      const keys = new Set([...Object.keys((l ?? {}) as Obj), ...Object.keys((r ?? {}) as Obj)]);
      for (const k of keys) {
        const lv = (l as Obj | undefined)?.[k];
        const rv = (r as Obj | undefined)?.[k];
        if (lv === undefined && rv === undefined) continue;
        walk(lv, rv, childSchema(sch, k), [...path, fieldKey(k)]);
      }
      return;
    }
    if (sch.kind === 'map-list' && (Array.isArray(l) || l === undefined) && (Array.isArray(r) || r === undefined)) {
      const li = new Map((l ?? []).map((it: unknown) => [itemKey(sch, it), it] as const));
      const ri = new Map((r ?? []).map((it: unknown) => [itemKey(sch, it), it] as const));
      if ((l === undefined || r === undefined) && li.size + ri.size === 0) (l === undefined ? out.added : out.removed).insert(path);
      for (const k of new Set([...li.keys(), ...ri.keys()])) {
        const p = [...path, k];
        if (!li.has(k)) out.added.insert(p);
        else if (!ri.has(k)) out.removed.insert(p);
        walk(li.get(k), ri.get(k), sch.elem, p);
      }
      return;
    }
    if (sch.kind === 'set-list' && (Array.isArray(l) || l === undefined) && (Array.isArray(r) || r === undefined)) {
      const ls = new Set((l ?? []).map(valueKey));
      const rs = new Set((r ?? []).map(valueKey));
      for (const k of rs) if (!ls.has(k)) out.added.insert([...path, k]);
      for (const k of ls) if (!rs.has(k)) out.removed.insert([...path, k]);
      return;
    }
    if (isRoot) return;
    if (l === undefined) out.added.insert(path);
    else if (r === undefined) out.removed.insert(path);
    else if (!deepEqual(l, r)) out.modified.insert(path);
  };
  walk(lhs, rhs, schema, []);
  return out;
}

/** Applies a configuration onto a live object: keyed items merge by key, atomics are replaced whole. */
export function merge(live: unknown, config: unknown, schema: Schema | undefined): unknown {
  if (config === undefined) return clone(live);
  const sch = resolve(schema, config);
  if (sch.kind === 'struct' && isObject(config)) {
    const out: Obj = isObject(live) ? clone(live) : {};
    for (const [k, v] of Object.entries(config)) {
      if (v === undefined) continue;
      out[k] = merge(out[k], v, childSchema(sch, k));
    }
    return out;
  }
  if (sch.kind === 'map-list' && Array.isArray(config)) {
    // Live items keep their order and place; items new to the list follow in the configuration's order.
    const out: unknown[] = Array.isArray(live) ? clone(live) : [];
    const index = new Map(out.map((it, i) => [itemKey(sch, it), i] as const));
    for (const item of config) {
      const i = index.get(itemKey(sch, item));
      if (i === undefined) out.push(clone(item));
      else out[i] = merge(out[i], item, sch.elem);
    }
    return out;
  }
  if (sch.kind === 'set-list' && Array.isArray(config)) {
    const out: unknown[] = Array.isArray(live) ? clone(live) : [];
    const seen = new Set(out.map(valueKey));
    for (const item of config) if (!seen.has(valueKey(item))) out.push(clone(item));
    return out;
  }
  return clone(config);
}

/**
 * Removes the member paths of `remove` from an object, except where `keep` still owns something beneath
 * (merge/update.go prune: RemoveItems, then add back what other managers own). Maps emptied this way go too.
 */
export function removeItems(value: unknown, remove: FieldSet, keep: FieldSet, schema: Schema | undefined): unknown {
  const walk = (v: unknown, rm: FieldSet, kp: FieldSet | undefined, s: Schema | undefined): unknown => {
    const sch = resolve(s, v);
    if (sch.kind === 'struct' && isObject(v)) {
      const out: Obj = { ...v };
      for (const [pe, child] of rm.children) {
        if (!pe.startsWith('f:')) continue;
        const k = pe.slice(2);
        if (!(k in out)) continue;
        const kc = kp?.children.get(pe);
        if (child.member && (!kc || kc.isEmpty())) {
          delete out[k];
          continue;
        }
        const before = out[k];
        const next = walk(before, child, kc, childSchema(sch, k));
        if (isObject(next) && Object.keys(next).length === 0 && isObject(before) && Object.keys(before).length > 0) delete out[k];
        else out[k] = next;
      }
      return out;
    }
    if (sch.kind === 'map-list' && Array.isArray(v)) {
      const out: unknown[] = [];
      for (const item of v) {
        const pe = itemKey(sch, item);
        const child = rm.children.get(pe);
        const kc = kp?.children.get(pe);
        if (!child) out.push(item);
        else if (child.member && (!kc || kc.isEmpty())) continue;
        else out.push(walk(item, child, kc, sch.elem));
      }
      return out;
    }
    if (sch.kind === 'set-list' && Array.isArray(v)) {
      return v.filter((item) => {
        const pe = valueKey(item);
        return !(rm.children.get(pe)?.member && !kp?.children.get(pe)?.member);
      });
    }
    return v;
  };
  return walk(value, remove, keep, schema);
}
