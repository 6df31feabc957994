// Commands run after their ack, at most `concurrency` at a time, and only once deliveries have paused for a moment.
// A burst of commands is therefore acknowledged first (Slack's 3 s) and worked on second: the work behind them —
// renders, Kubernetes and Slack API calls — does not compete with the acks for the event loop, and the APIs behind
// the bot are not flooded. A steady stream cannot starve the work: it waits at most `maxDeferMs`.

export const DEFAULT_COMMAND_CONCURRENCY = 8;

export interface WorkQueueOptions {
  concurrency?: number;
  /** Work starts once no command arrived for this long. */
  quietMs?: number;
  /** …or after this long at the latest. */
  maxDeferMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class WorkQueue {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private lastArrival = Number.NEGATIVE_INFINITY;
  private readonly concurrency: number;
  private readonly quietMs: number;
  private readonly maxDeferMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: WorkQueueOptions = {}) {
    this.concurrency = options.concurrency ?? DEFAULT_COMMAND_CONCURRENCY;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new RangeError(`concurrency must be a whole number ≥ 1, got ${this.concurrency}`);
    }
    this.quietMs = options.quietMs ?? 50;
    this.maxDeferMs = options.maxDeferMs ?? 500;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Commands waiting for a free slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** A command was delivered (called before its ack). */
  arrived(): void {
    this.lastArrival = this.now();
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.whenQuiet();
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }

  /** Resolves once deliveries have paused for `quietMs` (or `maxDeferMs` passed). */
  async whenQuiet(): Promise<void> {
    const deadline = this.now() + this.maxDeferMs;
    for (;;) {
      const wait = Math.min(this.lastArrival + this.quietMs, deadline) - this.now();
      if (wait <= 0) return;
      await this.sleep(wait);
    }
  }
}
