// Plan and apply: each object's change is what a server-side dry-run apply predicts against the live object, so the
// plan shows exactly what the real apply will do (defaulting, other managers' fields and all).
import type { Bundle, KubeObject } from '../../render/bundle.js';
import type { Values } from '../../instance/index.js';
import { refOf } from '../../kube/client.js';
import { KubeApiError } from '../../kube/errors.js';
import { namespaceLabels } from '../../instance/naming.js';
import { objectChange } from '../diff.js';
import { specConfigMap } from '../stored-values.js';
import type { ApplyOptions, ApplyResult, ObjectChange, Plan } from '../../operations/target.js';
import type { ClusterContext } from './context.js';
import { boundVolumeChange, checkImmutableStorage } from './storage-guard.js';

/** The objects a deploy writes, in apply order: the rendered bundle, then the stored values. */
export function desiredObjects(bundle: Bundle, values?: Values): KubeObject[] {
  const objects = [...bundle.objects].sort((a, b) => a.order - b.order).map((o) => o.object);
  return values ? [...objects, specConfigMap(bundle, values)] : objects;
}

async function changeFor(ctx: ClusterContext, object: KubeObject, force?: boolean): Promise<ObjectChange> {
  const { client } = ctx;
  const live = await client.read(refOf(object));
  if (object.kind === 'PersistentVolume') {
    const bound = await boundVolumeChange(ctx, object, live);
    if (bound) return bound;
  }
  if (!live) return objectChange(object, undefined);
  // A namespace that exists belongs to whoever made it (the admin, with its Pod Security labels): never relabelled.
  if (object.kind === 'Namespace') return objectChange(live, live);
  const predicted = await client.apply(object, { dryRun: true, force });
  return objectChange(object, live, predicted);
}

/** A namespace the bot may not create (least-privilege RBAC): say who creates it, and how. */
function explainNamespace(object: KubeObject, err: unknown): unknown {
  if (object.kind !== 'Namespace' || !(err instanceof KubeApiError) || err.status !== 403) return err;
  const name = object.metadata.name;
  return new KubeApiError(
    `namespace ${name} does not exist and this bot may not create namespaces; ask the cluster admin to create it ` +
      `(kubectl apply -k deploy/namespaces/${name}, a copy of deploy/namespaces/jenkins) and to list it in CHATOPS_NAMESPACES`,
    403, err.attempt, err.apiMessage,
  );
}

/**
 * A StatefulSet's serviceName cannot change (the apiserver refuses it): an instance created before its headless
 * Service existed keeps the live value, so its next deploy is not a 422. Its controllers are still each reached at
 * their own Service, which does not depend on it.
 */
async function keepLiveServiceName({ client }: ClusterContext, objects: KubeObject[]): Promise<KubeObject[]> {
  const index = objects.findIndex((o) => o.kind === 'StatefulSet');
  if (index < 0) return objects;
  const desired = objects[index]!;
  const live = await client.read(refOf(desired));
  const liveName = (live?.spec as { serviceName?: string } | undefined)?.serviceName;
  const spec = desired.spec as { serviceName?: string };
  if (!liveName || liveName === spec.serviceName) return objects;
  const kept = [...objects];
  kept[index] = { ...desired, spec: { ...spec, serviceName: liveName } };
  return kept;
}

export async function planObjects(ctx: ClusterContext, bundle: Bundle, values: Values | undefined, force?: boolean): Promise<{ plan: Plan; objects: KubeObject[] }> {
  const objects = await keepLiveServiceName(ctx, desiredObjects(bundle, values));
  await checkImmutableStorage(ctx, bundle, objects);
  const changes: ObjectChange[] = [];
  for (const object of objects) changes.push(await changeFor(ctx, object, force));
  return { plan: { instance: bundle.instance, changes, empty: changes.every((c) => c.action === 'unchanged') }, objects };
}

/** Creates a namespace the way the renderer writes one (labels included), explaining a refusal. */
export async function createNamespace({ client }: ClusterContext, name: string): Promise<void> {
  const object: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: namespaceLabels() } };
  await client.apply(object).catch((err: unknown) => {
    throw explainNamespace(object, err);
  });
}

export async function applyBundle(ctx: ClusterContext, bundle: Bundle, values: Values, options: ApplyOptions = {}): Promise<ApplyResult> {
  const { plan, objects } = await planObjects(ctx, bundle, values, options.force);
  if (options.dryRun || plan.empty) return { plan, applied: false };
  for (const [i, object] of objects.entries()) {
    const change = plan.changes[i]!;
    if (change.action === 'unchanged') continue;
    options.signal?.throwIfAborted();
    await ctx.client.apply(object, { force: options.force }).catch((err: unknown) => {
      throw explainNamespace(object, err);
    });
    options.onProgress?.({ phase: 'applied', object: `${object.kind}/${object.metadata.name}`, message: `${change.action === 'create' ? 'created' : 'updated'} ${object.kind}/${object.metadata.name}` });
  }
  return { plan, applied: true };
}
