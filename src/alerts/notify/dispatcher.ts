// Live posting: notices → channel messages. Incidents get one root message, kept current, with a thread of changes;
// unschedulable pods get a grace period (nodes may be scaling up); a storm of the same kind in a channel is
// grouped into one message per window. Replay does none of this: it reports every notice as it comes.
import { ChannelQueue } from './channel-queue.js';
import type { Poster, QueueLogger } from './channel-queue.js';
import type { Clock, TimerHandle } from '../../kube/clock.js';
import type { LogTailReader } from './crash-logs.js';
import type { HeadroomReader } from '../classify/headroom.js';
import type { Incident } from '../incidents/incident-book.js';
import type { AlertMetrics } from '../metrics.js';
import { alertMessage, groupMessage, headroomWords, incidentRoot, summaryMessage } from './messages.js';
import type { GroupEntry, MessagePayload } from './messages.js';
import type { Notice } from '../incidents/notice.js';
import type { Routes } from './routing.js';
import { routeFor } from './routing.js';
import { schedulingHint } from '../classify/scheduling.js';
import type { Alert, Severity } from '../types.js';
import { SEVERITY_RANK } from '../types.js';

export interface DispatcherOptions {
  clock: Clock;
  poster: Poster;
  routes: Routes;
  metrics: AlertMetrics;
  logger?: QueueLogger;
  /** An unschedulable pod is posted only if still unschedulable after this long (default 60 s). */
  unschedulableGraceMs?: number;
  /** Storm grouping: after `stormThreshold` new incidents of one kind in a channel within `stormWindowMs`, the rest are grouped. */
  stormWindowMs?: number;
  stormThreshold?: number;
  /** Lowest severity posted (default info). */
  minSeverity?: Severity;
  readLogTail?: LogTailReader;
  readHeadroom?: HeadroomReader;
  queue?: { intervalMs?: number; maxQueue?: number; maxAttempts?: number; retryBaseMs?: number };
}

interface Posted {
  channel: string;
  ts?: string;
  /** A root edit is queued already: it reads the incident when sent, so one is enough. */
  editQueued: boolean;
}

interface Storm {
  individual: number[];
  buffer: Array<GroupEntry & { severity: Severity }>;
  timer?: TimerHandle;
}

export class Dispatcher {
  private readonly queues = new Map<string, ChannelQueue>();
  private readonly posted = new Map<string, Posted>();
  private readonly grouped = new Set<string>();
  private readonly held = new Map<string, TimerHandle>();
  private readonly storms = new Map<string, Storm>();
  private unrouted = 0;

  constructor(private readonly options: DispatcherOptions) {}

  /** Everything queued has been posted or given up on. */
  async idle(): Promise<void> {
    for (const queue of this.queues.values()) await queue.idle();
  }

  stop(): void {
    for (const t of this.held.values()) this.options.clock.clearTimeout(t);
    for (const s of this.storms.values()) if (s.timer) this.options.clock.clearTimeout(s.timer);
    for (const q of this.queues.values()) q.stop();
  }

  handle(notice: Notice): void {
    if (notice.type === 'summary') {
      const channel = this.options.routes.default;
      if (channel) this.queue(channel).enqueue({ kind: 'agent-summary', about: 'agents', build: () => summaryMessage(notice.rows) });
      return;
    }
    const alert = notice.alert;
    if (notice.type === 'lifecycle') {
      if (this.tooQuiet(alert.severity)) return;
      const channel = this.route(alert);
      if (channel) this.newThing(channel, alert, undefined);
      return;
    }
    const incident = notice.incident;
    switch (notice.type) {
      case 'open': return this.open(incident, alert);
      case 'update': return this.update(incident, alert, true);
      case 'refresh': return this.update(incident, alert, false);
      case 'resolve': return this.resolve(incident, alert);
    }
  }

  private tooQuiet(severity: Severity): boolean {
    return SEVERITY_RANK[severity] < SEVERITY_RANK[this.options.minSeverity ?? 'info'];
  }

  private route(alert: Alert): string | undefined {
    const channel = routeFor(this.options.routes, alert);
    if (!channel) {
      this.unrouted++;
      this.options.metrics.dropped.inc({ reason: 'no_channel' });
      if (this.unrouted === 1) this.options.logger?.error({ kind: alert.kind }, 'alert has no channel: set ALERT_CHANNEL or ALERT_ROUTES.default');
    }
    return channel;
  }

  private queue(channel: string): ChannelQueue {
    let q = this.queues.get(channel);
    if (!q) {
      q = new ChannelQueue({ channel, poster: this.options.poster, clock: this.options.clock, metrics: this.options.metrics, logger: this.options.logger, ...this.options.queue });
      this.queues.set(channel, q);
    }
    return q;
  }

  private open(incident: Incident, alert: Alert): void {
    if (this.tooQuiet(incident.severity)) return;
    if (alert.kind === 'unschedulable' && !this.held.has(incident.id)) {
      // Nodes may be scaling up: only a pod still waiting after the grace period is news.
      const timer = this.options.clock.setTimeout(() => {
        this.held.delete(incident.id);
        if (incident.closedAt === undefined) this.postIncident(incident);
      }, this.options.unschedulableGraceMs ?? 60_000);
      this.held.set(incident.id, timer);
      return;
    }
    this.postIncident(incident);
  }

  private postIncident(incident: Incident): void {
    const channel = this.route(incident.first);
    if (!channel) return;
    this.newThing(channel, incident.first, incident);
  }

  /** A new incident or lifecycle message: posted on its own, unless a storm of its kind is going on in the channel. */
  private newThing(channel: string, alert: Alert, incident: Incident | undefined): void {
    const key = `${channel}|${alert.kind}`;
    const now = this.options.clock.now();
    const window = this.options.stormWindowMs ?? 60_000;
    const storm = this.storms.get(key) ?? { individual: [], buffer: [] };
    this.storms.set(key, storm);
    storm.individual = storm.individual.filter((t) => now - t < window);
    if (storm.individual.length >= (this.options.stormThreshold ?? 3)) {
      if (incident) this.grouped.add(incident.id);
      this.options.metrics.grouped.inc({ kind: alert.kind });
      storm.buffer.push({ namespace: alert.namespace, pod: alert.pod, severity: incident?.severity ?? alert.severity });
      storm.timer ??= this.options.clock.setTimeout(() => this.flushStorm(channel, alert.kind, storm), window);
      return;
    }
    storm.individual.push(now);
    if (!incident) {
      this.queue(channel).enqueue({ kind: alert.kind, about: `${alert.namespace}/${alert.pod}`, build: () => alertMessage(alert) });
      return;
    }
    const posted: Posted = { channel, editQueued: false };
    this.posted.set(incident.id, posted);
    this.queue(channel).enqueue({
      kind: alert.kind,
      about: `${alert.namespace}/${alert.pod}`,
      build: async () => incidentRoot({ ...incident, first: await this.enrich(incident.first) }),
      onPosted: (ts) => { if (ts) posted.ts = ts; },
    });
  }

  private flushStorm(channel: string, kind: string, storm: Storm): void {
    delete storm.timer;
    const entries = storm.buffer.splice(0);
    if (entries.length === 0) return;
    const severity = entries.reduce<Severity>((s, e) => (SEVERITY_RANK[e.severity] > SEVERITY_RANK[s] ? e.severity : s), 'info');
    this.queue(channel).enqueue({ kind, about: `${entries.length} pods`, build: () => groupMessage(kind, severity, entries, 'grouped: many pods at once') });
  }

  private update(incident: Incident, alert: Alert, newKind: boolean): void {
    if (this.grouped.has(incident.id)) {
      this.options.metrics.grouped.inc({ kind: alert.kind });
      return;
    }
    const posted = this.posted.get(incident.id);
    if (!posted) {
      // Still in its grace period (the root will show the latest state), or below minSeverity until now.
      if (!this.held.has(incident.id) && !this.tooQuiet(incident.severity)) this.postIncident(incident);
      return;
    }
    const q = this.queue(posted.channel);
    if (newKind) {
      q.enqueue({
        kind: alert.kind,
        about: `${alert.namespace}/${alert.pod}`,
        build: async () => ({ ...alertMessage(await this.enrich(alert)), ...(posted.ts ? { threadTs: posted.ts } : {}) }),
      });
    }
    this.editRoot(incident, posted);
  }

  private editRoot(incident: Incident, posted: Posted): void {
    if (posted.editQueued) return;
    posted.editQueued = true;
    this.queue(posted.channel).enqueue({
      kind: 'edit',
      about: `${incident.namespace}/${incident.pod}`,
      build: (): MessagePayload | undefined => {
        posted.editQueued = false;
        return posted.ts ? { ...incidentRoot(incident), updateTs: posted.ts } : undefined;
      },
    });
  }

  private resolve(incident: Incident, alert: Alert): void {
    const held = this.held.get(incident.id);
    if (held) {
      // Solved within the grace period: nobody needs to hear about it.
      this.options.clock.clearTimeout(held);
      this.held.delete(incident.id);
      return;
    }
    if (this.grouped.delete(incident.id)) {
      const channel = this.route(incident.first);
      if (channel) this.newThing(channel, alert, undefined);
      return;
    }
    const posted = this.posted.get(incident.id);
    if (!posted) return;
    this.posted.delete(incident.id);
    this.queue(posted.channel).enqueue({
      kind: alert.kind,
      about: `${alert.namespace}/${alert.pod}`,
      build: () => ({ ...alertMessage(alert), ...(posted.ts ? { threadTs: posted.ts } : {}) }),
    });
    this.editRoot(incident, posted);
  }

  /** Adds what needs the cluster: the crashed container's last log lines, the headroom for a scheduling hint. */
  private async enrich(alert: Alert): Promise<Alert> {
    const out = { ...alert };
    if (alert.crash && !alert.crash.logTail && this.options.readLogTail) {
      const tail = await this.options.readLogTail(alert.namespace, alert.pod, alert.crash.container);
      if (tail) out.crash = { ...alert.crash, logTail: tail };
    }
    if (alert.scheduling && !alert.scheduling.headroom && this.options.readHeadroom) {
      const headroom = await this.options.readHeadroom();
      if (headroom) {
        const s = alert.scheduling;
        const hint = schedulingHint({ reasons: s.reasons, requests: { ...s.requests }, headroom });
        out.scheduling = { ...s, headroom: headroomWords(headroom), hint };
      }
    }
    return out;
  }
}
