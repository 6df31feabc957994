// The single message a command talks through: posted once (chat.postMessage), then edited (chat.update) for each
// progress step and the result. Updates are coalesced: while one call is in flight or the per-message interval
// has not passed, only the newest content waits, so a chatty command never queues stale steps. A 429 postpones
// the next edit by Retry-After instead of stalling the client's shared queue. When the bot cannot post in the
// conversation (a DM, a private channel it is not in), it falls back to the command's response_url.
import type { Logger } from '../../observability/logger.js';
import type { RenderedMessage } from './block-kit.js';
import type { ResponseUrl } from './response-url.js';
import { CANNOT_POST_HERE, SlackCallError, type MessageRef, type SlackApi } from './slack-api.js';

export interface ProgressMessageOptions {
  api: SlackApi;
  channel: string;
  /** Edit this message instead of posting a new one (a clicked confirmation becomes the progress message). */
  existing?: MessageRef;
  /** Used when the bot cannot post or edit in the conversation. */
  fallback?: ResponseUrl;
  /** The fallback URL belongs to `existing`, so the first fallback post replaces it. */
  fallbackReplacesOriginal?: boolean;
  /** Minimum time between two edits of this message (Slack allows about one a second). */
  minIntervalMs?: number;
  /** Consecutive 429 answers tolerated before an update is dropped. */
  maxRateLimitRetries?: number;
  logger?: Logger;
  /** Awaited before each Slack call: lets acknowledgements of incoming commands go first. */
  beforeSend?: () => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

interface PendingUpdate {
  message: RenderedMessage;
  final: boolean;
}

export const DEFAULT_UPDATE_INTERVAL_MS = 1000;

export class ProgressMessage {
  private ref: MessageRef | undefined;
  private pending: PendingUpdate | undefined;
  private running = false;
  private drained: Promise<void> = Promise.resolve();
  private nextAllowedAt = 0;
  private viaFallback = false;
  private fallbackPosted = false;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: ProgressMessageOptions) {
    this.ref = options.existing;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  /** The message being edited, once it exists. */
  get messageRef(): MessageRef | undefined {
    return this.ref;
  }

  /**
   * Shows `message` (or a newer one) as soon as allowed. The promise settles when the queue is empty; it never
   * rejects: a display failure must not abort the command's work.
   */
  show(message: RenderedMessage, final = false): Promise<void> {
    this.pending = { message, final };
    if (!this.running) {
      this.running = true;
      this.drained = this.drain();
    }
    return this.drained;
  }

  /** Settles when everything shown so far has been delivered (or given up on). */
  settled(): Promise<void> {
    return this.drained;
  }

  private async drain(): Promise<void> {
    let rateLimitStreak = 0;
    try {
      while (this.pending) {
        const wait = this.nextAllowedAt - this.now();
        if (wait > 0) await this.sleep(wait);
        await this.options.beforeSend?.();
        const item = this.pending;
        if (!item) break;
        this.pending = undefined;
        try {
          await this.deliver(item);
          rateLimitStreak = 0;
          this.nextAllowedAt = this.now() + (this.options.minIntervalMs ?? DEFAULT_UPDATE_INTERVAL_MS);
        } catch (err) {
          const retry = this.retryPlan(err, rateLimitStreak);
          if (retry === 'give-up') {
            this.options.logger?.error({ err, channel: this.options.channel }, 'could not show a command message in Slack');
            continue;
          }
          if (retry === 'rate-limited') rateLimitStreak += 1;
          // Only retry this content if nothing newer arrived meanwhile.
          this.pending ??= item;
        }
      }
    } finally {
      this.running = false;
    }
  }

  private retryPlan(err: unknown, rateLimitStreak: number): 'rate-limited' | 'again' | 'give-up' {
    if (!(err instanceof SlackCallError)) return 'give-up';
    if (err.rateLimited) {
      if (rateLimitStreak >= (this.options.maxRateLimitRetries ?? 5)) return 'give-up';
      this.nextAllowedAt = this.now() + (err.retryAfterSeconds ?? 1) * 1000;
      return 'rate-limited';
    }
    if (err.slackCode === 'message_not_found' && this.ref && !this.viaFallback) {
      // Someone deleted the progress message: start a new one.
      this.ref = undefined;
      return 'again';
    }
    if (CANNOT_POST_HERE.has(err.slackCode) && this.options.fallback && !this.viaFallback) {
      this.viaFallback = true;
      return 'again';
    }
    return 'give-up';
  }

  private async deliver(item: PendingUpdate): Promise<void> {
    if (this.viaFallback) {
      await this.deliverViaResponseUrl(item);
      return;
    }
    if (this.ref) {
      await this.options.api.update(this.ref, item.message);
    } else {
      this.ref = await this.options.api.postMessage(this.options.channel, item.message);
    }
  }

  private async deliverViaResponseUrl(item: PendingUpdate): Promise<void> {
    const fallback = this.options.fallback;
    // Keep one use of the response_url for the result; intermediate steps are skipped once it runs low.
    if (!fallback || !fallback.available(item.final ? 0 : 1)) return;
    const replaceOriginal = this.fallbackPosted || (this.options.fallbackReplacesOriginal ?? false);
    const ok = await fallback.post(item.message, { responseType: 'in_channel', replaceOriginal, keep: item.final ? 0 : 1 });
    if (ok) this.fallbackPosted = true;
    else this.options.logger?.warn({ channel: this.options.channel }, 'could not answer through the response_url either');
  }
}
