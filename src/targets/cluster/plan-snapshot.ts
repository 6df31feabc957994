// Plan once. A plan records what it read: each live object's resourceVersion, or that it did not exist. An apply of the
// same objects moments later (inside the lock, after the preview the user agreed to) checks that nothing it read has
// changed — one LIST per kind and namespace for the objects that carry the instance's labels, a GET for the rest —
// instead of reading and dry-running every object again. Anything changed, appeared or vanished: plan again.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../render/bundle.js';
import type { ObjectRef } from '../../kube/client.js';
import { mapLimit } from '../../kube/concurrency.js';
import { pluralOf } from '../../kube/resources.js';
import { namespaceLabels, ownedSelector, selectorString } from '../../instance/naming.js';
import type { ObjectChange, Plan, PlanSnapshot } from '../../operations/target.js';
import type { ClusterContext } from './context.js';

/** One object a plan read: its resourceVersion (undefined: it did not exist), and whether it carried the instance's labels. */
interface Seen {
  ref: ObjectRef;
  resourceVersion: string | undefined;
  labelled: boolean;
}

export interface ClusterSnapshot extends PlanSnapshot {
  /** Digest of the desired objects and the force flag: a snapshot answers only for the very same apply. */
  readonly key: string;
  /** What the plan would write, in apply order (the live serviceName kept, as planned). */
  readonly objects: KubeObject[];
  readonly seen: readonly Seen[];
}

/** Only snapshots made here are trusted. */
const ours = new WeakSet<PlanSnapshot>();

export function clusterSnapshot(snapshot: PlanSnapshot | undefined): ClusterSnapshot | undefined {
  return snapshot && ours.has(snapshot) ? (snapshot as ClusterSnapshot) : undefined;
}

export function planKey(desired: KubeObject[], force: boolean | undefined): string {
  return createHash('sha256').update(JSON.stringify([force === true, desired])).digest('base64url');
}

const versionOf = (object: KubeObject | undefined): string | undefined => object?.metadata.resourceVersion as string | undefined;

const hasLabels = (object: KubeObject | undefined, labels: Record<string, string>): boolean =>
  !!object && Object.entries(labels).every(([k, v]) => object.metadata.labels?.[k] === v);

/** Reads live objects for a plan and remembers what it saw. */
export class ReadRecorder {
  private readonly seen: Seen[] = [];

  constructor(private readonly ctx: ClusterContext, private readonly instance: string) {}

  readonly read = async (ref: ObjectRef): Promise<KubeObject | undefined> => {
    const live = await this.ctx.client.read(ref);
    this.seen.push({ ref, resourceVersion: versionOf(live), labelled: hasLabels(live, ownedSelector(this.instance)) });
    return live;
  };

  snapshot(plan: Plan, objects: KubeObject[], key: string): ClusterSnapshot {
    const snapshot: ClusterSnapshot = { instance: this.instance, plan, objects, key, seen: [...this.seen] };
    ours.add(snapshot);
    return snapshot;
  }
}

const refKey = (ref: ObjectRef) => `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ''}|${ref.name}`;

/**
 * Whether every object the snapshot's plan read is as it was (same resourceVersion, still there, still absent).
 * Objects that carried the instance's labels are checked a kind and namespace at a time with one labelled LIST (a
 * lone one with a GET); the rest (the namespace, objects that did not exist) with a GET each. All concurrently.
 */
export async function unchangedSince(ctx: ClusterContext, snapshot: ClusterSnapshot, concurrency: number): Promise<boolean> {
  const unique = [...new Map(snapshot.seen.map((s) => [refKey(s.ref), s])).values()];
  const groups = new Map<string, Seen[]>();
  for (const s of unique.filter((s) => s.labelled)) {
    const group = `${s.ref.apiVersion}|${s.ref.kind}|${s.ref.namespace ?? ''}`;
    groups.set(group, [...(groups.get(group) ?? []), s]);
  }
  const lists = [...groups.values()].filter((g) => g.length > 1);
  const listed = new Set(lists.flat());
  const gets = unique.filter((s) => !listed.has(s));
  const selector = selectorString(ownedSelector(snapshot.instance));
  const checks: Array<() => Promise<boolean>> = [
    ...lists.map((group) => async () => {
      const { apiVersion, kind, namespace } = group[0]!.ref;
      const list = await ctx.client.listAll({ verb: 'list', resource: pluralOf(apiVersion, kind), ...(namespace ? { namespace } : {}) }, (chunk) =>
        ctx.client.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, selector, chunk.limit, chunk._continue));
      const versions = new Map(list.items.map((o) => [o.metadata?.name, o.metadata?.resourceVersion]));
      return group.every((s) => versions.get(s.ref.name) === s.resourceVersion);
    }),
    ...gets.map((s) => async () => versionOf(await ctx.client.read(s.ref)) === s.resourceVersion),
  ];
  try {
    return (await mapLimit(checks, concurrency, (check) => check())).every(Boolean);
  } catch {
    // Could not tell (a list this identity may not make, a failing API): plan again, which says what went wrong.
    return false;
  }
}

const entryKey = (c: ObjectChange) => `${c.kind}|${c.namespace ?? ''}|${c.name}`;

/**
 * The objects whose planned change differs between the plan the user agreed to and the plan now, as `Kind/name`.
 * A namespace planned for creation that now exists labelled as the plan would create it (the lock creates it so for
 * a first deploy) is the same plan.
 */
export function planDifferences(agreed: Plan, now: Plan, objects: KubeObject[], live: Array<KubeObject | undefined>): string[] {
  const before = new Map(agreed.changes.map((c) => [entryKey(c), c]));
  const differ: string[] = [];
  now.changes.forEach((change, i) => {
    const was = before.get(entryKey(change));
    before.delete(entryKey(change));
    if (was && JSON.stringify([was.action, was.fields]) === JSON.stringify([change.action, change.fields])) return;
    const createdAsPlanned = was?.action === 'create' && change.kind === 'Namespace' && objects[i]?.kind === 'Namespace' && hasLabels(live[i], namespaceLabels());
    if (createdAsPlanned) return;
    const how = !was ? 'not in the preview' : was.action !== change.action ? `${was.action} → ${change.action}` : `${change.action} of other fields`;
    differ.push(`${change.kind}/${change.name} (${how})`);
  });
  for (const gone of before.values()) differ.push(`${gone.kind}/${gone.name} (no longer planned)`);
  return differ;
}
