// The garbage collector (pkg/controller/garbagecollector) and the namespace controller (pkg/controller/namespace).
// Background: a dependent whose owners are all gone is deleted. Foreground: an owner with the foregroundDeletion
// finalizer waits until its blocking dependents are gone. Orphan: the orphan finalizer strips owner references
// from dependents, then goes. A terminating namespace is emptied, then removed.
import { byKind, RESOURCES } from '../resources.js';
import { clone, type Obj } from '../util.js';
import { attempt, KCM, type ControllerContext } from './context.js';

/** Read only (no copies: this runs every tick over every object); writes below copy first. */
function everything(ctx: ControllerContext): Array<{ kind: string; obj: Obj }> {
  return ctx.registry.store.peekAll().map((e) => ({ kind: e.info.kind, obj: e.obj as Obj }));
}

function dropFinalizer(ctx: ControllerContext, kind: string, obj: Obj, finalizer: string): void {
  const next = clone(obj);
  next.metadata.finalizers = (obj.metadata.finalizers ?? []).filter((f: string) => f !== finalizer);
  if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
  attempt(() => ctx.registry.controllerUpdate(byKind(kind), next, KCM));
}

export function runGarbageCollector(ctx: ControllerContext): void {
  const all = everything(ctx);
  const uids = new Set(all.map((e) => e.obj.metadata.uid));
  const dependentsOf = (uid: string) => all.filter((e) => ((e.obj.metadata.ownerReferences ?? []) as Obj[]).some((r) => r.uid === uid));

  for (const { kind, obj } of all) {
    const m = obj.metadata;
    if (!m.deletionTimestamp) continue;
    const finalizers: string[] = m.finalizers ?? [];
    if (finalizers.includes('orphan')) {
      for (const d of dependentsOf(m.uid)) {
        const next = clone(d.obj);
        next.metadata.ownerReferences = (d.obj.metadata.ownerReferences as Obj[]).filter((r) => r.uid !== m.uid);
        if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
        attempt(() => ctx.registry.controllerUpdate(byKind(d.kind), next, 'kube-controller-manager'));
      }
      dropFinalizer(ctx, kind, obj, 'orphan');
    } else if (finalizers.includes('foregroundDeletion')) {
      const deps = dependentsOf(m.uid);
      for (const d of deps) {
        if (!d.obj.metadata.deletionTimestamp) {
          attempt(() => ctx.registry.delete(byKind(d.kind), d.obj.metadata.namespace, d.obj.metadata.name, { propagationPolicy: 'Foreground' }));
        }
      }
      const blocking = deps.filter((d) => ((d.obj.metadata.ownerReferences ?? []) as Obj[]).some((r) => r.uid === m.uid && r.blockOwnerDeletion));
      if (blocking.length === 0) dropFinalizer(ctx, kind, obj, 'foregroundDeletion');
    }
  }

  // Dependents whose owners are all gone.
  for (const { kind, obj } of all) {
    const refs = (obj.metadata.ownerReferences ?? []) as Obj[];
    if (refs.length === 0 || obj.metadata.deletionTimestamp) continue;
    if (refs.every((r) => !uids.has(r.uid))) {
      attempt(() => ctx.registry.delete(byKind(kind), obj.metadata.namespace, obj.metadata.name, { propagationPolicy: 'Background' }));
    }
  }
}

export function runNamespaces(ctx: ControllerContext): void {
  const nsInfo = byKind('Namespace');
  for (const ns of ctx.registry.store.list(nsInfo)) {
    if (!ns.metadata.deletionTimestamp) continue;
    let remaining = 0;
    for (const res of RESOURCES.filter((r) => r.namespaced)) {
      for (const obj of ctx.registry.store.list(res, ns.metadata.name)) {
        remaining += 1;
        if (!obj.metadata.deletionTimestamp) {
          attempt(() => ctx.registry.delete(res, ns.metadata.name, obj.metadata.name, { propagationPolicy: 'Background' }));
        }
      }
    }
    // Emptied: the namespace controller's "kubernetes" finalizer (spec.finalizers) is done; metadata finalizers
    // still hold the namespace like any other object.
    if (remaining === 0 && (ns.metadata.finalizers ?? []).length === 0) ctx.registry.forceRemove(nsInfo, ns);
  }
}
