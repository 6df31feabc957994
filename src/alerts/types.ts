// The vocabulary of the alerter: what a pod looks like to us, what an alert is, how bad it is.

export const ALERT_KINDS = [
  'started', 'ready', 'not-ready', 'crashed', 'oom-killed', 'crash-loop', 'image-pull-failed', 'config-error',
  'probe-failed', 'unschedulable', 'evicted', 'recovered', 'deleted',
] as const;
/** Not a per-pod alert: the periodic count of build-agent pods (how many ran, failed, waited). */
export const AGENT_SUMMARY_KIND = 'agent-summary';
export type AlertKind = (typeof ALERT_KINDS)[number];

export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** Which Jenkins part a pod plays: decides whether lifecycle changes are worth a message. */
export type PodRole = 'controller' | 'agent' | 'other';

/** A problem a pod can have; one incident per pod and problem. */
export type Problem = 'crash' | 'image' | 'config' | 'readiness' | 'probe' | 'scheduling' | 'eviction';

export interface SchedulingReason {
  /** Normalised reason, e.g. "Insufficient cpu", "untolerated taint {node-role.kubernetes.io/control-plane: }". */
  reason: string;
  /** How many nodes gave this reason; null when the scheduler did not say (PreFilter failures). */
  nodes: number | null;
}

export interface CrashDetails {
  container: string;
  exitCode?: number;
  reason?: string;
  restarts: number;
  /** Last lines of the previous container's log, already trimmed. */
  logTail?: string;
}

export interface SchedulingDetails {
  reasons: SchedulingReason[];
  totalNodes?: number;
  words: string;
  hint: string;
  requests: { cpu?: string; memory?: string };
  /** Largest free allocatable cpu (cores) and memory (bytes) on one node, when nodes are readable. */
  headroom?: { cpu: string; memory: string; node: string };
}

export interface Alert {
  kind: AlertKind;
  severity: Severity;
  namespace: string;
  pod: string;
  podUid: string;
  role: PodRole;
  instance?: string;
  /** The Jenkins agent label (pod template) for agent pods. */
  agentLabel?: string;
  /** For agent pods: the controller that started it (several controllers each have their own agents). */
  controller?: string;
  summary: string;
  /** The incident this alert opens, updates or closes. */
  problem?: Problem;
  crash?: CrashDetails;
  scheduling?: SchedulingDetails;
  /** Node the pod runs on (for lifecycle messages). */
  node?: string;
  /** Milliseconds since the epoch, from the injected clock. */
  at: number;
}
