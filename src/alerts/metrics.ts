// Counters for the alert path: raised (classified), posted (reached Slack), grouped (folded into a storm or
// overflow message), retried (a post that failed and was queued again) and dropped (gave up; always also logged
// and, where possible, summarised in the channel).
import { Counter, Gauge, Registry } from 'prom-client';

export interface AlertMetrics {
  raised: Counter<'kind' | 'severity'>;
  posted: Counter<'channel'>;
  grouped: Counter<'kind'>;
  retried: Counter<'reason'>;
  dropped: Counter<'reason'>;
  /** 1 while the watch of a resource in a namespace runs, 0 while it is down (retried with backoff, never given up). */
  watchUp: Gauge<'namespace' | 'resource'>;
  /** Watch failures, each followed by a retry. */
  watchFailures: Counter<'namespace' | 'resource'>;
  /** 1 while this replica holds the alert lease (or runs alone). */
  leader: Gauge;
}

const byRegistry = new WeakMap<Registry, AlertMetrics>();

/** One set of counters per registry (the bot's, or a fresh one in tests). */
export function alertMetrics(registry: Registry = new Registry()): AlertMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const metrics: AlertMetrics = {
    raised: new Counter({ name: 'alerts_raised_total', help: 'Alerts classified from pod and event changes.', labelNames: ['kind', 'severity'] as const, registers: [registry] }),
    posted: new Counter({ name: 'alerts_posted_total', help: 'Alert messages posted to Slack (or printed).', labelNames: ['channel'] as const, registers: [registry] }),
    grouped: new Counter({ name: 'alerts_grouped_total', help: 'Alerts folded into a grouped (storm or overflow) message.', labelNames: ['kind'] as const, registers: [registry] }),
    retried: new Counter({ name: 'alerts_retried_total', help: 'Slack posts retried after a rate limit or error.', labelNames: ['reason'] as const, registers: [registry] }),
    dropped: new Counter({ name: 'alerts_dropped_total', help: 'Alert messages given up on (logged; summarised in the channel when possible).', labelNames: ['reason'] as const, registers: [registry] }),
    watchUp: new Gauge({ name: 'alerts_watch_up', help: 'Whether the watch of a resource in a namespace runs (1) or is down and being retried (0).', labelNames: ['namespace', 'resource'] as const, registers: [registry] }),
    watchFailures: new Counter({ name: 'alerts_watch_failures_total', help: 'Watch failures; each is retried with backoff, forever.', labelNames: ['namespace', 'resource'] as const, registers: [registry] }),
    leader: new Gauge({ name: 'alerts_leader', help: 'Whether this replica holds the alert lease and posts (1) or follows (0).', registers: [registry] }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
