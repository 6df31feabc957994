// Posting to one channel: one message at a time, at most one a second, honouring Retry-After, retrying failures
// a bounded number of times. The queue is bounded too: what does not fit is counted and posted later as one
// summary message, so nothing disappears silently.
import type { Clock, TimerHandle } from '../../kube/clock.js';
import type { AlertMetrics } from '../metrics.js';
import type { MessagePayload } from './messages.js';

export interface Poster {
  /** Posts (or edits, with updateTs) and returns the message's ts. */
  send(channel: string, payload: MessagePayload): Promise<{ ts?: string }>;
}

export interface QueuedMessage {
  /** Alert kind (or "summary"), for the overflow summary and metrics. */
  kind: string;
  /** What it is about (namespace/pod), for the overflow summary. */
  about: string;
  /** Built when its turn comes: thread ts and log tails are known by then. Undefined = nothing to send anymore. */
  build: () => Promise<MessagePayload | undefined> | MessagePayload | undefined;
  onPosted?: (ts: string | undefined) => void;
  /** Called when the message is given up on (after retries, or a permanent error). */
  onDropped?: () => void;
}

export interface QueueLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ChannelQueueOptions {
  channel: string;
  poster: Poster;
  clock: Clock;
  metrics: AlertMetrics;
  logger?: QueueLogger;
  /** Spacing between posts; Slack allows about one message a second per channel. */
  intervalMs?: number;
  maxQueue?: number;
  maxAttempts?: number;
  /** First retry delay after an error (doubles each attempt). */
  retryBaseMs?: number;
}

type Disposition = { type: 'rate-limited'; retryAfterMs: number } | { type: 'transient'; why: string } | { type: 'permanent'; why: string };

const TRANSIENT_SLACK_ERRORS = new Set(['ratelimited', 'rate_limited', 'service_unavailable', 'internal_error', 'fatal_error', 'request_timeout', 'team_added_to_org']);

/** Reads @slack/web-api errors by their documented `code` (and fields), without depending on their classes. */
export function disposition(err: unknown): Disposition {
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string } };
  if (e?.code === 'slack_webapi_rate_limited_error') return { type: 'rate-limited', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000 };
  if (e?.code === 'slack_webapi_http_error') {
    return (e.statusCode ?? 0) >= 500 || e.statusCode === 408 ? { type: 'transient', why: `HTTP ${e.statusCode}` } : { type: 'permanent', why: `HTTP ${e.statusCode}` };
  }
  if (e?.code === 'slack_webapi_request_error') return { type: 'transient', why: 'network' };
  if (e?.code === 'slack_webapi_platform_error') {
    const code = e.data?.error ?? 'unknown';
    return TRANSIENT_SLACK_ERRORS.has(code) ? { type: 'transient', why: code } : { type: 'permanent', why: code };
  }
  return { type: 'transient', why: err instanceof Error ? err.message : String(err) };
}

interface Entry {
  message: QueuedMessage;
  attempts: number;
}

export class ChannelQueue {
  private readonly items: Entry[] = [];
  private readonly overflow = new Map<string, string[]>();
  private overflowCount = 0;
  private nextAt = 0;
  private timer: TimerHandle | undefined;
  private sending = false;
  private readonly idleWaiters: Array<() => void> = [];
  readonly channel: string;

  constructor(private readonly options: ChannelQueueOptions) {
    this.channel = options.channel;
  }

  get length(): number {
    return this.items.length;
  }

  get overflowPending(): number {
    return this.overflowCount;
  }

  enqueue(message: QueuedMessage): void {
    if (this.items.length >= (this.options.maxQueue ?? 100)) {
      this.spill(message, 'overflow');
    } else {
      this.items.push({ message, attempts: 0 });
    }
    this.schedule();
  }

  /** Resolves when everything queued (and any overflow summary) has been handled. */
  idle(): Promise<void> {
    if (this.items.length === 0 && !this.sending && this.overflowCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    if (this.timer) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private spill(message: QueuedMessage, reason: string): void {
    this.options.metrics.dropped.inc({ reason });
    const list = this.overflow.get(message.kind) ?? [];
    list.push(message.about);
    this.overflow.set(message.kind, list);
    this.overflowCount++;
  }

  private schedule(): void {
    if (this.sending || this.timer) return;
    if (this.items.length === 0 && this.overflowCount > 0) this.items.push({ message: this.overflowSummary(), attempts: 0 });
    if (this.items.length === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      return;
    }
    const wait = Math.max(0, this.nextAt - this.options.clock.now());
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      void this.sendHead();
    }, wait);
  }

  private overflowSummary(): QueuedMessage {
    const kinds = [...this.overflow.entries()];
    const count = this.overflowCount;
    this.overflow.clear();
    this.overflowCount = 0;
    const parts = kinds.map(([kind, about]) => `${about.length} ${kind} (${about.slice(0, 10).join(', ')}${about.length > 10 ? ', …' : ''})`);
    const text = `:warning: ${count} alert message${count === 1 ? ' was' : 's were'} not posted one by one (channel queue full or Slack failing): ${parts.join('; ')}`;
    return { kind: 'overflow-summary', about: this.channel, build: () => ({ text }) };
  }

  private async sendHead(): Promise<void> {
    const entry = this.items[0];
    if (!entry) return this.schedule();
    this.sending = true;
    const { clock, metrics, poster } = this.options;
    try {
      const payload = await entry.message.build();
      if (payload) {
        const result = await poster.send(this.channel, payload);
        metrics.posted.inc({ channel: this.channel });
        entry.message.onPosted?.(result.ts);
      }
      this.items.shift();
      this.nextAt = clock.now() + (payload ? this.options.intervalMs ?? 1000 : 0);
    } catch (err) {
      this.failed(entry, disposition(err));
    } finally {
      this.sending = false;
      this.schedule();
    }
  }

  private failed(entry: Entry, d: Disposition): void {
    const { clock, metrics, logger } = this.options;
    if (d.type === 'rate-limited') {
      // Not an attempt used up: Slack said when to come back.
      metrics.retried.inc({ reason: 'rate_limited' });
      this.nextAt = clock.now() + d.retryAfterMs;
      logger?.warn({ channel: this.channel, retryAfterMs: d.retryAfterMs }, 'Slack rate limit: pausing this channel');
      return;
    }
    entry.attempts++;
    if (d.type === 'transient' && entry.attempts < (this.options.maxAttempts ?? 5)) {
      metrics.retried.inc({ reason: 'error' });
      this.nextAt = clock.now() + (this.options.retryBaseMs ?? 2000) * 2 ** (entry.attempts - 1);
      logger?.warn({ channel: this.channel, why: d.why, attempt: entry.attempts }, 'Slack post failed; will retry');
      return;
    }
    this.items.shift();
    entry.message.onDropped?.();
    logger?.error({ channel: this.channel, why: d.why, kind: entry.message.kind, about: entry.message.about }, 'Slack post given up');
    if (d.type === 'permanent') {
      // e.g. channel_not_found / not_in_channel: posting a summary to the same channel would fail too.
      metrics.dropped.inc({ reason: d.why });
    } else {
      this.spill(entry.message, 'failed');
    }
  }
}
