// The persistent volume controller (pkg/controller/volume/persistentvolume/pv_controller.go): binds claims to
// volumes (a volume pre-bound by claimRef{namespace,name} first, else the smallest matching Available one), fills
// in the rest of the claimRef (uid, kind, apiVersion, resourceVersion) as kube-controller-manager with an Update,
// marks both sides Bound, provisions a volume for claims of a class with a provisioner (Immediate, or once the
// scheduler picked a node for WaitForFirstConsumer), and releases or deletes volumes whose claim is gone.
// Also the protection controllers (pkg/controller/volume/pvcprotection, pvprotection): a claim in use by a pod,
// or a volume still Bound, keeps its finalizer.
import { matchesSelector } from '../selectors.js';
import { PV_PROTECTION, PVC_PROTECTION } from '../strategy.js';
import { clone, parseQuantity, type Obj } from '../util.js';
import { attempt, info, KCM, list, type ControllerContext } from './context.js';

const BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
const BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
const PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';

function setPhase(ctx: ControllerContext, kind: string, obj: Obj, status: Obj): void {
  const next = clone(obj);
  next.status = { ...(obj.status ?? {}), ...status };
  attempt(() => ctx.registry.controllerUpdate(info(kind), next, KCM, 'status'));
}

function fits(pv: Obj, pvc: Obj): boolean {
  const want = parseQuantity(pvc.spec?.resources?.requests?.storage);
  const have = parseQuantity(pv.spec?.capacity?.storage);
  const modes: string[] = pv.spec?.accessModes ?? [];
  return (pv.spec?.storageClassName ?? '') === (pvc.spec?.storageClassName ?? '') &&
    (pv.spec?.volumeMode ?? 'Filesystem') === (pvc.spec?.volumeMode ?? 'Filesystem') &&
    ((pvc.spec?.accessModes ?? []) as string[]).every((m) => modes.includes(m)) &&
    !(have < want) &&
    (!pvc.spec?.selector || matchesSelector(pvc.spec.selector, pv.metadata.labels));
}

function bind(ctx: ControllerContext, pv: Obj, pvc: Obj): void {
  // bindVolumeToClaim: the full reference, written by the controller.
  const preBound = !!pv.spec?.claimRef?.name;
  const nextPv = clone(pv);
  nextPv.spec.claimRef = {
    ...(pv.spec.claimRef ?? {}),
    kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid,
    apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion,
  };
  if (!preBound) nextPv.metadata.annotations = { ...(pv.metadata.annotations ?? {}), [BOUND_BY_CONTROLLER]: 'yes' };
  let savedPv: Obj | undefined;
  if (!attempt(() => { savedPv = ctx.registry.controllerUpdate(info('PersistentVolume'), nextPv, KCM); })) return;
  setPhase(ctx, 'PersistentVolume', savedPv!, { phase: 'Bound' });
  // bindClaimToVolume
  const nextPvc = clone(pvc);
  const byController = !pvc.spec?.volumeName;
  nextPvc.spec.volumeName = pv.metadata.name;
  nextPvc.metadata.annotations = {
    ...(pvc.metadata.annotations ?? {}), [BIND_COMPLETED]: 'yes', ...(byController ? { [BOUND_BY_CONTROLLER]: 'yes' } : {}),
  };
  let savedPvc: Obj | undefined;
  if (!attempt(() => { savedPvc = ctx.registry.controllerUpdate(info('PersistentVolumeClaim'), nextPvc, KCM); })) return;
  setPhase(ctx, 'PersistentVolumeClaim', savedPvc!, {
    phase: 'Bound', accessModes: clone(pv.spec.accessModes), capacity: clone(pv.spec.capacity),
  });
}

function provision(ctx: ControllerContext, pvc: Obj, sc: Obj): void {
  const name = `pvc-${pvc.metadata.uid}`;
  if (ctx.registry.store.get(info('PersistentVolume'), undefined, name)) return;
  const next = clone(pvc);
  next.metadata.annotations = {
    ...(pvc.metadata.annotations ?? {}),
    'volume.beta.kubernetes.io/storage-provisioner': sc.provisioner, 'volume.kubernetes.io/storage-provisioner': sc.provisioner,
  };
  attempt(() => ctx.registry.controllerUpdate(info('PersistentVolumeClaim'), next, KCM));
  const node = pvc.metadata.annotations?.['volume.kubernetes.io/selected-node'];
  const ok = attempt(() => ctx.registry.create(info('PersistentVolume'), undefined, {
    metadata: { name, annotations: { [PROVISIONED_BY]: sc.provisioner } },
    spec: {
      capacity: { storage: pvc.spec.resources.requests.storage },
      accessModes: clone(pvc.spec.accessModes),
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: sc.metadata.name,
      volumeMode: pvc.spec.volumeMode ?? 'Filesystem',
      claimRef: { kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion },
      hostPath: { path: `/var/lib/fake-provisioner/${pvc.metadata.namespace}-${pvc.metadata.name}`, type: '' },
      ...(node ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } } } : {}),
    },
  }, { fieldManager: sc.provisioner }));
  if (ok) ctx.event(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`, sc.provisioner);
}

export function runVolumes(ctx: ControllerContext): void {
  const pvcs = list(ctx, 'PersistentVolumeClaim');
  const claimByKey = new Map(pvcs.map((c) => [`${c.metadata.namespace}/${c.metadata.name}`, c]));

  // syncVolume
  for (const pv of list(ctx, 'PersistentVolume')) {
    const ref = pv.spec?.claimRef;
    const claim = ref ? claimByKey.get(`${ref.namespace}/${ref.name}`) : undefined;
    if (!ref?.name) {
      if (pv.status?.phase !== 'Available') setPhase(ctx, 'PersistentVolume', pv, { phase: 'Available' });
      continue;
    }
    if (!ref.uid) {
      // Pre-bound to a claim that does not exist yet (or is not bound yet): Available for that claim only.
      if (!claim && pv.status?.phase !== 'Available') setPhase(ctx, 'PersistentVolume', pv, { phase: 'Available' });
      continue;
    }
    if (!claim || claim.metadata.uid !== ref.uid) {
      // The claim is gone: Released first (syncVolume marks it before reclaimVolume, so pv-protection lets go), then
      // kept (Retain) or deleted (Delete; the provisioner removes the storage).
      if (pv.status?.phase !== 'Released') setPhase(ctx, 'PersistentVolume', pv, { phase: 'Released' });
      if (pv.spec.persistentVolumeReclaimPolicy === 'Delete' && !pv.metadata.deletionTimestamp) {
        attempt(() => ctx.registry.delete(info('PersistentVolume'), undefined, pv.metadata.name, {}));
      }
      continue;
    }
    if (claim.spec?.volumeName === pv.metadata.name && pv.status?.phase !== 'Bound') setPhase(ctx, 'PersistentVolume', pv, { phase: 'Bound' });
  }

  // syncClaim
  for (const pvc of pvcs) {
    const volumes = list(ctx, 'PersistentVolume');
    if (pvc.spec?.volumeName) {
      const pv = volumes.find((v) => v.metadata.name === pvc.spec.volumeName);
      if (!pv) {
        if (pvc.status?.phase === 'Bound') setPhase(ctx, 'PersistentVolumeClaim', pvc, { phase: 'Lost' });
        continue;
      }
      if (pv.spec?.claimRef?.uid === pvc.metadata.uid) {
        if (pvc.status?.phase !== 'Bound') setPhase(ctx, 'PersistentVolumeClaim', pvc, { phase: 'Bound', accessModes: pv.spec.accessModes, capacity: pv.spec.capacity });
        continue;
      }
      if (!pv.spec?.claimRef?.uid) bind(ctx, pv, pvc);
      continue;
    }
    if (pvc.metadata.deletionTimestamp) continue;
    const ns = pvc.metadata.namespace;
    const preBound = volumes.find((v) => v.spec?.claimRef?.namespace === ns && v.spec?.claimRef?.name === pvc.metadata.name &&
      (!v.spec.claimRef.uid || v.spec.claimRef.uid === pvc.metadata.uid));
    if (preBound) {
      if (fits(preBound, pvc) || preBound.spec.claimRef.uid === pvc.metadata.uid) bind(ctx, preBound, pvc);
      continue;
    }
    const candidates = volumes
      .filter((v) => !v.spec?.claimRef?.name && v.status?.phase === 'Available' && !v.metadata.deletionTimestamp && fits(v, pvc))
      .sort((a, b) => parseQuantity(a.spec.capacity.storage) - parseQuantity(b.spec.capacity.storage));
    if (candidates[0]) {
      bind(ctx, candidates[0], pvc);
      continue;
    }
    const className = pvc.spec?.storageClassName;
    if (!className) {
      ctx.event(pvc, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set', 'persistentvolume-controller');
      continue;
    }
    const sc = ctx.registry.store.get(info('StorageClass'), undefined, className);
    if (!sc) {
      ctx.event(pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`, 'persistentvolume-controller');
      continue;
    }
    if (!sc.provisioner || sc.provisioner === 'kubernetes.io/no-provisioner') {
      const wffc = sc.volumeBindingMode === 'WaitForFirstConsumer';
      ctx.event(pvc, 'Normal', wffc ? 'WaitForFirstConsumer' : 'FailedBinding',
        wffc ? 'waiting for first consumer to be created before binding' : 'no persistent volumes available for this claim and no storage class is set',
        'persistentvolume-controller');
      continue;
    }
    if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !pvc.metadata.annotations?.['volume.kubernetes.io/selected-node']) {
      ctx.event(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding', 'persistentvolume-controller');
      continue;
    }
    provision(ctx, pvc, sc);
  }
}

function removeFinalizer(ctx: ControllerContext, kind: string, obj: Obj, finalizer: string): void {
  const next = clone(obj);
  next.metadata.finalizers = (obj.metadata.finalizers ?? []).filter((f: string) => f !== finalizer);
  if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
  attempt(() => ctx.registry.controllerUpdate(info(kind), next, KCM));
}

export function runProtection(ctx: ControllerContext): void {
  const pods = list(ctx, 'Pod');
  for (const pvc of list(ctx, 'PersistentVolumeClaim')) {
    if (!pvc.metadata.deletionTimestamp || !(pvc.metadata.finalizers ?? []).includes(PVC_PROTECTION)) continue;
    const inUse = pods.some((p) => p.metadata.namespace === pvc.metadata.namespace && !['Succeeded', 'Failed'].includes(p.status?.phase) &&
      ((p.spec?.volumes ?? []) as Obj[]).some((v) => v.persistentVolumeClaim?.claimName === pvc.metadata.name));
    if (!inUse) removeFinalizer(ctx, 'PersistentVolumeClaim', pvc, PVC_PROTECTION);
  }
  for (const pv of list(ctx, 'PersistentVolume')) {
    if (!pv.metadata.deletionTimestamp || !(pv.metadata.finalizers ?? []).includes(PV_PROTECTION)) continue;
    if (pv.status?.phase !== 'Bound') removeFinalizer(ctx, 'PersistentVolume', pv, PV_PROTECTION);
  }
}
