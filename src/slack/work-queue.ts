// Commands run after their ack, at most `concurrency` at a time. A burst of commands is acknowledged at once
// (Slack's 3 s), while the work behind them — renders, Kubernetes and Slack API calls — is paced instead of
// competing with the acks for the event loop, and the APIs behind the bot are not flooded.

export const DEFAULT_COMMAND_CONCURRENCY = 8;

export class WorkQueue {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly concurrency: number = DEFAULT_COMMAND_CONCURRENCY) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a whole number ≥ 1, got ${concurrency}`);
  }

  /** Commands waiting for a free slot. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
}
