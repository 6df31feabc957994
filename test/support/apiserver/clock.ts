// The server's notion of time. Tests move it explicitly (tick/advance), so timestamps and controller progress are
// deterministic; nothing in the model reads the wall clock.
export class Clock {
  private ms: number;

  constructor(start = '2026-01-01T00:00:00Z') {
    this.ms = Date.parse(start);
  }

  now(): Date {
    return new Date(this.ms);
  }

  /** RFC 3339 at second precision, as metav1.Time serialises. */
  iso(): string {
    return new Date(this.ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** metav1.MicroTime (Lease renewTime, Event eventTime). */
  microIso(): string {
    return new Date(this.ms).toISOString().replace(/Z$/, '000Z');
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
