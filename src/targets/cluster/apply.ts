// Plan and apply: each object's change is what a server-side dry-run apply predicts against the live object, so the
// plan shows exactly what the real apply will do (defaulting, other managers' fields and all).
import type { Bundle, KubeObject } from '../../render/bundle.js';
import type { Values } from '../../instance/index.js';
import { FIELD_MANAGER, refOf } from '../../kube/client.js';
import { KubeApiError } from '../../kube/errors.js';
import { mapLimit } from '../../kube/concurrency.js';
import { names, namespaceLabels } from '../../instance/naming.js';
import { objectChange } from '../diff.js';
import { madeByBot, specConfigMap } from '../stored-values.js';
import { recordedSwitched } from '../switched-objects.js';
import { ClusterChangedError, type ApplyOptions, type ApplyResult, type ObjectChange, type Plan } from '../../operations/target.js';
import type { ClusterContext } from './context.js';
import { boundVolumeChange, checkImmutableStorage } from './storage-guard.js';
import { checkCredentialSecrets } from './credential-secrets.js';
import { clusterSnapshot, planDifferences, planKey, ReadRecorder, unchangedSince, type ClusterSnapshot } from './plan-snapshot.js';
import { checkServedKinds } from './served-kinds.js';
import { checkAgentPodSecurity } from './pod-security-check.js';

/** The objects a deploy writes, in apply order: the rendered bundle, then the stored values. */
export function desiredObjects(bundle: Bundle, values?: Values): KubeObject[] {
  const objects = [...bundle.objects].sort((a, b) => a.order - b.order).map((o) => o.object);
  return values ? [...objects, specConfigMap(bundle, values)] : objects;
}

async function changeFor(ctx: ClusterContext, reads: ReadRecorder, object: KubeObject, live: KubeObject | undefined, force?: boolean): Promise<ObjectChange> {
  const { client } = ctx;
  if (object.kind === 'PersistentVolume') {
    const bound = await boundVolumeChange(reads.read, object, live);
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
function keepLiveServiceName(objects: KubeObject[], live: Array<KubeObject | undefined>): KubeObject[] {
  const index = objects.findIndex((o) => o.kind === 'StatefulSet');
  if (index < 0) return objects;
  const desired = objects[index]!;
  const liveName = (live[index]?.spec as { serviceName?: string } | undefined)?.serviceName;
  const spec = desired.spec as { serviceName?: string };
  if (!liveName || liveName === spec.serviceName) return objects;
  const kept = [...objects];
  kept[index] = { ...desired, spec: { ...spec, serviceName: liveName } };
  return kept;
}

interface Planned {
  plan: Plan;
  objects: KubeObject[];
  /** What the plan read and decided, for an apply of the same objects moments later. */
  snapshot: ClusterSnapshot;
  /** The live objects, when they were read now (not when a snapshot was reused). */
  live?: Array<KubeObject | undefined>;
}

export async function planObjects(ctx: ClusterContext, bundle: Bundle, values: Values | undefined, force?: boolean): Promise<Planned> {
  const desired = desiredObjects(bundle, values);
  // A kind only an operator's CRD serves (ServiceMonitor) is a plan error on a cluster without it.
  await checkServedKinds(ctx, desired);
  // What the cluster holds of each object, read once and shared by every check below; each object's plan is
  // independent of the others', so they are looked at concurrently instead of one round trip at a time.
  const reads = new ReadRecorder(ctx, bundle.instance);
  const live = await mapLimit(desired, CONCURRENCY, (object) => reads.read(refOf(object)));
  const objects = keepLiveServiceName(desired, live);
  // The Secrets the credentials name, made by the user: missing ones (or keys) are a plan error naming them. Read
  // through the plan's recorder, so a plan reused later is planned again when one of them changed.
  await checkCredentialSecrets(ctx, bundle, reads.read);
  checkImmutableStorage(bundle, objects, live);
  const agentNamespace = desired.findIndex((o) => o.kind === 'Namespace' && o.metadata.name === bundle.agentNamespace);
  if (agentNamespace >= 0) checkAgentPodSecurity(bundle, live[agentNamespace]);
  const changes: ObjectChange[] = await mapLimit(objects, CONCURRENCY, (object, i) => changeFor(ctx, reads, object, live[i], force));
  const switchedOff = await switchedOffObjects(ctx, reads, bundle, desired, live);
  for (const object of switchedOff) {
    objects.push(object);
    live.push(object);
    changes.push({ kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace, action: 'delete', fields: [] });
  }
  const plan: Plan = { instance: bundle.instance, changes, empty: changes.every((c) => c.action === 'unchanged') };
  return { plan, objects, live, snapshot: reads.snapshot(plan, objects, planKey(desired, force)) };
}

/**
 * What the last apply made through a spec switch (recorded on the stored values) that this bundle no longer renders:
 * removed by this deploy, so turning `ingress`, `networkPolicy`, `metrics.serviceMonitor` or the disruption budget off
 * takes the object away. Only objects the bot made for this instance, by labels and field manager, are ever removed.
 */
async function switchedOffObjects(ctx: ClusterContext, reads: ReadRecorder, bundle: Bundle, desired: KubeObject[], live: Array<KubeObject | undefined>): Promise<KubeObject[]> {
  const stored = desired.findIndex((o) => o.kind === 'ConfigMap' && o.metadata.name === names.specConfigMap(bundle.instance));
  if (stored < 0 || !madeByBot(live[stored], bundle.instance, FIELD_MANAGER)) return [];
  const wanted = new Set(desired.map((o) => `${o.apiVersion}/${o.kind}/${o.metadata.name}`));
  const gone = recordedSwitched(live[stored]).filter((r) => !wanted.has(`${r.apiVersion}/${r.kind}/${r.name}`));
  const found = await mapLimit(gone, CONCURRENCY, (r) => reads.read({ ...r, namespace: bundle.namespace }).catch((err: unknown) => {
    // A CRD kind whose operator was removed since: there is nothing left to remove.
    if (err instanceof KubeApiError && err.status === 404) return undefined;
    throw err;
  }));
  return found.filter((o): o is KubeObject => o !== undefined && madeByBot(o, bundle.instance, FIELD_MANAGER));
}

/**
 * Plan once: `options.reuse` (a plan of the very same objects) stands when nothing it read has changed; otherwise the
 * objects are planned again, and when `reuse` is what the user agreed to, a plan that now differs stops the apply.
 */
async function planOnce(ctx: ClusterContext, bundle: Bundle, values: Values, options: ApplyOptions): Promise<Planned> {
  const previous = clusterSnapshot(options.reuse);
  if (previous && previous.key === planKey(desiredObjects(bundle, values), options.force)) {
    // Still served? An operator's CRD deleted since the preview is the same plan error as before it (its objects
    // would read as merely absent, and the reused plan would fail at the write).
    await checkServedKinds(ctx, previous.objects);
    if (await unchangedSince(ctx, previous, CONCURRENCY)) return { plan: previous.plan, objects: previous.objects, snapshot: previous };
  }
  const planned = await planObjects(ctx, bundle, values, options.force);
  if (options.confirmed && options.reuse) {
    const changed = planDifferences(options.reuse.plan, planned.plan, planned.objects, planned.live ?? []);
    if (changed.length) throw new ClusterChangedError(bundle.instance, changed);
  }
  return planned;
}

/** Creates a namespace the way the renderer writes one (labels included), explaining a refusal. */
export async function createNamespace({ client }: ClusterContext, name: string): Promise<void> {
  const object: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: namespaceLabels() } };
  await client.apply(object).catch((err: unknown) => {
    throw explainNamespace(object, err);
  });
}

/** How many API requests one plan or apply keeps in flight. */
const CONCURRENCY = 10;

/**
 * Apply waves: what others need comes in an earlier wave; objects of one wave go concurrently. The namespace first;
 * then everything that only needs it (RBAC, ConfigMaps, Services, volumes); the StatefulSet only once its volumes
 * and governing Service exist; the stored values last, so they describe what was applied.
 */
function waveOf(object: KubeObject, isStoredValues: boolean): number {
  if (object.kind === 'Namespace') return 0;
  if (isStoredValues) return 3;
  if (object.kind === 'StatefulSet') return 2;
  return 1;
}

export async function applyBundle(ctx: ClusterContext, bundle: Bundle, values: Values, options: ApplyOptions = {}): Promise<ApplyResult> {
  const { plan, objects, snapshot } = await planOnce(ctx, bundle, values, options);
  if (options.dryRun || plan.empty) return { plan, applied: false, snapshot };
  // The instance's Secrets were created while the plan read; a failure there writes nothing.
  await options.beforeWrites;
  const stored = names.specConfigMap(bundle.instance);
  const todo = objects.map((object, i) => ({ object, change: plan.changes[i]!, wave: waveOf(object, object.kind === 'ConfigMap' && object.metadata.name === stored) }))
    .filter((t) => t.change.action !== 'unchanged');
  for (const wave of [0, 1, 2, 3]) {
    const batch = todo.filter((t) => t.wave === wave);
    options.signal?.throwIfAborted();
    await mapLimit(batch, CONCURRENCY, async ({ object, change }) => {
      if (change.action === 'delete') return void (await ctx.client.delete(refOf(object)));
      await ctx.client.apply(object, { force: options.force }).catch((err: unknown) => {
        throw explainNamespace(object, err);
      });
    });
    // Reported in apply order once the wave is done, so the steps read the same on every run.
    const done = { create: 'created', update: 'updated', delete: 'deleted', unchanged: 'kept' } as const;
    for (const { object, change } of batch) {
      options.onProgress?.({ phase: 'applied', object: `${object.kind}/${object.metadata.name}`, message: `${done[change.action]} ${object.kind}/${object.metadata.name}` });
    }
  }
  return { plan, applied: true };
}
