// Prometheus metrics for the bot. One registry per process (or per test), never prom-client's global one, so that
// tests and several bots in one process do not collide.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface BotMetrics {
  registry: Registry;
  /** Labels: command (first word, from a fixed list), result (ok, error, denied, confirm, ignored_retry, …). */
  commandsTotal: Counter<'command' | 'result'>;
  commandDurationSeconds: Histogram<'command'>;
  /** Labels: method (e.g. chat.update), code (Slack error code such as `ratelimited`, `channel_not_found`). */
  slackApiErrorsTotal: Counter<'method' | 'code'>;
}

export interface MetricsOptions {
  /** Also export process metrics (CPU, memory, event loop lag). On in production, off in tests. */
  defaultMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): BotMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    commandsTotal: new Counter({
      name: 'commands_total',
      help: 'Commands received, by command name and result.',
      labelNames: ['command', 'result'] as const,
      registers: [registry],
    }),
    commandDurationSeconds: new Histogram({
      name: 'command_duration_seconds',
      help: 'Time from acknowledging a command to its final answer.',
      labelNames: ['command'] as const,
      // Commands range from instant (help) to minutes (deploy waiting for rollout).
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers: [registry],
    }),
    slackApiErrorsTotal: new Counter({
      name: 'slack_api_errors_total',
      help: 'Failed Slack Web API calls, by method and Slack error code.',
      labelNames: ['method', 'code'] as const,
      registers: [registry],
    }),
  };
}
