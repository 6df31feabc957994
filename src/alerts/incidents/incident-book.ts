// One incident per pod and problem. The first alert opens it, a new kind updates it, a repeat refreshes it,
// recovery or deletion resolves it. A problem that comes back within the dedupe window reopens the same incident.
import { SEVERITY_RANK } from '../types.js';
import type { Alert, AlertKind, Problem, Severity } from '../types.js';

export interface Incident {
  id: string;
  podUid: string;
  namespace: string;
  pod: string;
  problem: Problem;
  kinds: AlertKind[];
  first: Alert;
  latest: Alert;
  severity: Severity;
  openedAt: number;
  closedAt?: number;
  /** How many alerts folded into this incident (repeats included). */
  occurrences: number;
  /** How many times it came back within the dedupe window. */
  reopened: number;
}

export type IncidentNotice =
  | { type: 'open'; incident: Incident; alert: Alert }
  | { type: 'update'; incident: Incident; alert: Alert }
  | { type: 'refresh'; incident: Incident; alert: Alert }
  | { type: 'resolve'; incident: Incident; alert: Alert }
  | { type: 'lifecycle'; alert: Alert };

export interface IncidentBookOptions {
  /** Identical alerts, and a problem coming back after recovery, within this window do not make new messages. */
  dedupeWindowMs: number;
}

const NONE: ReadonlySet<Problem> = new Set();

export class IncidentBook {
  private readonly open = new Map<string, Map<Problem, Incident>>();
  private readonly closed = new Map<string, Incident>();
  private readonly lastSeen = new Map<string, number>();
  private seq = 0;
  private lastPrune = -Infinity;

  constructor(private readonly options: IncidentBookOptions) {}

  openProblems(podUid: string): ReadonlySet<Problem> {
    const open = this.open.get(podUid);
    return open && open.size > 0 ? new Set(open.keys()) : NONE;
  }

  openIncidents(): Incident[] {
    return [...this.open.values()].flatMap((m) => [...m.values()]);
  }

  apply(alert: Alert): IncidentNotice[] {
    this.prune(alert.at);
    if (alert.kind === 'recovered' || alert.kind === 'deleted') return this.resolve(alert);
    if (!alert.problem) return this.isRepeat(alert) ? [] : [{ type: 'lifecycle', alert }];
    const byProblem = this.open.get(alert.podUid) ?? new Map<Problem, Incident>();
    const current = byProblem.get(alert.problem);
    if (current) {
      const previous = current.latest;
      current.latest = alert;
      current.occurrences++;
      this.raise(current, alert.severity);
      // The scheduler saying something else (a node was cordoned, a taint added) is news, not a repeat.
      const saysOtherwise = alert.scheduling !== undefined && previous.scheduling?.words !== alert.scheduling.words;
      if (current.kinds.includes(alert.kind) && !saysOtherwise) return [{ type: 'refresh', incident: current, alert }];
      if (current.kinds.includes(alert.kind)) return [{ type: 'update', incident: current, alert }];
      current.kinds.push(alert.kind);
      return [{ type: 'update', incident: current, alert }];
    }
    const key = `${alert.podUid}|${alert.problem}`;
    const recent = this.closed.get(key);
    const incident: Incident = recent
      ? { ...recent, latest: alert, kinds: [alert.kind], occurrences: recent.occurrences + 1, reopened: recent.reopened + 1 }
      : {
        id: `inc-${++this.seq}`, podUid: alert.podUid, namespace: alert.namespace, pod: alert.pod, problem: alert.problem,
        kinds: [alert.kind], first: alert, latest: alert, severity: alert.severity, openedAt: alert.at, occurrences: 1, reopened: 0,
      };
    delete incident.closedAt;
    this.closed.delete(key);
    byProblem.set(alert.problem, incident);
    this.open.set(alert.podUid, byProblem);
    this.raise(incident, alert.severity);
    return [{ type: recent ? 'update' : 'open', incident, alert }];
  }

  private resolve(alert: Alert): IncidentNotice[] {
    const byProblem = this.open.get(alert.podUid);
    const notices: IncidentNotice[] = [];
    if (byProblem) {
      for (const [problem, incident] of byProblem) {
        // "scheduled" only ends the scheduling problem; being ready or deleted ends them all.
        if (alert.problem && alert.problem !== problem) continue;
        byProblem.delete(problem);
        incident.latest = alert;
        incident.closedAt = alert.at;
        // Without a window (replay) nothing can come back "within" it: nothing to remember.
        if (this.options.dedupeWindowMs > 0) this.closed.set(`${alert.podUid}|${problem}`, incident);
        notices.push({ type: 'resolve', incident, alert });
      }
      if (byProblem.size === 0) this.open.delete(alert.podUid);
    }
    if (notices.length === 0 && alert.kind === 'deleted' && !this.isRepeat(alert)) notices.push({ type: 'lifecycle', alert });
    return notices;
  }

  private raise(incident: Incident, severity: Severity): void {
    if (SEVERITY_RANK[severity] > SEVERITY_RANK[incident.severity]) incident.severity = severity;
  }

  private isRepeat(alert: Alert): boolean {
    if (this.options.dedupeWindowMs <= 0) return false;
    const key = `${alert.podUid}|${alert.kind}|${alert.summary}`;
    const last = this.lastSeen.get(key);
    this.lastSeen.set(key, alert.at);
    return last !== undefined && alert.at - last < this.options.dedupeWindowMs;
  }

  private prune(now: number): void {
    const window = this.options.dedupeWindowMs;
    if (window > 0 && now - this.lastPrune < 1000) return; // pruning is O(closed): once a second is plenty
    this.lastPrune = now;
    // A replay (window 0) prunes at every alert: nothing to walk is the common case, and walking allocates.
    if (this.closed.size === 0 && this.lastSeen.size <= 10_000) return;
    for (const [key, incident] of this.closed) {
      if ((incident.closedAt ?? 0) + window <= now) this.closed.delete(key);
    }
    if (this.lastSeen.size > 10_000) {
      for (const [key, at] of this.lastSeen) if (at + window <= now) this.lastSeen.delete(key);
    }
  }
}
