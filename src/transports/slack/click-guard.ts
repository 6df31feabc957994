// Best-effort memory of confirmation buttons handled on THIS replica, so a double click does not even reach the
// runner. It is an optimisation for the UI, not the safety net: the runner honours a token at most once on any
// replica, and the clicked buttons are replaced as soon as a click is accepted.
type Entry = { state: 'running'; settled: Promise<void>; release: () => void; at: number } | { state: 'accepted'; at: number };

export class ClickGuard {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = 30 * 60_000,
    private readonly maxEntries = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Resolves true when this click may go to the runner, false when an earlier click on the same token was
   * accepted. A click that arrives while another is being handled waits for it: if that one is refused (wrong
   * user), this one still gets its turn.
   */
  async claim(token: string): Promise<boolean> {
    this.evict();
    for (let entry = this.entries.get(token); entry; entry = this.entries.get(token)) {
      if (entry.state === 'accepted') return false;
      await entry.settled;
    }
    let release!: () => void;
    const settled = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.entries.set(token, { state: 'running', settled, release, at: this.now() });
    return true;
  }

  /** An accepted click is remembered; a refused one frees the buttons for the right person. */
  finish(token: string, accepted: boolean): void {
    const entry = this.entries.get(token);
    if (accepted) this.entries.set(token, { state: 'accepted', at: this.now() });
    else this.entries.delete(token);
    if (entry?.state === 'running') entry.release();
  }

  private evict(): void {
    const oldest = this.now() - this.ttlMs;
    for (const [token, entry] of this.entries) {
      if (entry.state === 'accepted' && (entry.at < oldest || this.entries.size > this.maxEntries)) this.entries.delete(token);
    }
  }
}
