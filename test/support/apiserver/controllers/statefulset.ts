// The StatefulSet controller (pkg/controller/statefulset/stateful_set_control.go, stateful_set_utils.go,
// pkg/controller/history): ControllerRevisions for templates, claims from volumeClaimTemplates before pods, pods
// <name>-<ordinal> created in order (OrderedReady: one at a time, each Running and Ready first) or all at once
// (Parallel), scale-down from the highest ordinal, rolling update from the highest ordinal down to the partition,
// and status. As in the real controller, an OrderedReady set stops at the first pod that is not Running and Ready
// before it reaches the update step, so a pod that never becomes Ready blocks the rollout even after the template
// is fixed (kubernetes#67250). Claims are never deleted unless the retention policy says so.
import { matchesSelector } from '../selectors.js';
import { clone, deepEqual, fnv32a, safeEncode, stableStringify, type Obj } from '../util.js';
import { attempt, controllerOf, info, KCM, list, ownerRef, type ControllerContext } from './context.js';

const REVISION_LABEL = 'controller-revision-hash';
const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
const HASH_LABEL = 'controller.kubernetes.io/hash';

function isRunningAndReady(pod: Obj): boolean {
  return pod.status?.phase === 'Running' && ((pod.status?.conditions ?? []) as Obj[]).some((c) => c.type === 'Ready' && c.status === 'True');
}

function isTerminating(pod: Obj): boolean {
  return !!pod.metadata.deletionTimestamp;
}

function isHealthy(pod: Obj): boolean {
  return isRunningAndReady(pod) && !isTerminating(pod);
}

function ordinalOf(set: Obj, pod: Obj): number {
  const m = new RegExp(`^${set.metadata.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`).exec(pod.metadata.name);
  return m ? Number(m[1]) : -1;
}

/** history.HashControllerRevision: FNV-32a of the revision data (and collision count), safe-encoded. */
function revisionHash(data: Obj, collisionCount: number): string {
  return safeEncode(String(fnv32a(stableStringify(data) + (collisionCount ? String(collisionCount) : ''))));
}

/** getPatch: the part of the set a revision records, the template, replaced whole when rolled back. */
function revisionData(set: Obj): Obj {
  return { spec: { template: { ...clone(set.spec.template), $patch: 'replace' } } };
}

function claimName(template: Obj, set: Obj, ordinal: number): string {
  return `${template.metadata.name}-${set.metadata.name}-${ordinal}`;
}

export function runStatefulSets(ctx: ControllerContext): void {
  for (const set of list(ctx, 'StatefulSet')) {
    if (set.metadata.deletionTimestamp) continue;
    syncSet(ctx, set);
  }
}

function ensureRevision(ctx: ControllerContext, set: Obj, revisions: Obj[]): Obj | undefined {
  const data = revisionData(set);
  const same = revisions.find((r) => deepEqual(r.data, data));
  const max = revisions.reduce((m, r) => Math.max(m, Number(r.revision ?? 0)), 0);
  if (same) {
    if (Number(same.revision) < max) {
      // A template seen before becomes the newest revision again (history.go UpdateControllerRevision).
      const next = clone(same);
      next.revision = max + 1;
      let out: Obj | undefined;
      attempt(() => { out = ctx.registry.controllerUpdate(info('ControllerRevision'), next, KCM); });
      return out ?? same;
    }
    return same;
  }
  const hash = revisionHash(data, set.status?.collisionCount ?? 0);
  let created: Obj | undefined;
  attempt(() => {
    created = ctx.registry.create(info('ControllerRevision'), set.metadata.namespace, {
      metadata: {
        name: `${set.metadata.name}-${hash}`, namespace: set.metadata.namespace,
        labels: { ...(set.spec.template?.metadata?.labels ?? {}), [HASH_LABEL]: hash },
        ownerReferences: [ownerRef(set)],
      },
      data, revision: max + 1,
    }, { fieldManager: KCM });
  });
  return created;
}

function templateOf(revision: Obj | undefined, set: Obj): Obj {
  const t = clone(revision?.data?.spec?.template ?? set.spec.template);
  delete t.$patch;
  return t;
}

function createPod(ctx: ControllerContext, set: Obj, ordinal: number, revision: Obj): boolean {
  const ns = set.metadata.namespace;
  const name = `${set.metadata.name}-${ordinal}`;
  // Claims first (createPersistentVolumeClaims); existing claims are reused, whatever their state.
  for (const tmpl of (set.spec.volumeClaimTemplates ?? []) as Obj[]) {
    const cn = claimName(tmpl, set, ordinal);
    if (ctx.registry.store.get(info('PersistentVolumeClaim'), ns, cn)) continue;
    const retention = set.spec.persistentVolumeClaimRetentionPolicy ?? {};
    const ok = attempt(() => ctx.registry.create(info('PersistentVolumeClaim'), ns, {
      metadata: {
        name: cn, namespace: ns,
        labels: { ...(tmpl.metadata?.labels ?? {}), ...(set.spec.selector?.matchLabels ?? {}) },
        ...(tmpl.metadata?.annotations ? { annotations: clone(tmpl.metadata.annotations) } : {}),
        ...(retention.whenDeleted === 'Delete' ? { ownerReferences: [ownerRef(set)] } : {}),
      },
      spec: clone(tmpl.spec),
    }, { fieldManager: KCM }));
    ctx.event(set, ok ? 'Normal' : 'Warning', ok ? 'SuccessfulCreate' : 'FailedCreate',
      ok ? `create Claim ${cn} Pod ${name} in StatefulSet ${set.metadata.name} success` : `create Claim ${cn} for Pod ${name} in StatefulSet ${set.metadata.name} failed`,
      'statefulset-controller');
    if (!ok) return false;
  }
  const template = templateOf(revision, set);
  const spec = clone(template.spec ?? {});
  const volumes: Obj[] = (spec.volumes ?? []).filter((v: Obj) =>
    !((set.spec.volumeClaimTemplates ?? []) as Obj[]).some((t) => t.metadata?.name === v.name));
  for (const tmpl of (set.spec.volumeClaimTemplates ?? []) as Obj[]) {
    volumes.push({ name: tmpl.metadata.name, persistentVolumeClaim: { claimName: claimName(tmpl, set, ordinal) } });
  }
  if (volumes.length) spec.volumes = volumes;
  spec.hostname = name;
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
  let error = '';
  const ok = attempt(() => {
    try {
      ctx.registry.create(info('Pod'), ns, {
        metadata: {
          name, namespace: ns,
          labels: {
            ...(template.metadata?.labels ?? {}), [REVISION_LABEL]: revision.metadata.name, [POD_NAME_LABEL]: name,
            ...(ctx.minor >= 28 ? { [POD_INDEX_LABEL]: String(ordinal) } : {}),
          },
          ...(template.metadata?.annotations ? { annotations: clone(template.metadata.annotations) } : {}),
          ownerReferences: [ownerRef(set)],
        },
        spec,
      }, { fieldManager: KCM });
    } catch (e) {
      error = (e as Error).message;
      throw e;
    }
  });
  ctx.event(set, ok ? 'Normal' : 'Warning', ok ? 'SuccessfulCreate' : 'FailedCreate',
    ok ? `create Pod ${name} in StatefulSet ${set.metadata.name} successful` : `create Pod ${name} in StatefulSet ${set.metadata.name} failed error: ${error}`,
    'statefulset-controller');
  return ok;
}

function deletePod(ctx: ControllerContext, set: Obj, pod: Obj): void {
  const ok = attempt(() => ctx.registry.delete(info('Pod'), pod.metadata.namespace, pod.metadata.name, {}));
  if (ok) ctx.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`, 'statefulset-controller');
}

function syncSet(ctx: ControllerContext, set: Obj): void {
  const ns = set.metadata.namespace;
  const uid = set.metadata.uid;
  const revisions = list(ctx, 'ControllerRevision', ns).filter((r) => controllerOf(r)?.uid === uid);
  const updateRevision = ensureRevision(ctx, set, revisions);
  if (!updateRevision) return;
  const allRevisions = list(ctx, 'ControllerRevision', ns).filter((r) => controllerOf(r)?.uid === uid);
  const currentRevision = allRevisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? updateRevision;

  const pods = list(ctx, 'Pod', ns).filter((p) => controllerOf(p)?.uid === uid && matchesSelector(set.spec.selector, p.metadata.labels));
  const start = set.spec.ordinals?.start ?? 0;
  const replicaCount = set.spec.replicas ?? 1;
  const replicas: Array<Obj | undefined> = [];
  const condemned: Obj[] = [];
  for (const pod of pods) {
    const ord = ordinalOf(set, pod);
    if (ord >= start && ord < start + replicaCount) replicas[ord - start] = pod;
    else condemned.push(pod);
  }
  condemned.sort((a, b) => ordinalOf(set, b) - ordinalOf(set, a));
  const monotonic = set.spec.podManagementPolicy !== 'Parallel';
  const partition = set.spec.updateStrategy?.type === 'RollingUpdate' ? set.spec.updateStrategy.rollingUpdate?.partition ?? 0 : 0;

  const work = (): void => {
    // Failed pods are deleted, to be recreated on a later sync.
    for (const pod of replicas) {
      if (pod && pod.status?.phase === 'Failed' && !isTerminating(pod)) {
        deletePod(ctx, set, pod);
        if (monotonic) return;
      }
    }
    for (let i = 0; i < replicaCount; i++) {
      const pod = replicas[i];
      if (!pod) {
        const ord = start + i;
        const useUpdate = set.spec.updateStrategy?.type !== 'RollingUpdate' || ord >= partition || currentRevision.metadata.name === updateRevision.metadata.name;
        createPod(ctx, set, ord, useUpdate ? updateRevision : currentRevision);
        if (monotonic) return;
        continue;
      }
      if (isTerminating(pod) && monotonic) return;
      // "StatefulSet is waiting for Pod to be Running and Ready"
      if (!isRunningAndReady(pod) && monotonic) return;
    }
    // Scale down, highest ordinal first; in OrderedReady only when the others are healthy.
    const firstUnhealthy = [...replicas, ...condemned].find((p) => p && !isHealthy(p));
    for (const pod of condemned) {
      if (isTerminating(pod)) {
        if (monotonic) return;
        continue;
      }
      if (monotonic && firstUnhealthy && firstUnhealthy !== pod) return;
      deletePod(ctx, set, pod);
      if (monotonic) return;
    }
    if (set.spec.updateStrategy?.type !== 'RollingUpdate') return;
    // Rolling update from the highest ordinal down to the partition, one pod at a time.
    for (let i = replicaCount - 1; i >= 0 && start + i >= partition; i--) {
      const pod = replicas[i];
      if (!pod) return;
      if (pod.metadata.labels?.[REVISION_LABEL] !== updateRevision.metadata.name && !isTerminating(pod)) {
        deletePod(ctx, set, pod);
        return;
      }
      if (!isHealthy(pod)) return;
    }
  };
  work();

  // Status (updateStatefulSetStatus / computeReplicaStatus), from the pods as they are now.
  const now = list(ctx, 'Pod', ns).filter((p) => controllerOf(p)?.uid === uid);
  const status: Obj = {
    observedGeneration: set.metadata.generation,
    replicas: now.length,
    readyReplicas: now.filter(isRunningAndReady).length,
    currentReplicas: now.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentRevision.metadata.name).length,
    updatedReplicas: now.filter((p) => p.metadata.labels?.[REVISION_LABEL] === updateRevision.metadata.name).length,
    currentRevision: currentRevision.metadata.name,
    updateRevision: updateRevision.metadata.name,
    collisionCount: set.status?.collisionCount ?? 0,
    availableReplicas: now.filter((p) => isRunningAndReady(p) && availableFor(ctx, p, set.spec.minReadySeconds ?? 0)).length,
  };
  // completeRollingUpdate: once every pod runs the update revision and is ready, it becomes the current one.
  if (set.spec.updateStrategy?.type === 'RollingUpdate' && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas &&
    status.replicas === replicaCount) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
  for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas']) if (status[k] === 0) delete status[k];
  const next = clone(set);
  next.status = { ...status, ...(set.status?.conditions ? { conditions: set.status.conditions } : {}) };
  attempt(() => ctx.registry.controllerUpdate(info('StatefulSet'), next, KCM, 'status'));
  truncateHistory(ctx, set, allRevisions, [currentRevision.metadata.name, updateRevision.metadata.name], now);
}

function availableFor(ctx: ControllerContext, pod: Obj, minReadySeconds: number): boolean {
  if (minReadySeconds <= 0) return true;
  const ready = ((pod.status?.conditions ?? []) as Obj[]).find((c) => c.type === 'Ready' && c.status === 'True');
  if (!ready?.lastTransitionTime) return false;
  return ctx.clock.now().getTime() - Date.parse(ready.lastTransitionTime) >= minReadySeconds * 1000;
}

/** truncateHistory: keep revisionHistoryLimit revisions besides the live ones (current, update, used by pods). */
function truncateHistory(ctx: ControllerContext, set: Obj, revisions: Obj[], live: string[], pods: Obj[]): void {
  const used = new Set([...live, ...pods.map((p) => p.metadata.labels?.[REVISION_LABEL])]);
  const history = revisions.filter((r) => !used.has(r.metadata.name)).sort((a, b) => Number(a.revision) - Number(b.revision));
  const limit = set.spec.revisionHistoryLimit ?? 10;
  for (const r of history.slice(0, Math.max(0, history.length - limit))) {
    attempt(() => ctx.registry.delete(info('ControllerRevision'), r.metadata.namespace, r.metadata.name, {}));
  }
}
