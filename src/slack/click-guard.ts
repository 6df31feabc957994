// Best-effort memory of confirmation buttons being handled on THIS replica, so a double click does not even reach
// the runner. It is an optimisation for the UI, not the safety net: the runner honours a token at most once on
// any replica, and the clicked buttons are replaced as soon as a click is accepted.
export class ClickGuard {
  private readonly entries = new Map<string, { state: 'running' | 'done'; at: number }>();

  constructor(
    private readonly ttlMs = 30 * 60_000,
    private readonly maxEntries = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** False when this token is already being handled or was accepted. */
  begin(token: string): boolean {
    this.evict();
    if (this.entries.has(token)) return false;
    this.entries.set(token, { state: 'running', at: this.now() });
    return true;
  }

  /** An accepted click stays remembered; a refused one (wrong user) frees the buttons for the right person. */
  finish(token: string, accepted: boolean): void {
    if (accepted) this.entries.set(token, { state: 'done', at: this.now() });
    else this.entries.delete(token);
  }

  private evict(): void {
    const oldest = this.now() - this.ttlMs;
    for (const [token, entry] of this.entries) {
      if (entry.at < oldest || this.entries.size > this.maxEntries) this.entries.delete(token);
    }
  }
}
