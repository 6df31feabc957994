// Assembles the Slack bot: a Bolt app on Socket Mode (SLACK_APP_TOKEN set) or the HTTP receiver on /slack/events
// (SLACK_SIGNING_SECRET), the /jenkins command, the confirmation buttons and the audit sink. Request
// verification stays on in HTTP mode: bad signatures and timestamps older than 5 minutes get 401.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { AuditSink } from '../../commands/audit.js';
import type { CommandRunner } from '../../commands/runner.js';
import { createLogger, type Logger } from '../../observability/logger.js';
import type { BotMetrics } from '../../observability/metrics.js';
import { registerConfirmationActions } from './action-handler.js';
import { createSlackAuditSink } from './audit.js';
import { boltLogger } from './bolt-logger.js';
import { CachedUserGroups } from './caller.js';
import { ClickGuard } from './click-guard.js';
import { InFlight } from './in-flight.js';
import { WorkQueue } from './work-queue.js';
import { registerSlashCommand, SLASH_COMMAND } from './command-handler.js';
import { readSlackConfig, type SlackConfig, type SlackMode } from './config.js';
import { DEFAULT_UPDATE_INTERVAL_MS } from './progress-message.js';
import { SlackApi } from './slack-api.js';
import { slackClientOptions } from '../../slack-client/web-client.js';

export type RunnerOrFactory = CommandRunner | ((slack: { auditSink: AuditSink }) => CommandRunner);

export interface SlackBotOptions {
  /** The command layer, or a factory that receives the Slack audit sink (to post audits to ALERT_CHANNEL). */
  runner: RunnerOrFactory;
  /** Defaults to process.env (SLACK_BOT_TOKEN, SLACK_APP_TOKEN, SLACK_SIGNING_SECRET, SLACK_PORT, ALERT_CHANNEL, …). */
  env?: NodeJS.ProcessEnv;
  /** Overrides what the environment says (e.g. the port). */
  config?: Partial<SlackConfig>;
  /** HTTP mode: interface to listen on (all interfaces when omitted). */
  host?: string;
  logger?: Logger;
  metrics?: BotMetrics;
  /**
   * The bot's ids. When given, Bolt skips the `auth.test` call at start-up (tests and benchmarks run offline);
   * in production leave them out so a wrong token fails at once.
   */
  botId?: string;
  botUserId?: string;
  /** Web API base URL; only for tests and benchmarks that serve the API on loopback. */
  slackApiUrl?: string;
  /** Minimum time between two edits of one progress message; default 1 s. */
  updateIntervalMs?: number;
  /** The slash command's name as configured in the app (default /jenkins). */
  command?: string;
  /** On stop, how long running commands may take to finish; default 25 s (inside a 30 s termination grace). */
  drainTimeoutMs?: number;
}

export interface SlackBot {
  readonly app: App;
  readonly mode: SlackMode;
  /** HTTP mode, once started: the port /slack/events listens on. */
  readonly port: number | undefined;
  readonly auditSink: AuditSink;
  /** Readiness: Socket Mode connected, or the HTTP receiver listening. */
  isReady(): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the bot without connecting (tests use it to inspect a Socket Mode app without network). */
const DEFAULT_DRAIN_TIMEOUT_MS = 25_000;

export function createSlackBot(options: SlackBotOptions): SlackBot {
  const config: SlackConfig = { ...readSlackConfig(options.env), ...options.config };
  const logger = options.logger ?? createLogger();
  const slackLogger = boltLogger(logger);
  let ready = false;
  let port: number | undefined;
  let started = false;

  const receiver =
    config.mode === 'socket'
      ? new SocketModeReceiver({ appToken: requireValue(config.appToken, 'SLACK_APP_TOKEN'), logger: slackLogger })
      : new HTTPReceiver({ signingSecret: requireValue(config.signingSecret, 'SLACK_SIGNING_SECRET'), logger: slackLogger });
  if (receiver instanceof SocketModeReceiver) {
    receiver.client.on('connected', () => {
      ready = true;
    });
    receiver.client.on('disconnected', () => {
      ready = false;
    });
    receiver.client.on('reconnecting', () => {
      ready = false;
    });
  }

  const offline = options.botId !== undefined && options.botUserId !== undefined;
  const app = new App({
    token: config.botToken,
    receiver,
    logger: slackLogger,
    ...(offline ? { botId: options.botId, botUserId: options.botUserId, tokenVerificationEnabled: false } : {}),
    // 429s come back to us as errors so a progress update can be postponed or superseded instead of
    // pausing every call for up to 30 minutes; other failures get a couple of quick retries.
    clientOptions: slackClientOptions({
      retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000 },
      ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
      env: options.env,
    }),
  });
  const api = new SlackApi(app.client, options.metrics, logger);
  const inFlight = new InFlight();
  const auditSink = createSlackAuditSink({ api, channel: config.alertChannel, logger });
  const runner = typeof options.runner === 'function' ? options.runner({ auditSink }) : options.runner;
  const deps = {
    runner,
    api,
    logger,
    clickGuard: new ClickGuard(),
    inFlight,
    work: new WorkQueue({ concurrency: config.commandConcurrency }),
    updateIntervalMs: options.updateIntervalMs ?? DEFAULT_UPDATE_INTERVAL_MS,
    uploadFiles: config.uploadFiles,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(config.lookupUserGroups ? { userGroups: new CachedUserGroups(api, undefined, logger) } : {}),
  };
  registerSlashCommand(app, deps, options.command ?? SLASH_COMMAND);
  registerConfirmationActions(app, deps);
  app.error(async (err) => {
    logger.error({ err }, 'unhandled error in a Slack listener');
  });

  return {
    app,
    mode: config.mode,
    get port() {
      return port;
    },
    auditSink,
    isReady: () => ready,
    async start() {
      if (config.mode === 'http') {
        const server = (await app.start({ port: config.port, ...(options.host ? { host: options.host } : {}) })) as Server;
        port = (server.address() as AddressInfo).port;
        ready = true;
        logger.info({ mode: 'http', port, endpoint: '/slack/events' }, 'Slack bot listening');
      } else {
        await app.start();
        logger.info({ mode: 'socket' }, 'Slack bot connected over Socket Mode');
      }
      started = true;
    },
    async stop() {
      if (!started) return;
      started = false;
      ready = false;
      // Stop taking new commands first, then let the running ones finish their messages.
      await app.stop();
      if (inFlight.size > 0) {
        logger.info({ running: inFlight.size }, 'waiting for running commands to finish');
        const finished = await inFlight.drain(options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
        if (!finished) logger.warn({ running: inFlight.size }, 'stopped with commands still running');
      }
    },
  };
}

/** Builds and starts the bot (Socket Mode connects; HTTP mode listens on the port). */
export async function startSlackBot(options: SlackBotOptions): Promise<SlackBot> {
  const bot = createSlackBot(options);
  await bot.start();
  return bot;
}

function requireValue(value: string | undefined, name: string): string {
  if (!value) throw new Error(`${name} is required for this Slack mode`);
  return value;
}
