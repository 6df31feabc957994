// Pod transitions → alerts. Pure: the previous snapshot, the new one and the open problems in, alerts out.
// The incident book decides what is new; here we only say what changed.
import type { ContainerSnapshot, PodSnapshot } from './pod-snapshot.js';
import { describeReasons, parseSchedulingMessage, schedulingHint } from './scheduling.js';
import { severityOf } from './severity.js';
import { subject } from './subject.js';
import type { Alert, AlertKind, CrashDetails, Problem, SchedulingDetails } from '../types.js';

export const IMAGE_REASONS: ReadonlySet<string> = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable']);
export const CONFIG_REASONS: ReadonlySet<string> = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'PreCreateHookError', 'PostStartHookError']);

export const PROBLEM_OF: Partial<Record<AlertKind, Problem>> = {
  crashed: 'crash',
  'oom-killed': 'crash',
  'crash-loop': 'crash',
  'image-pull-failed': 'image',
  'config-error': 'config',
  'not-ready': 'readiness',
  'probe-failed': 'probe',
  unschedulable: 'scheduling',
  evicted: 'eviction',
};

export function makeAlert(
  pod: PodSnapshot,
  kind: AlertKind,
  summary: string,
  at: number,
  extra: Partial<Pick<Alert, 'crash' | 'scheduling' | 'problem'>> = {},
): Alert {
  const alert: Alert = {
    kind,
    severity: severityOf(kind, pod.role),
    namespace: pod.namespace,
    pod: pod.name,
    podUid: pod.uid,
    role: pod.role,
    summary: `${subject(pod)}: ${summary}`,
    at,
  };
  // Assigned, not spread: one alert per event in a busy watch or a replay.
  if (extra.crash) alert.crash = extra.crash;
  if (extra.scheduling) alert.scheduling = extra.scheduling;
  const problem = extra.problem ?? PROBLEM_OF[kind];
  if (problem) alert.problem = problem;
  if (pod.instance) alert.instance = pod.instance;
  if (pod.agentLabel) alert.agentLabel = pod.agentLabel;
  if (pod.controller) alert.controller = pod.controller;
  if (pod.nodeName) alert.node = pod.nodeName;
  return alert;
}

/** A termination is reported once: identified by its finish time, or by the restart count it ended. */
function seenTermination(c: ContainerSnapshot | undefined, key: string): boolean {
  if (!c) return false;
  if (c.state === 'terminated' && (c.finishedAt ?? `#${c.restarts}`) === key) return true;
  return (c.lastExitCode !== undefined || c.lastReason !== undefined) && (c.lastFinishedAt ?? `#${c.restarts - 1}`) === key;
}

interface Termination {
  key: string;
  exitCode?: number;
  reason?: string;
}

function newTermination(prev: ContainerSnapshot | undefined, next: ContainerSnapshot): Termination | undefined {
  if (next.state === 'terminated') {
    const key = next.finishedAt ?? `#${next.restarts}`;
    if (!seenTermination(prev, key)) return { key, exitCode: next.exitCode, reason: next.reason };
  }
  if ((next.lastExitCode !== undefined || next.lastReason !== undefined) && next.restarts > (prev?.restarts ?? 0)) {
    const key = next.lastFinishedAt ?? `#${next.restarts - 1}`;
    if (!seenTermination(prev, key)) return { key, exitCode: next.lastExitCode, reason: next.lastReason };
  }
  return undefined;
}

function crashDetails(c: ContainerSnapshot, t?: Termination): CrashDetails {
  const d: CrashDetails = { container: c.name, restarts: c.restarts };
  const exitCode = t?.exitCode ?? c.exitCode ?? c.lastExitCode;
  const reason = t?.reason ?? (c.state === 'terminated' ? c.reason : c.lastReason);
  if (exitCode !== undefined) d.exitCode = exitCode;
  if (reason !== undefined) d.reason = reason;
  return d;
}

function exitWords(d: CrashDetails): string {
  const parts: string[] = [];
  if (d.exitCode !== undefined) parts.push(`exit code ${d.exitCode}`);
  if (d.reason) parts.push(d.reason);
  return parts.length > 0 ? parts.join(', ') : 'no exit code';
}

/** Adds the alerts of one container to `out` (no list per container: this runs for every container of every event). */
function containerAlerts(out: Alert[], pod: PodSnapshot, prev: ContainerSnapshot | undefined, c: ContainerSnapshot, at: number): void {
  const t = newTermination(prev, c);
  if (t && (t.exitCode ?? 0) !== 0) {
    const d = crashDetails(c, t);
    if (t.reason === 'OOMKilled') {
      out.push(makeAlert(pod, 'oom-killed', `container ${c.name} was killed for using more memory than its limit (${exitWords(d)}, ${d.restarts} restarts); raise its memory limit or lower the JVM heap`, at, { crash: d }));
    } else {
      out.push(makeAlert(pod, 'crashed', `container ${c.name} crashed (${exitWords(d)}, ${d.restarts} restarts)`, at, { crash: d }));
    }
  } else if (t && t.reason === 'OOMKilled') {
    const d = crashDetails(c, t);
    out.push(makeAlert(pod, 'oom-killed', `container ${c.name} was OOM-killed (${d.restarts} restarts)`, at, { crash: d }));
  }
  const waitingNow = c.state === 'waiting' ? c.reason : undefined;
  const waitingBefore = prev?.state === 'waiting' ? prev.reason : undefined;
  if (waitingNow === 'CrashLoopBackOff' && waitingBefore !== 'CrashLoopBackOff') {
    const d = crashDetails(c);
    out.push(makeAlert(pod, 'crash-loop', `container ${c.name} keeps crashing and Kubernetes is backing off restarts (CrashLoopBackOff, ${d.restarts} restarts, last ${exitWords(d)})`, at, { crash: d }));
  }
  if (waitingNow && IMAGE_REASONS.has(waitingNow) && !(waitingBefore && IMAGE_REASONS.has(waitingBefore))) {
    out.push(makeAlert(pod, 'image-pull-failed', `container ${c.name} cannot pull its image (${waitingNow}${c.message ? `: ${c.message}` : ''}); check the image name, tag and imagePullSecrets`, at));
  }
  if (waitingNow && CONFIG_REASONS.has(waitingNow) && waitingBefore !== waitingNow) {
    out.push(makeAlert(pod, 'config-error', `container ${c.name} cannot be created (${waitingNow}${c.message ? `: ${c.message}` : ''}); ${configHint(c.message ?? '')}`, at));
  }
}

/** The same container in the previous snapshot: a pod has a handful, so a scan (no callback, no Map) is cheapest. */
function sameContainer(prev: PodSnapshot | undefined, c: ContainerSnapshot): ContainerSnapshot | undefined {
  if (!prev) return undefined;
  for (const p of prev.containers) if (p.name === c.name && p.init === c.init) return p;
  return undefined;
}

/** A problem alert other than scheduling, or a main container not running. */
function isFailing(out: Alert[], next: PodSnapshot): boolean {
  for (const a of out) if (a.problem && a.problem !== 'scheduling') return true;
  for (const c of next.containers) if (!c.init && c.state !== 'running') return true;
  return false;
}

/** What to do about a container that cannot be created, from the kubelet's words. */
export function configHint(message: string): string {
  const m = message.toLowerCase();
  if (m.includes('runasnonroot')) {
    return 'the pod requires a non-root user but the image runs as root: set runAsUser (e.g. 1000) in the pod template or controller, or use an image with a non-root USER';
  }
  return 'create the missing Secret/ConfigMap or key';
}

/**
 * The scheduler repeats one message for every pod of a template it cannot place, event after event: each message (with
 * the requests the hint quotes) is parsed and worded once. Bounded like the requests cache; the details are shared
 * between alerts, so nobody may change them (the dispatcher copies before adding headroom).
 */
const detailsCache = new Map<string, SchedulingDetails>();

export function schedulingDetails(pod: PodSnapshot, message: string): SchedulingDetails {
  const key = `${pod.requests.cpu ?? ''}\u0000${pod.requests.memory ?? ''}\u0000${message}`;
  const known = detailsCache.get(key);
  if (known) return known;
  const details = computeSchedulingDetails(pod, message);
  if (detailsCache.size >= 1024) detailsCache.clear();
  detailsCache.set(key, details);
  return details;
}

function computeSchedulingDetails(pod: PodSnapshot, message: string): SchedulingDetails {
  const parsed = parseSchedulingMessage(message);
  const details: SchedulingDetails = {
    reasons: parsed.reasons,
    words: describeReasons(parsed),
    hint: schedulingHint({ reasons: parsed.reasons, requests: pod.requests }),
    requests: {},
  };
  if (parsed.totalNodes !== undefined) details.totalNodes = parsed.totalNodes;
  if (pod.requests.cpu) details.requests.cpu = pod.requests.cpu;
  if (pod.requests.memory) details.requests.memory = pod.requests.memory;
  return details;
}

export function unschedulableAlert(pod: PodSnapshot, message: string, at: number): Alert {
  const details = schedulingDetails(pod, message);
  const cpu = details.requests.cpu ? `cpu ${details.requests.cpu}` : '';
  const memory = details.requests.memory ? `memory ${details.requests.memory}` : '';
  const requests = cpu && memory ? `${cpu}, ${memory}` : cpu || memory;
  const waiting = pod.role === 'agent' ? ' The build is waiting in the Jenkins queue.' : '';
  return makeAlert(pod, 'unschedulable', `cannot be scheduled: ${details.words}.${requests ? ` Pod requests ${requests}.` : ''}${waiting} Hint: ${details.hint}.`, at, { scheduling: details });
}

export function classifyPod(prev: PodSnapshot | undefined, next: PodSnapshot, open: ReadonlySet<Problem>, at: number): Alert[] {
  const out: Alert[] = [];
  // A pod being deleted has its containers stopped with SIGTERM (exit 143): that is not a crash.
  if (!next.terminating) {
    for (const c of next.containers) containerAlerts(out, next, sameContainer(prev, c), c, at);
  }

  if (next.phase === 'Failed' && next.podReason === 'Evicted' && !(prev?.phase === 'Failed' && prev.podReason === 'Evicted')) {
    out.push(makeAlert(next, 'evicted', `evicted by the kubelet${next.podMessage ? `: ${next.podMessage}` : ''}`, at));
  }
  if (next.unschedulable !== undefined && next.unschedulable !== prev?.unschedulable && !next.scheduled) {
    out.push(unschedulableAlert(next, next.unschedulable, at));
  }
  if (open.has('scheduling') && next.scheduled && !prev?.scheduled) {
    out.push(makeAlert(next, 'recovered', `scheduled${next.nodeName ? ` on ${next.nodeName}` : ''}; it no longer waits for a node`, at, { problem: 'scheduling' }));
  }
  if (next.phase === 'Running' && prev?.phase !== 'Running' && next.role === 'controller') {
    out.push(makeAlert(next, 'started', `started${next.nodeName ? ` on ${next.nodeName}` : ''}`, at));
  }
  if (next.ready && !prev?.ready) {
    const openFailures = [...open].filter((p) => p !== 'scheduling');
    if (openFailures.length > 0) out.push(makeAlert(next, 'recovered', `ready again after ${openFailures.join(', ')} trouble`, at));
    else if (next.role === 'controller') out.push(makeAlert(next, 'ready', 'is ready to serve', at));
  } else if (prev?.ready && !next.ready && !next.terminating && next.role !== 'agent' && next.phase === 'Running' && !isFailing(out, next)) {
    out.push(makeAlert(next, 'not-ready', 'is running but no longer ready (its readiness probe fails)', at));
  }
  return out;
}

export function deletedAlert(pod: PodSnapshot, open: ReadonlySet<Problem>, at: number): Alert | undefined {
  if (open.size === 0 && pod.role !== 'controller') return undefined;
  const why = pod.role === 'agent' && open.has('scheduling')
    ? 'deleted by the Kubernetes plugin; the build no longer waits for this pod'
    : open.size > 0 ? `deleted while it had ${[...open].join(', ')} trouble` : 'deleted';
  return makeAlert(pod, 'deleted', why, at);
}
