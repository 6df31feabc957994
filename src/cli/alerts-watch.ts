// `alerts --watch` as a long-running process: it never exits on its own. A watch that fails is retried with backoff
// forever (src/alerts/watch/informer-source.ts); meanwhile its state shows on /readyz (503 until every watch runs
// again) and in /metrics (alerts_watch_up, alerts_watch_failures_total, alerts_leader). Only SIGINT/SIGTERM (or the
// caller's signal) stops it, after posting what is queued and releasing the lease.
//
// Why a keep-alive is needed: the alerter's timers (lease rounds, watch retries) are unref'd so that tests and the bot
// can stop cleanly; with only those pending, Node would end the process with status 0 as soon as a watch failed.
import type { KubeConfig } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import type { AlertConfig } from '../alerts/config.js';
import type { Alerter, AlerterOptions } from '../alerts/alerter.js';
import type { HealthServer, HealthServerOptions } from '../observability/health-server.js';

export interface AlertsWatchDeps {
  kubeConfig: KubeConfig;
  config: AlertConfig;
  startAlerter: (options: AlerterOptions) => Alerter;
  startHealthServer: (options: HealthServerOptions) => Promise<HealthServer>;
  logger?: AlerterOptions['logger'] & HealthServerOptions['logger'];
  /** Health port (default HEALTH_PORT, then 8081). */
  healthPort?: number;
  /** Stops the watch (tests); SIGINT and SIGTERM always do. */
  signal?: AbortSignal;
}

export async function runAlertsWatch(deps: AlertsWatchDeps): Promise<void> {
  const registry = new Registry();
  const alerter = deps.startAlerter({ kubeConfig: deps.kubeConfig, config: deps.config, registry, ...(deps.logger ? { logger: deps.logger } : {}) });
  const keepAlive = setInterval(() => undefined, 60_000);
  let health: HealthServer | undefined;
  try {
    health = await deps.startHealthServer({
      registry,
      readiness: { alerts: () => alerter.healthy },
      ...(deps.healthPort !== undefined ? { port: deps.healthPort } : {}),
      ...(deps.logger ? { logger: deps.logger } : {}),
    });
    await new Promise<void>((resolve) => {
      const done = (): void => {
        process.off('SIGINT', done);
        process.off('SIGTERM', done);
        deps.signal?.removeEventListener('abort', done);
        resolve();
      };
      process.on('SIGINT', done);
      process.on('SIGTERM', done);
      if (deps.signal?.aborted) done();
      else deps.signal?.addEventListener('abort', done);
    });
  } finally {
    clearInterval(keepAlive);
    await alerter.stop();
    await health?.close();
  }
}
