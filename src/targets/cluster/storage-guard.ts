// The instance's storage as the plan sees it. Two rules keep a re-deploy safe on every supported Kubernetes version:
//
// 1. A PersistentVolume that is bound (the PV controller wrote its claimRef.uid) is never applied again. Before 1.25
//    spec.claimRef was an atomic struct for server-side apply: re-applying our {namespace, name} would conflict with
//    kube-controller-manager, which owns the whole reference after binding, and a forced apply would drop its uid
//    (kubernetes#110495, fluxcd/flux2#2250). A bound volume has nothing left for us to change anyway: its source,
//    capacity, access modes and claim are what the binding was made with.
// 2. Fields the API server will not change (the StatefulSet's volumeClaimTemplates, a volume's source) are compared
//    at plan time, and a change is refused in words — what cannot change and how to migrate — instead of a raw 422.
import type { Bundle, KubeObject } from '../../render/bundle.js';
import { names } from '../../instance/naming.js';
import { ImmutableChangeError, type ObjectChange } from '../../operations/target.js';
import type { ObjectRef } from '../../kube/client.js';

type Json = Record<string, unknown>;

function at(object: unknown, ...path: (string | number)[]): unknown {
  let current: unknown = object;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** One refused storage change: the user's key, the value live and the value asked for. */
export interface StorageChange {
  key: string;
  live: unknown;
  wanted: unknown;
}

function migration(bundle: Bundle, changes: StorageChange[]): string {
  const ns = bundle.namespace;
  const sts = names.statefulSet(bundle.instance);
  const what = changes.map((c) => `${c.key} (${JSON.stringify(c.live)} → ${JSON.stringify(c.wanted)})`).join(', ');
  const staticMode = bundle.spec.persistence.mode === 'static';
  const onlyPath = changes.every((c) => c.key === 'persistence.hostPath');
  const steps = onlyPath
    ? `A PersistentVolume's source is immutable. To move the data: scale ${bundle.instance} to 0, copy the folder on the node, ` +
      `then \`delete ${bundle.instance} --purge\` and deploy it again with the new hostPath (or set persistence.hostPath back).`
    : `Kubernetes never changes a StatefulSet's volumeClaimTemplates or an existing claim's class and access mode. To migrate: ` +
      `deploy a new instance with the new storage settings, copy /var/jenkins_home across (or restore a backup), then ` +
      `\`delete ${bundle.instance} --purge\`. To keep the existing volumes and only use the new settings for claims made from now on: ` +
      `\`kubectl -n ${ns} delete statefulset ${sts} --cascade=orphan\`, then deploy again (the running pods and their claims stay).` +
      (staticMode ? '' : ' A larger size for an existing claim: `kubectl -n ' + ns + ' edit pvc <claim>`, where its StorageClass allows volume expansion.');
  return `${bundle.instance} in namespace ${ns}: ${what} cannot change on an existing instance; nothing was changed. ${steps}`;
}

/** What the live StatefulSet's claim template says vs the desired one, named by the user's keys. */
function templateChanges(desired: KubeObject, live: KubeObject): StorageChange[] {
  const want = at(desired, 'spec', 'volumeClaimTemplates', 0, 'spec') as Json | undefined;
  const have = at(live, 'spec', 'volumeClaimTemplates', 0, 'spec') as Json | undefined;
  if (!want || !have) return [];
  const changes: StorageChange[] = [];
  const wantClass = want.storageClassName as string | undefined;
  const haveClass = have.storageClassName as string | undefined;
  if (!same(wantClass, haveClass)) {
    const modeOf = (cls: string | undefined) => (cls === 'manual' ? 'static' : 'dynamic');
    if (modeOf(wantClass) !== modeOf(haveClass)) changes.push({ key: 'persistence.mode', live: modeOf(haveClass), wanted: modeOf(wantClass) });
    else changes.push({ key: 'persistence.storageClass', live: haveClass ?? '(default class)', wanted: wantClass ?? '(default class)' });
  }
  const size = (s: Json) => at(s, 'resources', 'requests', 'storage');
  if (!same(size(want), size(have))) changes.push({ key: 'persistence.size', live: size(have), wanted: size(want) });
  if (!same(want.accessModes, have.accessModes)) {
    changes.push({ key: 'persistence.accessMode', live: (have.accessModes as string[] | undefined)?.join(','), wanted: (want.accessModes as string[] | undefined)?.join(',') });
  }
  return changes;
}

/** A live volume's immutable source (and what its binding was made with) vs the desired one. */
function volumeChanges(desired: KubeObject, live: KubeObject): StorageChange[] {
  const changes: StorageChange[] = [];
  const path = (o: KubeObject) => at(o, 'spec', 'hostPath', 'path');
  if (!same(path(desired), path(live))) changes.push({ key: 'persistence.hostPath', live: path(live), wanted: path(desired) });
  const node = (o: KubeObject) => at(o, 'spec', 'nodeAffinity');
  if (!same(node(desired), node(live))) changes.push({ key: 'persistence.node', live: '(as bound)', wanted: '(changed)' });
  return changes;
}

/**
 * Refuses, before anything is applied, a change the API server would reject as immutable. `live[i]` is what the
 * cluster holds of `objects[i]` (read once by the planner).
 */
export function checkImmutableStorage(bundle: Bundle, objects: KubeObject[], live: Array<KubeObject | undefined>): void {
  const changes: StorageChange[] = [];
  objects.forEach((object, i) => {
    const current = live[i];
    if (!current) return;
    if (object.kind === 'StatefulSet') changes.push(...templateChanges(object, current));
    if (object.kind === 'PersistentVolume') {
      for (const c of volumeChanges(object, current)) if (!changes.some((x) => x.key === c.key)) changes.push(c);
    }
  });
  if (changes.length) throw new ImmutableChangeError(bundle.instance, changes.map((c) => c.key), migration(bundle, changes));
}

/**
 * The plan entry of a static PersistentVolume, or undefined when it is to be planned like any object. A volume
 * already bound, or a claim already bound to another volume (an install made before volume names carried the
 * namespace), is left as it is: unchanged, never re-applied.
 */
export async function boundVolumeChange(read: (ref: ObjectRef) => Promise<KubeObject | undefined>, pv: KubeObject, live: KubeObject | undefined): Promise<ObjectChange | undefined> {
  const unchanged: ObjectChange = { kind: pv.kind, name: pv.metadata.name, action: 'unchanged', fields: [] };
  if (live) return at(live, 'spec', 'claimRef', 'uid') ? unchanged : undefined;
  const claim = at(pv, 'spec', 'claimRef') as { namespace?: string; name?: string } | undefined;
  if (!claim?.namespace || !claim.name) return undefined;
  const pvc = await read({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: claim.name, namespace: claim.namespace });
  const boundTo = at(pvc, 'spec', 'volumeName');
  return typeof boundTo === 'string' && boundTo !== pv.metadata.name ? unchanged : undefined;
}
