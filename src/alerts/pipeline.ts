// The alerter's core: watch events in, notices out. Keeps a snapshot per pod UID (StatefulSet pods reuse names),
// classifies transitions, folds them into incidents and counts build agents. Synchronous and clock-driven,
// so replay, live watching and tests share it.
import { AgentSummary } from './incidents/agent-summary.js';
import { classifyPod, deletedAlert } from './classify/classify-pod.js';
import { classifyEvent } from './classify/classify-event.js';
import { baselineOf } from './classify/baseline.js';
import type { Clock } from '../kube/clock.js';
import { isEvent, snapshotEvent } from './classify/event-snapshot.js';
import type { EventSnapshot } from './classify/event-snapshot.js';
import { IncidentBook } from './incidents/incident-book.js';
import type { Notice } from './incidents/notice.js';
import { isPod, snapshotPod } from './classify/pod-snapshot.js';
import type { PodSnapshot } from './classify/pod-snapshot.js';
import type { Alert } from './types.js';
import type { WatchEvent } from './watch/watch-event.js';

export interface PipelineOptions {
  clock: Clock;
  onNotice: (notice: Notice) => void;
  /** Window for identical alerts and for a problem coming back after recovery; 0 in replay. */
  dedupeWindowMs?: number;
  /** Called for every alert classified (before incidents fold them): metrics hook. */
  onRaised?: (alert: Alert) => void;
}

export class AlertPipeline {
  private readonly pods = new Map<string, PodSnapshot>();
  private readonly podByName = new Map<string, string>();
  private readonly eventCounts = new Map<string, number>();
  /** A snapshot nothing refers to any more (a pod's previous one): the next pod event is written into it. */
  private spare: PodSnapshot | undefined;
  readonly incidents: IncidentBook;
  readonly agents = new AgentSummary();

  constructor(private readonly options: PipelineOptions) {
    this.incidents = new IncidentBook({ dedupeWindowMs: options.dedupeWindowMs ?? 10 * 60_000 });
  }

  get trackedPods(): number {
    return this.pods.size;
  }

  handle(event: WatchEvent): void {
    if (isPod(event.object)) this.handlePod(event);
    else if (isEvent(event.object)) this.handleEvent(event);
  }

  /** Ends the agent-summary period and reports it (if anything happened). */
  flushSummary(): void {
    const rows = this.agents.take();
    if (rows.length > 0) this.options.onNotice({ type: 'summary', rows, at: this.options.clock.now() });
  }

  private emit(alerts: Alert[]): void {
    for (const alert of alerts) {
      this.options.onRaised?.(alert);
      for (const notice of this.incidents.apply(alert)) this.options.onNotice(notice);
    }
  }

  private handlePod(event: WatchEvent): void {
    const next = snapshotPod(event.object as Parameters<typeof snapshotPod>[0], this.spare);
    this.spare = undefined;
    const prev = this.pods.get(next.uid);
    const at = this.options.clock.now();
    if (event.type === 'DELETED') {
      const last = prev ?? next;
      const alert = deletedAlert(last, this.incidents.openProblems(last.uid), at);
      if (alert) this.emit([alert]);
      this.forget(last);
      this.spare = next; // never stored
      return;
    }
    // A resync or relist hands us the very same version again: nothing happened.
    if (prev && prev.resourceVersion !== undefined && prev.resourceVersion === next.resourceVersion) {
      this.spare = next;
      return;
    }
    if (prev && prev.name === next.name && prev.namespace === next.namespace) this.pods.set(next.uid, next);
    else this.remember(next);
    // First sight as ADDED (start-up list, relist, a replay's initial ADDED): compared with its own baseline, so only
    // what is wrong with it now is reported, never its history. (A MODIFIED of a pod never seen is a change.)
    const before = prev ?? (event.type === 'ADDED' ? baselineOf(next) : undefined);
    const alerts = classifyPod(before, next, this.incidents.openProblems(next.uid), at);
    if (next.role === 'agent') this.countAgent(prev, next, alerts, at);
    this.emit(alerts);
    // `next` replaced `prev` in the map and the alerts copied what they need: nothing refers to `prev` any more.
    if (prev) this.spare = prev;
  }

  private countAgent(prev: PodSnapshot | undefined, next: PodSnapshot, alerts: Alert[], at: number): void {
    if (alerts.some((a) => a.kind === 'unschedulable')) this.agents.waiting(next.uid, next.namespace, next.instance, at);
    if (next.phase === 'Running' && prev?.phase !== 'Running') this.agents.running(next.uid, next.namespace, next.instance, at);
    const ended = (p: PodSnapshot | undefined): boolean => p?.phase === 'Succeeded' || p?.phase === 'Failed';
    // The plugin deletes agent pods when the build is done: stopped by SIGTERM (phase Failed) while terminating is not a failure.
    if (ended(next) && !ended(prev)) this.agents.finished(next.uid, next.namespace, next.instance, next.phase === 'Succeeded' || next.terminating);
  }

  private remember(pod: PodSnapshot): void {
    this.pods.set(pod.uid, pod);
    this.podByName.set(`${pod.namespace}/${pod.name}`, pod.uid);
  }

  private forget(pod: PodSnapshot): void {
    this.pods.delete(pod.uid);
    const key = `${pod.namespace}/${pod.name}`;
    if (this.podByName.get(key) === pod.uid) this.podByName.delete(key);
    this.agents.gone(pod.uid);
  }

  private handleEvent(event: WatchEvent): void {
    if (event.type === 'DELETED') return; // events expire (TTL): that says nothing about the pod
    const snap = snapshotEvent(event.object as Parameters<typeof snapshotEvent>[0]);
    if (!snap) return;
    const seen = this.eventCounts.get(snap.uid);
    if (seen !== undefined && snap.count <= seen) return; // resync duplicate
    this.eventCounts.set(snap.uid, snap.count);
    if (this.eventCounts.size > 50_000) this.eventCounts.delete(this.eventCounts.keys().next().value as string);
    if (event.seed && seen === undefined) return;
    const pod = this.podFor(snap);
    if (!pod) return;
    const alert = classifyEvent(snap, pod, this.options.clock.now());
    if (!alert) return;
    if (alert.kind === 'unschedulable' && pod.role === 'agent') this.agents.waiting(pod.uid, pod.namespace, pod.instance, alert.at);
    this.emit([alert]);
  }

  /** The pod an event is about; an event about an older pod of the same name is stale. */
  private podFor(e: EventSnapshot): PodSnapshot | undefined {
    if (e.podUid) {
      const known = this.pods.get(e.podUid);
      if (known) return known;
      const sameName = this.podByName.get(`${e.namespace}/${e.podName}`);
      if (sameName && sameName !== e.podUid) return undefined;
    } else {
      const uid = this.podByName.get(`${e.namespace}/${e.podName}`);
      const known = uid ? this.pods.get(uid) : undefined;
      if (known) return known;
    }
    // Only the event is known (e.g. a replay of events): describe the pod from it.
    return {
      uid: e.podUid ?? `${e.namespace}/${e.podName}`, namespace: e.namespace, name: e.podName, role: 'other',
      phase: 'Unknown', ready: false, scheduled: false, terminating: false, containers: [], requests: {},
    };
  }
}
