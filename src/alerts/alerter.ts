// The live alerter, wired: (leader only) informers → pipeline → dispatcher → Slack (or stdout without Slack).
// `startAlerter` is what `alerts --watch` and the bot's `start` command call.
import { CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { Poster, QueueLogger } from './notify/channel-queue.js';
import { systemClock } from '../kube/clock.js';
import type { Clock, TimerHandle } from '../kube/clock.js';
import type { AlertConfig } from './config.js';
import { previousLogReader } from './notify/crash-logs.js';
import { Dispatcher } from './notify/dispatcher.js';
import { cachedHeadroomReader } from './classify/headroom.js';
import { LeaderElector } from '../kube/lease/leader-election.js';
import { alertMetrics } from './metrics.js';
import type { AlertMetrics } from './metrics.js';
import { AlertPipeline } from './pipeline.js';
import { webClientPoster } from './notify/slack-poster.js';
import { createSlackWebClient } from '../slack-client/web-client.js';
import { InformerSource } from './watch/informer-source.js';
import type { WatchStatus } from './watch/informer-source.js';

export interface AlerterLogger extends QueueLogger {
  info(obj: object, msg: string): void;
}

export interface AlerterOptions {
  kubeConfig: KubeConfig;
  config: AlertConfig;
  /** Where messages go; default Slack when config.slackToken is set, else `print`. */
  poster?: Poster;
  /** Without Slack: how a message is shown (default: one line on stdout). */
  print?: (line: string) => void;
  clock?: Clock;
  registry?: Registry;
  logger?: AlerterLogger;
  slackApiUrl?: string;
}

export interface Alerter {
  readonly isLeader: boolean;
  /** Leader with every watch running, or a follower (nothing to watch): for readiness probes. */
  readonly healthy: boolean;
  readonly metrics: AlertMetrics;
  /** Stops watching, posts what is queued, and releases the lease. */
  stop(): Promise<void>;
}

function printPoster(print: (line: string) => void): Poster {
  let n = 0;
  return {
    async send(channel, payload) {
      const where = payload.threadTs ? ` (thread ${payload.threadTs})` : payload.updateTs ? ` (edit ${payload.updateTs})` : '';
      print(`${channel}${where}: ${payload.text}`);
      return { ts: payload.updateTs ?? `${++n}.000000` };
    },
  };
}

export function startAlerter(options: AlerterOptions): Alerter {
  const { kubeConfig, config, logger } = options;
  const clock = options.clock ?? systemClock;
  const metrics = alertMetrics(options.registry);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const poster = options.poster
    ?? (config.slackToken ? webClientPoster(createSlackWebClient(config.slackToken, options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}))
      : printPoster(options.print ?? ((line) => process.stdout.write(`${line}\n`))));
  const routes = config.slackToken || options.poster ? config.routes : { ...config.routes, default: config.routes.default ?? 'stdout' };

  let dispatcher: Dispatcher | undefined;
  let pipeline: AlertPipeline | undefined;
  let source: InformerSource | undefined;
  let summaryTimer: TimerHandle | undefined;

  const scheduleSummary = (): void => {
    if (config.summaryIntervalMs <= 0) return;
    summaryTimer = clock.setTimeout(() => {
      pipeline?.flushSummary();
      scheduleSummary();
    }, config.summaryIntervalMs);
  };

  const begin = (): void => {
    logger?.info({ namespaces: config.namespaces }, 'alerter: leading, watching pods and events');
    metrics.leader.set(1);
    for (const namespace of config.namespaces) for (const resource of ['pods', 'events']) metrics.watchUp.set({ namespace, resource }, 0);
    dispatcher = new Dispatcher({
      clock, poster, routes, metrics, logger,
      unschedulableGraceMs: config.unschedulableGraceMs,
      stormThreshold: config.stormThreshold,
      stormWindowMs: config.stormWindowMs,
      minSeverity: config.minSeverity,
      readLogTail: previousLogReader(core, config.logTailLines),
      readHeadroom: cachedHeadroomReader(core, clock),
    });
    const d = dispatcher;
    pipeline = new AlertPipeline({
      clock,
      dedupeWindowMs: config.dedupeWindowMs,
      onNotice: (n) => d.handle(n),
      onRaised: (a) => metrics.raised.inc({ kind: a.kind, severity: a.severity }),
    });
    const p = pipeline;
    source = new InformerSource({
      kubeConfig, namespaces: config.namespaces, clock,
      onEvent: (e) => p.handle(e),
      onStatus: (s: WatchStatus) => {
        metrics.watchUp.set({ namespace: s.namespace, resource: s.resource }, s.state === 'watching' ? 1 : 0);
        if (s.state === 'down') {
          metrics.watchFailures.inc({ namespace: s.namespace, resource: s.resource });
          logger?.error({ ...s }, `alerter: watch of ${s.resource} in ${s.namespace} is down; retrying in ${Math.round((s.retryInMs ?? 0) / 1000)}s`);
        }
      },
    });
    void source.start();
    scheduleSummary();
  };

  const end = async (): Promise<void> => {
    metrics.leader.set(0);
    metrics.watchUp.reset();
    if (summaryTimer) clock.clearTimeout(summaryTimer);
    summaryTimer = undefined;
    await source?.stop();
    source = undefined;
    await dispatcher?.idle();
    dispatcher?.stop();
    dispatcher = undefined;
    pipeline = undefined;
  };

  let stopping = false;
  const elector = config.lease.enabled
    ? new LeaderElector({
      api: kubeConfig.makeApiClient(CoordinationV1Api),
      namespace: config.lease.namespace,
      name: config.lease.name,
      identity: config.lease.identity,
      clock,
      leaseDurationMs: config.lease.durationMs,
      retryPeriodMs: Math.max(1000, Math.floor(config.lease.durationMs / 5)),
      onStartedLeading: begin,
      onStoppedLeading: () => {
        if (stopping) return;
        logger?.warn({ identity: config.lease.identity }, 'alerter: lost the lease; another replica posts alerts now');
        void end();
      },
      onError: (err) => logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'alerter: lease request failed'),
    })
    : undefined;
  if (elector) elector.start();
  else begin();

  return {
    get isLeader() {
      return elector ? elector.isLeader : true;
    },
    get healthy() {
      const leading = elector ? elector.isLeader : true;
      return !leading || (source?.healthy ?? false);
    },
    metrics,
    async stop() {
      stopping = true;
      await end();
      if (elector) await elector.stop(); // release last: until then nobody else posts what we still had queued
    },
  };
}
