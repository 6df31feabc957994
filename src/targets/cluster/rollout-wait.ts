// Waiting for a rollout: look at the StatefulSet, its pods and claims, report each new step once, and stop with an
// outcome a user can act on (readiness.ts judges; this file only fetches, sleeps and reads the crashed pod's log).
import type { Bundle } from '../../render/bundle.js';
import { controllerSelector, names, selectorString } from '../../instance/naming.js';
import type { Outcome, WaitOptions } from '../../operations/target.js';
import { homeClaimsOf, type ClusterContext } from './context.js';
import { evaluateRollout, type FirstSeen } from './readiness.js';

async function rolloutSnapshot({ client, settings }: ClusterContext, bundle: Bundle) {
  const ns = bundle.namespace;
  const statefulSet = await client.read({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: names.statefulSet(bundle.instance), namespace: ns });
  const pods = await client.listPods(ns, selectorString(controllerSelector(bundle.instance)));
  const claims = await client.listClaims(ns);
  return {
    snapshot: { instance: bundle.instance, statefulSet, pods: pods.items, claims: homeClaimsOf(bundle.instance, claims.items), now: settings.now() },
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

export async function waitReady(ctx: ClusterContext, bundle: Bundle, options: WaitOptions = {}): Promise<Outcome> {
  const { client, settings } = ctx;
  const timeout = (options.timeoutSeconds ?? settings.defaultTimeoutSeconds) * 1000;
  const deadline = settings.now() + timeout;
  const firstSeen: FirstSeen = new Map();
  const shown = new Set<string>();
  for (;;) {
    const { snapshot, resourceVersion } = await rolloutSnapshot(ctx, bundle);
    const verdict = evaluateRollout(snapshot, firstSeen, settings.graceMs);
    for (const { key, ...step } of verdict.steps) {
      if (!shown.has(key)) {
        shown.add(key);
        options.onProgress?.(step);
      }
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
