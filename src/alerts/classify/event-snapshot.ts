// Kubernetes Events about pods (core/v1): probe failures only exist here; scheduling and back-off repeat the pod's story.
export interface EventLike {
  kind?: string;
  metadata?: { uid?: string; name?: string; namespace?: string; resourceVersion?: string };
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string; fieldPath?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  series?: { count?: number };
}

export interface EventSnapshot {
  uid: string;
  namespace: string;
  podName: string;
  podUid?: string;
  reason: string;
  message: string;
  count: number;
  resourceVersion?: string;
}

export function isEvent(obj: unknown): obj is EventLike {
  if (!obj || typeof obj !== 'object') return false;
  const o = obj as EventLike;
  return o.kind === 'Event' || (o.kind === undefined && o.involvedObject !== undefined);
}

/** Only events about pods are of interest; anything else gives undefined. */
export function snapshotEvent(e: EventLike): EventSnapshot | undefined {
  const io = e.involvedObject;
  if (!io || io.kind !== 'Pod' || !io.name) return undefined;
  const snap: EventSnapshot = {
    uid: e.metadata?.uid ?? `${e.metadata?.namespace ?? ''}/${e.metadata?.name ?? ''}`,
    namespace: io.namespace ?? e.metadata?.namespace ?? '',
    podName: io.name,
    reason: e.reason ?? '',
    message: (e.message ?? '').trim(),
    count: e.series?.count ?? e.count ?? 1,
    resourceVersion: e.metadata?.resourceVersion,
  };
  if (io.uid) snap.podUid = io.uid;
  return snap;
}
