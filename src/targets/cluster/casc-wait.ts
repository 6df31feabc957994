// Live JCasC: which running controllers have loaded the revision in the `casc` ConfigMap, judged from the reload
// sidecar's log (casc-reload.ts reads it), and a wait until all have.
import type { V1Pod } from '@kubernetes/client-node';
import type { Bundle, KubeObject } from '../../render/bundle.js';
import { ANNOTATION_CASC_REVISION, controllerSelector, names, selectorString } from '../../instance/naming.js';
import { FIELD_MANAGER } from '../../kube/client.js';
import type { Outcome, WaitOptions } from '../../operations/target.js';
import { latestReload } from './casc-reload.js';
import type { ClusterContext } from './context.js';

export interface CascCheck {
  running: number;
  loaded: string[];
  pending: string[];
  problem?: string;
  live?: string;
}

/** When our field manager last wrote the ConfigMap (shared by every bot replica, unlike local memory). */
function appliedAt(cm: KubeObject, now: number): number {
  const fields = (cm.metadata.managedFields ?? []) as { manager?: string; time?: string }[];
  const ours = fields.filter((f) => f.manager === FIELD_MANAGER && f.time).map((f) => Date.parse(f.time!));
  return ours.length ? Math.max(...ours) : now;
}

function startedAfter(pod: V1Pod, at: number): boolean {
  const started = pod.status?.startTime ? new Date(pod.status.startTime).getTime() : undefined;
  return started !== undefined && started > at;
}

/** Which running controllers of the instance have loaded `revision`. */
export async function cascLoaded({ client, settings }: ClusterContext, instance: string, namespace: string, revision: string): Promise<CascCheck> {
  const configMap = names.cascConfigMap(instance);
  const cm = await client.read({ apiVersion: 'v1', kind: 'ConfigMap', name: configMap, namespace });
  const live = cm?.metadata.annotations?.[ANNOTATION_CASC_REVISION];
  if (live !== revision) {
    return { running: 0, loaded: [], pending: [], problem: `ConfigMap ${configMap} holds JCasC revision ${live ?? '(none)'}, not ${revision}: the apply did not reach the cluster` };
  }
  const written = appliedAt(cm!, settings.now());
  const pods = (await client.listPods(namespace, selectorString(controllerSelector(instance)))).items.filter((p) => p.status?.phase === 'Running');
  const loaded: string[] = [];
  const pending: string[] = [];
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '?';
    if (startedAfter(pod, written)) {
      loaded.push(name);
      continue;
    }
    const sinceSeconds = Math.max(1, Math.ceil((settings.now() - written) / 1000) + 2);
    const lines = await client.readLog(namespace, name, 'casc-reload', { sinceSeconds, timestamps: true });
    const report = latestReload(lines, written - 1000);
    if (report?.ok) loaded.push(name);
    else if (report) return { running: pods.length, loaded, pending, problem: `${name}: ${report.why} (sidecar: ${report.line.trim().slice(0, 300)})` };
    else pending.push(name);
  }
  return { running: pods.length, loaded, pending, live };
}

export async function waitCascReload(ctx: ClusterContext, bundle: Bundle, options: WaitOptions = {}): Promise<Outcome> {
  const { client, settings } = ctx;
  const timeout = (options.timeoutSeconds ?? 120) * 1000;
  const deadline = settings.now() + timeout;
  const revision = bundle.cascRevision;
  const done = new Set<string>();
  for (;;) {
    const check = await cascLoaded(ctx, bundle.instance, bundle.namespace, revision);
    if (check.problem) return { status: 'failed', reason: 'other', message: check.problem };
    for (const pod of check.loaded) {
      if (!done.has(pod)) {
        done.add(pod);
        options.onProgress?.({ phase: 'casc-reloaded', object: `Pod/${pod}`, message: `${pod} loaded JCasC revision ${revision} without a restart` });
      }
    }
    if (check.running === 0) return { status: 'ready', message: `no controller of ${bundle.instance} is running; revision ${revision} is loaded when it starts` };
    if (check.loaded.length >= check.running) {
      return { status: 'ready', message: `JCasC revision ${revision} is live on ${check.loaded.length} controller(s) of ${bundle.instance}, no restart` };
    }
    if (options.signal?.aborted) return { status: 'timed-out', message: `stopped waiting for ${bundle.instance} to load revision ${revision}` };
    if (settings.now() >= deadline) {
      return {
        status: 'timed-out',
        message: `the casc-reload sidecar of ${check.pending.join(', ')} did not report a reload of revision ${revision} within ${Math.round(timeout / 1000)}s; look at \`kubectl logs -n ${bundle.namespace} ${check.pending[0]} -c casc-reload\``,
      };
    }
    await client.retry.sleep(Math.min(settings.pollMs, Math.max(0, deadline - settings.now())));
  }
}
