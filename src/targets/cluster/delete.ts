// `delete`: every object of the instance except its namespace. The Jenkins home (claims, PersistentVolumes), the admin
// Secret and the stored values stay unless purged, so a later `deploy` brings the instance back with the same
// settings and data, and `delete --purge` still finds it afterwards.
//
// What a purge removes is found by ownership, never by a name prefix or the current replica count: claims carry
// the instance's labels (the StatefulSet controller copies the claim template's labels and the selector onto each
// claim it makes) and its exact ordinal name; volumes carry the labels and a claimRef into this namespace, or are
// bound to one of those claims. Every ordinal ever scaled to is found that way.
import type { V1PersistentVolume } from '@kubernetes/client-node';
import type { Bundle } from '../../render/bundle.js';
import { FIELD_MANAGER, refOf, type ObjectRef } from '../../kube/client.js';
import type { DeleteResult, ProgressSink } from '../../operations/target.js';
import { controllerSelector, homeClaimOrdinal, names, ownedSelector, selectorString } from '../../instance/naming.js';
import { adminSecretName } from './admin-secret.js';
import { madeByBot } from '../stored-values.js';
import { desiredObjects } from './apply.js';
import { ownedClaims, type ClusterContext } from './context.js';
import { ownedOptionalObjects } from './optional-objects.js';

/**
 * This instance's volumes that outlive their claims (reclaim policy Retain): labelled as its own with a claimRef into
 * its namespace, or bound to one of its claims.
 */
export async function ownedVolumes({ client }: ClusterContext, instance: string, namespace: string, claims: string[]): Promise<V1PersistentVolume[]> {
  const all = await client.listAll<V1PersistentVolume, { items: V1PersistentVolume[] }>({ verb: 'list', resource: 'persistentvolumes' }, (chunk) =>
    client.core.listPersistentVolume({ ...chunk }));
  const labelled = (pv: V1PersistentVolume) => Object.entries(ownedSelector(instance)).every(([k, v]) => pv.metadata?.labels?.[k] === v);
  return all.items.filter((pv) => {
    const ref = pv.spec?.claimRef;
    if (ref?.namespace !== namespace) return false;
    // A volume whose reclaim policy is Delete goes with its claim: its provisioner removes it and its storage.
    if (pv.spec?.persistentVolumeReclaimPolicy === 'Delete') return false;
    return (labelled(pv) && homeClaimOrdinal(instance, ref.name ?? '') !== undefined) || claims.includes(ref.name ?? '');
  });
}

function nodeOfVolume(pv: V1PersistentVolume): string | undefined {
  for (const term of pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? []) {
    for (const e of term.matchExpressions ?? []) if (e.key === 'kubernetes.io/hostname' && e.operator === 'In' && e.values?.length === 1) return e.values[0];
  }
  return undefined;
}

export async function deleteInstance(ctx: ClusterContext, bundle: Bundle, options: { purge: boolean; onProgress?: ProgressSink }): Promise<DeleteResult> {
  const { client } = ctx;
  const ns = bundle.namespace;
  const deleted: string[] = [];
  const kept: string[] = [];
  const remove = async (ref: ObjectRef) => {
    const gone = await client.delete(ref);
    const name = `${ref.kind}/${ref.name}`;
    if (gone) {
      deleted.push(name);
      options.onProgress?.({ phase: 'deleted', object: name, message: `deleted ${name}` });
    }
  };
  // Where each ordinal ran, before its pod goes: a hostPath folder lives on that node.
  const nodes = new Map<string, string>();
  for (const pod of (await client.listPods(ns, selectorString(controllerSelector(bundle.instance)))).items) {
    const ordinal = /-(\d+)$/.exec(pod.metadata?.name ?? '')?.[1];
    if (ordinal !== undefined && pod.spec?.nodeName) nodes.set(names.homeClaim(bundle.instance, Number(ordinal)), pod.spec.nodeName);
  }

  const valuesRef = { apiVersion: 'v1', kind: 'ConfigMap', name: names.specConfigMap(bundle.instance), namespace: ns };
  for (const object of [...desiredObjects(bundle)].reverse()) {
    const ref = refOf(object);
    // The namespace may hold other things; volumes are handled below with the claims.
    if (object.kind === 'Namespace') kept.push(`Namespace/${ref.name}`);
    else if (object.kind !== 'PersistentVolume') await remove(ref);
  }
  // Objects of the instance the current bundle no longer names (e.g. a Service of an ordinal scaled away): by labels.
  const services = await client.listAll({ verb: 'list', resource: 'services', namespace: ns }, (chunk) =>
    client.core.listNamespacedService({ namespace: ns, labelSelector: selectorString(ownedSelector(bundle.instance)), ...chunk }));
  for (const svc of services.items) {
    const name = svc.metadata?.name ?? '';
    if (!deleted.includes(`Service/${name}`)) await remove({ apiVersion: 'v1', kind: 'Service', name, namespace: ns });
  }
  // Ingress, PodDisruptionBudget, NetworkPolicy, ServiceMonitor left by a deploy that had them switched on.
  for (const ref of await ownedOptionalObjects(ctx, bundle.instance, ns)) {
    if (!deleted.includes(`${ref.kind}/${ref.name}`)) await remove(ref);
  }
  // The reload token only pairs a controller with its sidecar: the next deploy makes a new one.
  await remove({ apiVersion: 'v1', kind: 'Secret', name: names.reloadTokenSecret(bundle.instance), namespace: ns });

  const claims = await ownedClaims(ctx, bundle.instance, ns);
  const claimNames = claims.map((c) => c.metadata?.name ?? '').sort();
  const volumes = await ownedVolumes(ctx, bundle.instance, ns, claimNames);
  const secret = { apiVersion: 'v1', kind: 'Secret', name: adminSecretName(bundle), namespace: ns };
  if (!options.purge) {
    kept.push(
      ...claimNames.map((c) => `PersistentVolumeClaim/${c}`),
      ...volumes.map((v) => `PersistentVolume/${v.metadata?.name}`).sort(),
      `Secret/${secret.name}`,
      `ConfigMap/${valuesRef.name} (the settings: deploy brings the instance back with them)`,
    );
    return { deleted, kept };
  }
  for (const claim of claimNames) await remove({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: claim, namespace: ns });
  // A Secret is deleted only when the bot created it for this instance (a name from the values could be anyone's).
  const live = await client.read(secret);
  if (madeByBot(live, bundle.instance, FIELD_MANAGER)) await remove(secret);
  else if (live) kept.push(`Secret/${secret.name} (not created by jenkins-chatops for ${bundle.instance})`);
  await remove(valuesRef);
  for (const pv of volumes.sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))) {
    await remove({ apiVersion: 'v1', kind: 'PersistentVolume', name: pv.metadata?.name ?? '' });
    const path = pv.spec?.hostPath?.path;
    if (path) {
      const node = nodeOfVolume(pv) ?? nodes.get(pv.spec?.claimRef?.name ?? '');
      const where = `${path} on ${node ? `node ${node}` : 'the node that ran it'}`;
      kept.push(`hostPath data ${where}`);
      options.onProgress?.({
        phase: 'data-kept', object: `PersistentVolume/${pv.metadata?.name}`,
        message: `PersistentVolume/${pv.metadata?.name} is deleted, but Kubernetes never deletes hostPath files: the data stays in ${where}; remove that folder on the node to free the space`,
      });
    }
  }
  return { deleted, kept };
}
