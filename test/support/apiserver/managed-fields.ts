// metadata.managedFields: who owns which field, and the two ways ownership changes.
// Apply:  sigs.k8s.io/structured-merge-diff/v4/merge/update.go (Updater.Apply, prune, conflicts),
// Update: same file (Updater.Update), with k8s.io/apimachinery/pkg/util/managedfields/internal/managedfieldsupdater.go
//         (an Update merges into the manager's previous set; timestamps move only when something changed),
//         stripmeta.go (identity fields are never owned) and managedfields.go (entry identity and sort order).
import { ApiError } from './errors.js';
import { FieldSet, pathString } from './fieldset.js';
import type { Schema } from './schema.js';
import { compare, merge, removeItems, toFieldSet } from './typed.js';
import { deepEqual, isObject, type Obj } from './util.js';

export interface ManagerEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

// stripmeta.go: fields no manager ever owns.
const STRIPPED: string[][] = [
  ['f:apiVersion'], ['f:kind'], ['f:metadata'],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion']
    .map((f) => ['f:metadata', `f:${f}`]),
  // Set by the apiserver itself on graceful deletion.
  ['f:metadata', 'f:deletionTimestamp'], ['f:metadata', 'f:deletionGracePeriodSeconds'],
];

function strip(set: FieldSet, subresource: string | undefined, hasStatus: boolean): FieldSet {
  let out = set;
  for (const p of STRIPPED) out = out.difference(FieldSet.of(p));
  // Status is reset on the main resource and everything but status on /status (the strategies' GetResetFields).
  if (hasStatus && !subresource) out = out.without(['f:status']);
  if (subresource === 'status') {
    const keep = out.at(['f:status']);
    out = new FieldSet();
    if (keep) for (const p of keep.paths(['f:status'])) out.insert(p);
  }
  return out;
}

/** managedfields.go BuildManagerIdentifier: appliers are one manager whatever apiVersion they use. */
function identity(e: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([e.manager, e.operation, e.operation === 'Apply' ? '' : e.apiVersion, e.subresource ?? '']);
}

export function decodeManagedFields(obj: Obj): ManagerEntry[] {
  const list = obj.metadata?.managedFields;
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).map((e) => ({
    manager: String(e.manager ?? ''), operation: e.operation === 'Apply' ? 'Apply' : 'Update', apiVersion: String(e.apiVersion ?? ''),
    ...(e.time ? { time: String(e.time) } : {}), ...(e.subresource ? { subresource: String(e.subresource) } : {}),
    set: FieldSet.fromJSON(e.fieldsV1),
  }));
}

/** Wire form, sorted like sortEncodedManagedFields: operation, then time, then manager, apiVersion, subresource. */
export function encodeManagedFields(entries: ManagerEntry[]): Obj[] | undefined {
  const list = entries.filter((e) => !e.set.isEmpty());
  if (list.length === 0) return undefined;
  const key = (e: ManagerEntry) => [e.operation, e.time ?? '', e.manager, e.apiVersion, e.subresource ?? ''];
  list.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    return 0;
  });
  return list.map((e) => ({
    manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, ...(e.time ? { time: e.time } : {}),
    fieldsType: 'FieldsV1', fieldsV1: e.set.toJSON(), ...(e.subresource ? { subresource: e.subresource } : {}),
  }));
}

/** conflict.go printManager: Update managers are named with the version they wrote. */
function printManager(e: ManagerEntry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  return e.operation === 'Update' ? `${s} using ${e.apiVersion}` : s;
}

/** conflict.go NewConflictError: 409 Conflict, one FieldManagerConflict cause per field. */
function conflictError(conflicts: Array<{ entry: ManagerEntry; path: string[] }>): ApiError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.entry)}`, field: pathString(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0]!.entry)}: ${pathString(conflicts[0]!.path)}`;
  } else {
    const byManager = new Map<string, { entry: ManagerEntry; paths: string[] }>();
    for (const c of conflicts) {
      const id = identity(c.entry);
      if (!byManager.has(id)) byManager.set(id, { entry: c.entry, paths: [] });
      byManager.get(id)!.paths.push(pathString(c.path));
    }
    const lines: string[] = [];
    for (const id of [...byManager.keys()].sort()) {
      const g = byManager.get(id)!;
      lines.push(`conflicts with ${printManager(g.entry)}:`, ...g.paths.map((p) => `- ${p}`));
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}

export interface OwnershipContext {
  schema: Schema;
  apiVersion: string;
  hasStatus: boolean;
  subresource?: string;
  now: string;
}

/**
 * Server-side apply of `config` by `manager` onto `live` (undefined when creating). Returns the new object (without
 * managedFields), the new entries, and whether the object changed. Throws a 409 on conflicts unless forced.
 */
export function applyOwnership(live: Obj | undefined, config: Obj, entries: ManagerEntry[], manager: string, force: boolean, ctx: OwnershipContext):
  { object: Obj; entries: ManagerEntry[]; changed: boolean } {
  const base: Obj = live ?? {};
  const me: ManagerEntry = { manager, operation: 'Apply', apiVersion: ctx.apiVersion, set: new FieldSet(), ...(ctx.subresource ? { subresource: ctx.subresource } : {}) };
  const myId = identity(me);
  const previous = entries.find((e) => identity(e) === myId);
  const others = entries.filter((e) => identity(e) !== myId).map((e) => ({ ...e }));
  me.set = strip(toFieldSet(config, ctx.schema), ctx.subresource, ctx.hasStatus);

  let merged = merge(base, config, ctx.schema) as Obj;
  // prune: what this manager applied last time and nobody owns any more is removed.
  if (previous) {
    const owned = others.reduce((acc, e) => acc.union(e.set), me.set);
    merged = removeItems(merged, previous.set.difference(owned), owned, ctx.schema) as Obj;
  }

  const cmp = compare(base, merged, ctx.schema);
  const changedFields = cmp.modified.union(cmp.added);
  const conflicts: Array<{ entry: ManagerEntry; path: string[] }> = [];
  for (const e of others) {
    const c = e.set.intersection(changedFields);
    if (c.isEmpty()) continue;
    if (force) e.set = e.set.difference(c);
    else for (const path of c.paths()) conflicts.push({ entry: e, path });
  }
  if (conflicts.length > 0) throw conflictError(conflicts);
  for (const e of others) e.set = e.set.difference(cmp.removed);

  const changed = !deepEqual(base, merged);
  // managedfieldsupdater.go Apply: the applier's timestamp moves only when the object changed.
  const time = changed || !previous || !deepEqual(previous.set.toJSON(), me.set.toJSON()) ? ctx.now : previous.time;
  if (time) me.time = time;
  return { object: merged, entries: [...others, me].filter((e) => !e.set.isEmpty()), changed };
}

/** Ownership after a non-apply write (create, update, patch) by `manager`: changed fields move to it, without conflicts. */
export function updateOwnership(live: Obj | undefined, next: Obj, entries: ManagerEntry[], manager: string, ctx: OwnershipContext): ManagerEntry[] {
  const cmp = compare(live ?? {}, next, ctx.schema);
  const taken = strip(cmp.modified.union(cmp.added), ctx.subresource, ctx.hasStatus);
  const removed = cmp.removed;
  const me: ManagerEntry = { manager, operation: 'Update', apiVersion: ctx.apiVersion, set: new FieldSet(), ...(ctx.subresource ? { subresource: ctx.subresource } : {}) };
  const myId = identity(me);
  const out: ManagerEntry[] = [];
  let previous: ManagerEntry | undefined;
  for (const e of entries) {
    if (identity(e) === myId) {
      previous = e;
      continue;
    }
    out.push({ ...e, set: e.set.difference(taken).difference(removed) });
  }
  if (!taken.isEmpty()) {
    out.push({ ...me, set: (previous?.set ?? new FieldSet()).difference(removed).union(taken), time: ctx.now });
  } else if (previous) {
    out.push({ ...previous, set: previous.set.difference(removed) });
  }
  return out.filter((e) => !e.set.isEmpty());
}
