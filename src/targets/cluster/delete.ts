// `delete`: every object of the instance except its namespace; the Jenkins home (claims, PersistentVolumes) and the
// admin Secret stay unless purged, so a later deploy finds its data again.
import type { Bundle } from '../../render/bundle.js';
import { refOf, type ObjectRef } from '../../kube/client.js';
import type { DeleteResult, ProgressSink } from '../../operations/target.js';
import { names } from '../../instance/naming.js';
import { adminSecretName } from './admin-secret.js';
import { desiredObjects } from './apply.js';
import { homeClaimsOf, type ClusterContext } from './context.js';

export async function deleteInstance({ client }: ClusterContext, bundle: Bundle, options: { purge: boolean; onProgress?: ProgressSink }): Promise<DeleteResult> {
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
  const objects = [...desiredObjects(bundle, {})].reverse();
  for (const object of objects) {
    const ref = refOf(object);
    // The namespace may hold other things; volumes hold the Jenkins home: both stay unless asked.
    if (object.kind === 'Namespace') kept.push(`Namespace/${ref.name}`);
    else if (object.kind === 'PersistentVolume' && !options.purge) kept.push(`PersistentVolume/${ref.name}`);
    else if (object.kind !== 'PersistentVolume') await remove(ref);
  }
  const claims = homeClaimsOf(bundle.instance, (await client.listClaims(bundle.namespace)).items).map((c) => c.metadata?.name ?? '');
  const secret = { apiVersion: 'v1', kind: 'Secret', name: adminSecretName(bundle), namespace: bundle.namespace };
  // The reload token only pairs a controller with its sidecar: the next deploy makes a new one.
  await remove({ apiVersion: 'v1', kind: 'Secret', name: names.reloadTokenSecret(bundle.instance), namespace: bundle.namespace });
  if (options.purge) {
    for (const claim of claims) await remove({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: claim, namespace: bundle.namespace });
    await remove(secret);
    for (const object of objects.filter((o) => o.kind === 'PersistentVolume')) await remove(refOf(object));
  } else {
    kept.push(...claims.map((c) => `PersistentVolumeClaim/${c}`), `Secret/${secret.name}`);
  }
  return { deleted, kept };
}
