// Waiting for a rollout: look at the StatefulSet, its pods and claims, report each new step once, and stop with an
// outcome a user can act on (readiness.ts judges; this file only fetches, sleeps and reads the crashed pod's log).
import type { Bundle } from '../../render/bundle.js';
import { controllerSelector, names, selectorString } from '../../instance/naming.js';
import type { Outcome, WaitOptions } from '../../operations/target.js';
import { ownedClaims, type ClusterContext } from './context.js';
import { evaluateRollout, type FirstSeen } from './readiness.js';

async function rolloutSnapshot({ client, settings }: ClusterContext, bundle: Bundle) {
  const ns = bundle.namespace;
  const statefulSet = await client.read({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: names.statefulSet(bundle.instance), namespace: ns });
  const pods = await client.listPods(ns, selectorString(controllerSelector(bundle.instance)));
  const claims = await ownedClaims({ client, settings }, bundle.instance, ns);
  return {
    snapshot: { instance: bundle.instance, namespace: ns, statefulSet, pods: pods.items, claims, now: settings.now() },
    resourceVersion: pods.metadata?.resourceVersion,
  };
}

/** Sleeps until a controller pod changes (or the poll interval passes); a cut watch just means "look again". */
async function pause({ client, settings }: ClusterContext, bundle: Bundle, resourceVersion: string | undefined, deadline: number, signal?: AbortSignal): Promise<void> {
  const wait = Math.max(0, Math.min(settings.pollMs, deadline - settings.now()));
  const started = settings.now();
  const how = await client.waitForPodEvent(bundle.namespace, selectorString(controllerSelector(bundle.instance)), resourceVersion, wait, signal);
  // A watch that is cut at once would make us spin: wait out the rest of the interval before relisting.
  if (how === 'closed' && !signal?.aborted) {
    const left = Math.min(wait, 1000) - (settings.now() - started);
    if (left > 0) await client.retry.sleep(left);
  }
}

/**
 * A pod failing on an old revision is deleted once, so the StatefulSet recreates it from the new one. That is safe: it
 * is not Ready (it serves nobody) and its data lives on its claim, which stays. When the delete is refused, or the
 * replacement fails on the old revision again, the user is told the exact way out.
 */
async function replaceStuckPod(
  { client }: ClusterContext, bundle: Bundle, stuck: NonNullable<ReturnType<typeof evaluateRollout>['stuck']>, replaced: Set<string>, options: WaitOptions,
): Promise<Outcome | undefined> {
  const ns = bundle.namespace;
  const wayOut = `\`kubectl -n ${ns} delete pod ${stuck.pod}\` (the StatefulSet recreates it from revision ${stuck.updateRevision}; its volume and data stay)`;
  const why = `${stuck.pod} is stuck on the old revision ${stuck.revision ?? '?'} (${stuck.problem}); with podManagementPolicy OrderedReady the StatefulSet never replaces a pod that is not Ready, even after the spec was fixed (kubernetes#67250)`;
  const key = stuck.uid ?? stuck.pod;
  if (replaced.has(key)) return undefined; // deleted already: waiting for the controller to recreate it
  if (replaced.size >= 3) {
    return { status: 'failed', reason: 'other', message: `${why}; it was replaced ${replaced.size} times and still comes back on the old revision. The way out: ${wayOut}` };
  }
  try {
    await client.delete({ apiVersion: 'v1', kind: 'Pod', name: stuck.pod, namespace: ns });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { status: 'failed', reason: 'other', message: `${why}. Replacing it failed (${reason}). The way out: ${wayOut}` };
  }
  replaced.add(key);
  options.onProgress?.({ phase: 'pod-replaced', object: `Pod/${stuck.pod}`, message: `${why}: deleted it so it is recreated from revision ${stuck.updateRevision} (not Ready, so nobody was using it; its volume and data stay)` });
  return undefined;
}

export async function waitReady(ctx: ClusterContext, bundle: Bundle, options: WaitOptions = {}): Promise<Outcome> {
  const { client, settings } = ctx;
  const timeout = (options.timeoutSeconds ?? settings.defaultTimeoutSeconds) * 1000;
  const deadline = settings.now() + timeout;
  const firstSeen: FirstSeen = new Map();
  const shown = new Set<string>();
  const replaced = new Set<string>();
  for (;;) {
    const { snapshot, resourceVersion } = await rolloutSnapshot(ctx, bundle);
    const verdict = evaluateRollout(snapshot, firstSeen, settings.graceMs);
    for (const { key, ...step } of verdict.steps) {
      if (!shown.has(key)) {
        shown.add(key);
        options.onProgress?.(step);
      }
    }
    if (verdict.stuck) {
      const failed = await replaceStuckPod(ctx, bundle, verdict.stuck, replaced, options);
      if (failed) return failed;
    }
    if (verdict.outcome) {
      if (verdict.crashed && verdict.outcome.status === 'failed') {
        const logTail = await client
          .readLog(bundle.namespace, verdict.crashed.pod, verdict.crashed.container, { previous: true, tailLines: 20 })
          .catch((err: unknown) => [`(could not read the log: ${err instanceof Error ? err.message : String(err)})`]);
        return { ...verdict.outcome, logTail };
      }
      return verdict.outcome;
    }
    if (options.signal?.aborted) return { status: 'timed-out', message: `stopped waiting for ${bundle.instance}` };
    if (settings.now() >= deadline) {
      return { status: 'timed-out', message: `${bundle.instance} was not ready after ${Math.round(timeout / 1000)}s; still waiting for: ${verdict.waitingFor.join('; ') || 'the StatefulSet to report ready replicas'}` };
    }
    await pause(ctx, bundle, resourceVersion, deadline, options.signal);
  }
}
