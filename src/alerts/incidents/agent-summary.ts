// Build agents come and go all day: instead of a message per pod, count them and report once per period.

export interface AgentSummaryRow {
  namespace: string;
  instance?: string;
  ran: number;
  succeeded: number;
  failed: number;
  waited: number;
  /** Longest time an agent pod waited for a node, in ms (only pods that got one). */
  longestWaitMs: number;
  /** Pods still waiting for a node when the period ended. */
  stillWaiting: number;
}

interface Tracked {
  key: string;
  waitingSince?: number;
  ran: boolean;
}

export class AgentSummary {
  private readonly rows = new Map<string, AgentSummaryRow>();
  private readonly pods = new Map<string, Tracked>();

  private row(namespace: string, instance: string | undefined): AgentSummaryRow {
    const key = `${namespace}|${instance ?? ''}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { namespace, ran: 0, succeeded: 0, failed: 0, waited: 0, longestWaitMs: 0, stillWaiting: 0 };
      if (instance) row.instance = instance;
      this.rows.set(key, row);
    }
    return row;
  }

  private tracked(uid: string, namespace: string, instance: string | undefined): Tracked {
    let t = this.pods.get(uid);
    if (!t) {
      t = { key: `${namespace}|${instance ?? ''}`, ran: false };
      this.pods.set(uid, t);
    }
    return t;
  }

  waiting(uid: string, namespace: string, instance: string | undefined, at: number): void {
    const t = this.tracked(uid, namespace, instance);
    if (t.waitingSince === undefined) {
      t.waitingSince = at;
      this.row(namespace, instance).waited++;
    }
  }

  running(uid: string, namespace: string, instance: string | undefined, at: number): void {
    const t = this.tracked(uid, namespace, instance);
    if (t.ran) return;
    t.ran = true;
    const row = this.row(namespace, instance);
    row.ran++;
    if (t.waitingSince !== undefined) row.longestWaitMs = Math.max(row.longestWaitMs, at - t.waitingSince);
    delete t.waitingSince;
  }

  finished(uid: string, namespace: string, instance: string | undefined, ok: boolean): void {
    const row = this.row(namespace, instance);
    if (ok) row.succeeded++;
    else row.failed++;
    const t = this.pods.get(uid);
    if (t) t.ran = true;
  }

  gone(uid: string): void {
    this.pods.delete(uid);
  }

  /** The rows of the period that just ended (only those with something to say); counting starts again. */
  take(): AgentSummaryRow[] {
    const waitingByKey = new Map<string, number>();
    for (const t of this.pods.values()) {
      if (t.waitingSince !== undefined) waitingByKey.set(t.key, (waitingByKey.get(t.key) ?? 0) + 1);
    }
    const out: AgentSummaryRow[] = [];
    for (const [key, row] of this.rows) {
      row.stillWaiting = waitingByKey.get(key) ?? 0;
      if (row.ran + row.failed + row.waited + row.stillWaiting > 0) out.push(row);
    }
    this.rows.clear();
    return out;
  }
}

export function describeAgentSummary(row: AgentSummaryRow): string {
  const where = row.instance ? `instance ${row.instance} (${row.namespace})` : row.namespace;
  const parts = [`${row.ran} ran`, `${row.succeeded} succeeded`, `${row.failed} failed`, `${row.waited} waited for a node`];
  if (row.longestWaitMs > 0) parts.push(`longest wait ${Math.round(row.longestWaitMs / 1000)}s`);
  if (row.stillWaiting > 0) parts.push(`${row.stillWaiting} still waiting`);
  return `Build agents in ${where}: ${parts.join(', ')}`;
}
