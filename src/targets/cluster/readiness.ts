// Reads controller pods, claims and the StatefulSet and says how far a rollout got, or why it cannot finish.
import type { V1ContainerStatus, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import type { KubeObject } from '../../render/bundle.js';
import type { Outcome, Progress } from '../../operations/target.js';
import { names } from '../../instance/naming.js';

export interface RolloutSnapshot {
  instance: string;
  namespace: string;
  statefulSet?: KubeObject;
  pods: V1Pod[];
  claims: V1PersistentVolumeClaim[];
  now: number;
}

export interface Verdict {
  /** Milestones reached so far; the caller shows each one once. */
  steps: (Progress & { key: string })[];
  outcome?: Exclude<Outcome, { status: 'timed-out' }>;
  /** For a crash loop: whose previous log to fetch. */
  crashed?: { pod: string; container: string };
  /**
   * A pod that fails on an old revision while the StatefulSet has a new one: with OrderedReady the controller never
   * replaces a pod that is not Ready, even after the template was fixed (kubernetes#67250). The caller replaces it.
   */
  stuck?: { pod: string; uid?: string; revision?: string; updateRevision: string; problem: string };
  /** What is still missing, for a timeout message. */
  waitingFor: string[];
}

/** When a transient-looking problem was first seen; a problem that lasts the grace period fails the wait. */
export type FirstSeen = Map<string, number>;

const PULL_FAILURES = new Set(['ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);
const CONFIG_FAILURES = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);


function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function lasted(firstSeen: FirstSeen, key: string, now: number, graceMs: number): boolean {
  const since = firstSeen.get(key) ?? now;
  firstSeen.set(key, since);
  return now - since >= graceMs;
}

function containerProblem(pod: string, status: V1ContainerStatus, firstSeen: FirstSeen, now: number, graceMs: number): Pick<Verdict, 'outcome' | 'crashed'> | undefined {
  const waiting = status.state?.waiting;
  if (!waiting?.reason) return undefined;
  const where = `container ${status.name} of ${pod}`;
  if (PULL_FAILURES.has(waiting.reason) || (waiting.reason === 'ErrImagePull' && lasted(firstSeen, `${pod}/${status.name}/pull`, now, graceMs))) {
    return { outcome: { status: 'failed', reason: 'image-pull', message: `${where} cannot pull image ${status.image}: ${waiting.reason}${waiting.message ? ` — ${waiting.message}` : ''}; check the image name/tag and registry access (imagePullSecrets)` } };
  }
  if (CONFIG_FAILURES.has(waiting.reason)) {
    return { outcome: { status: 'failed', reason: 'config-error', message: `${where} cannot start: ${waiting.reason}${waiting.message ? ` — ${waiting.message}` : ''}` } };
  }
  if (waiting.reason === 'CrashLoopBackOff') {
    const last = status.lastState?.terminated;
    const cause = last ? ` (last exit code ${last.exitCode}${last.reason ? `, ${last.reason}` : ''}${last.reason === 'OOMKilled' ? ': raise controller.resources.limits.memory' : ''})` : '';
    return {
      outcome: { status: 'failed', reason: 'crash-loop', message: `${where} keeps crashing${cause}; restarted ${status.restartCount} time(s)` },
      crashed: { pod, container: status.name },
    };
  }
  return undefined;
}

/** The controller has acted on the current spec (kubectl rollout status: observedGeneration ≥ generation). */
function observedSpec(statefulSet: KubeObject): boolean {
  const status = (statefulSet.status ?? {}) as Record<string, unknown>;
  return num(status.observedGeneration) >= num((statefulSet.metadata as { generation?: number }).generation);
}

function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function evaluateRollout(snapshot: RolloutSnapshot, firstSeen: FirstSeen, graceMs: number): Verdict {
  const { instance, statefulSet, now } = snapshot;
  const steps: Verdict['steps'] = [];
  const waitingFor: string[] = [];
  if (!statefulSet) return { steps, waitingFor: [`StatefulSet ${instance} to appear`] };

  const spec = (statefulSet.spec ?? {}) as Record<string, unknown>;
  const status = (statefulSet.status ?? {}) as Record<string, unknown>;
  const desired = num(spec.replicas ?? 1);
  if (desired === 0) {
    const left = snapshot.pods.length;
    if (left === 0) return { steps, waitingFor, outcome: { status: 'ready', message: `${instance} is scaled to 0 (hibernating); its volumes and data are kept` } };
    return { steps, waitingFor: [`${left} controller pod(s) to stop`] };
  }

  const podsByName = new Map(snapshot.pods.map((p) => [p.metadata?.name ?? '', p]));
  const claimsByName = new Map(snapshot.claims.map((c) => [c.metadata?.name ?? '', c]));
  const updateRevision = status.updateRevision as string | undefined;
  let readyCurrent = 0;

  for (let ordinal = 0; ordinal < desired; ordinal++) {
    const podName = names.controllerPod(instance, ordinal);
    const claim = claimsByName.get(names.homeClaim(instance, ordinal));
    if (claim?.status?.phase === 'Bound') {
      steps.push({ key: `pvc:${claim.metadata?.name}`, phase: 'pvc-bound', object: `PersistentVolumeClaim/${claim.metadata?.name}`, message: `volume claim ${claim.metadata?.name} is bound to ${claim.spec?.volumeName ?? 'a volume'}` });
    }
    const pod = podsByName.get(podName);
    if (!pod) {
      waitingFor.push(`pod ${podName} to be created`);
      continue;
    }
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled?.status === 'True') {
      steps.push({ key: `scheduled:${pod.metadata?.uid ?? podName}`, phase: 'pod-scheduled', object: `Pod/${podName}`, message: `${podName} is scheduled on node ${pod.spec?.nodeName ?? '?'}` });
    } else if (scheduled?.reason === 'Unschedulable') {
      const text = scheduled.message ?? 'no node fits';
      const claimPending = claim && claim.status?.phase !== 'Bound';
      const aboutClaims = claimPending || /PersistentVolumeClaim|persistentvolumeclaim|volume node affinity/.test(text);
      if (lasted(firstSeen, `${podName}/unschedulable`, now, graceMs)) {
        if (aboutClaims) {
          const claimText = claim ? `claim ${claim.metadata?.name} is ${claim.status?.phase ?? 'Pending'}` : `claim ${names.homeClaim(instance, ordinal)} does not exist yet`;
          return { steps, waitingFor, outcome: { status: 'failed', reason: 'pvc-unbound', message: `${podName} cannot start: its volume ${claimText} (scheduler: ${text}); with dynamic storage check that a default StorageClass exists (or set persistence.storageClass), with static storage that PersistentVolume ${names.staticVolume(snapshot.namespace, instance, ordinal)} exists and matches` } };
        }
        return { steps, waitingFor, outcome: { status: 'failed', reason: 'unschedulable', message: `${podName} cannot be scheduled: ${text}` } };
      }
      waitingFor.push(`${podName} to be scheduled (${text})`);
      continue;
    } else {
      waitingFor.push(`${podName} to be scheduled`);
    }
    const revision = pod.metadata?.labels?.['controller-revision-hash'];
    const oldRevision = !!updateRevision && revision !== updateRevision;
    if (oldRevision && observedSpec(statefulSet) && !isReady(pod)) {
      // A pod of the old revision that is not Ready and keeps failing (crashing between back-offs, or waiting on a
      // pull or config error) will never be rolled by an OrderedReady StatefulSet.
      const failing = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((c) =>
        (c.restartCount ?? 0) > 0 || containerProblem(podName, c, firstSeen, now, graceMs));
      if (failing) {
        const problem = containerProblem(podName, failing, firstSeen, now, graceMs)?.outcome?.message ??
          `container ${failing.name} of ${podName} keeps failing (restarted ${failing.restartCount ?? 0} time(s)${failing.lastState?.terminated ? `, last exit code ${failing.lastState.terminated.exitCode}` : ''})`;
        return { steps, waitingFor, stuck: { pod: podName, uid: pod.metadata?.uid, revision, updateRevision: updateRevision!, problem } };
      }
    }
    for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      const problem = containerProblem(podName, status, firstSeen, now, graceMs);
      // A failure of the revision being replaced is not the outcome of this rollout (stuck pods are handled above).
      if (problem && oldRevision) continue;
      if (problem) return { steps, waitingFor, ...problem };
      if (status.state?.running) {
        steps.push({ key: `started:${pod.metadata?.uid ?? podName}:${status.name}`, phase: 'container-started', object: `Pod/${podName}`, message: `container ${status.name} started in ${podName}` });
      }
    }
    const current = !updateRevision || pod.metadata?.labels?.['controller-revision-hash'] === updateRevision;
    if (isReady(pod) && current) {
      readyCurrent++;
      steps.push({ key: `ready:${pod.metadata?.uid ?? podName}`, phase: 'ready', object: `Pod/${podName}`, message: `${podName} is ready` });
    } else {
      const reason = pod.status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting?.reason;
      waitingFor.push(`${podName} to become ready${current ? '' : ' with the new revision'}${reason ? ` (${reason})` : ''}`);
    }
  }

  const observed = observedSpec(statefulSet);
  if (readyCurrent >= desired && observed) {
    steps.push({ key: `answering:${updateRevision ?? ''}:${desired}`, phase: 'jenkins-answering', object: `StatefulSet/${instance}`, message: `Jenkins answers on /login in ${desired} controller(s) (readiness probe)` });
    return { steps, waitingFor, outcome: { status: 'ready', message: `${instance} is ready: ${readyCurrent}/${desired} controller(s) answering` } };
  }
  if (!observed) waitingFor.push(`StatefulSet ${instance} to observe the new spec`);
  return { steps, waitingFor };
}
