// Assembles the Slack bot: a Bolt app on Socket Mode (SLACK_APP_TOKEN set) or the HTTP receiver on /slack/events
// (SLACK_SIGNING_SECRET), the /jenkins command, the confirmation buttons and the audit sink. Request
// verification stays on in HTTP mode: bad signatures and timestamps older than 5 minutes get 401.
//
// Every Web API call (the bot's, and Socket Mode's apps.connections.open) goes to SLACK_API_URL when it is set.
// Start-up never waits for Slack: the bot checks its token (auth.test) and, in Socket Mode, opens its connection in
// the background, retrying with backoff and one JSON log line per failed attempt, and is ready only once Slack
// answered. A Socket Mode connection that drops is reopened the same way.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, SocketModeReceiver } from '@slack/bolt';
import type { AuditSink } from '../../commands/audit.js';
import type { CommandRunner } from '../../commands/runner.js';
import { createLogger, type Logger } from '../../observability/logger.js';
import type { BotMetrics } from '../../observability/metrics.js';
import { registerConfirmationActions } from './action-handler.js';
import { createSlackAuditSink } from './audit.js';
import { boltLogger } from './bolt-logger.js';
import { CachedUserGroups } from './caller.js';
import { ClickGuard } from './click-guard.js';
import { GuardedHTTPReceiver } from './guarded-receiver.js';
import { InFlight } from './in-flight.js';
import { WorkQueue } from './work-queue.js';
import { registerSlashCommand, SLASH_COMMAND } from './command-handler.js';
import { readSlackConfig, type SlackConfig, type SlackMode } from './config.js';
import { DEFAULT_UPDATE_INTERVAL_MS } from './progress-message.js';
import { SlackApi } from './slack-api.js';
import { createSlackWebClient, slackClientOptions } from '../../slack-client/web-client.js';
import { scrubString } from '../../observability/redact.js';

export type RunnerOrFactory = CommandRunner | ((slack: { auditSink: AuditSink }) => CommandRunner);

export interface SlackBotOptions {
  /** The command layer, or a factory that receives the Slack audit sink (to post audits to ALERT_CHANNEL). */
  runner: RunnerOrFactory;
  /** Defaults to process.env (SLACK_BOT_TOKEN, SLACK_APP_TOKEN, SLACK_SIGNING_SECRET, SLACK_PORT, SLACK_API_URL, …). */
  env?: NodeJS.ProcessEnv;
  /** Overrides what the environment says (e.g. the port). */
  config?: Partial<SlackConfig>;
  /** HTTP mode: interface to listen on (all interfaces when omitted). */
  host?: string;
  logger?: Logger;
  metrics?: BotMetrics;
  /**
   * The bot's ids. When given, the bot skips the `auth.test` call at start-up (tests and benchmarks run offline);
   * in production leave them out so a wrong token is reported at once.
   */
  botId?: string;
  botUserId?: string;
  /** Web API base URL; default SLACK_API_URL from `env`, else https://slack.com/api/. */
  slackApiUrl?: string;
  /** Minimum time between two edits of one progress message; default 1 s. */
  updateIntervalMs?: number;
  /** The slash command's name as configured in the app (default /jenkins). */
  command?: string;
  /** On stop, how long running commands may take to finish; default 25 s (inside a 30 s termination grace). */
  drainTimeoutMs?: number;
  /** While Slack cannot be reached: the first wait between attempts (default 1 s), doubled up to `maxMs` (30 s). */
  retry?: { initialMs?: number; maxMs?: number };
  /**
   * Socket Mode: how long the client waits for a pong before it drops the connection; it also waits this long
   * before reconnecting after a close. Default 5 s (Slack's SDK default); tests shorten it.
   */
  socketPingTimeoutMs?: number;
}

export interface SlackBot {
  readonly app: App;
  readonly mode: SlackMode;
  /** HTTP mode, once started: the port /slack/events listens on. */
  readonly port: number | undefined;
  readonly auditSink: AuditSink;
  /** Readiness: Slack answered (auth.test) and Socket Mode is connected, or the HTTP receiver listening. */
  isReady(): boolean;
  /** Listens (HTTP mode) and starts reaching Slack in the background; resolves without waiting for Slack. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_DRAIN_TIMEOUT_MS = 25_000;
const DEFAULT_RETRY = { initialMs: 1000, maxMs: 30_000 };

interface Identity {
  botId?: string;
  botUserId?: string;
}

/** Builds the bot without connecting (tests use it to inspect a Socket Mode app without network). */
export function createSlackBot(options: SlackBotOptions): SlackBot {
  const config: SlackConfig = { ...readSlackConfig(options.env), ...options.config };
  const logger = options.logger ?? createLogger();
  const slackLogger = boltLogger(logger);
  // While Slack cannot be reached the bot writes one line per attempt; the SDK's own lines about it go to debug.
  const quietLogger = boltLogger(logger, { demote: /^(http request failed|Failed to retrieve a new WSS URL)/ });
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const apiOptions = { env: options.env, logger: quietLogger, ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}) };
  let port: number | undefined;
  let started = false;
  let stopping = false;
  let listening = false;
  let connected = false;
  // Known once Slack answered auth.test (or given: offline tests).
  let identity: Identity | undefined =
    options.botId !== undefined && options.botUserId !== undefined ? { botId: options.botId, botUserId: options.botUserId } : undefined;
  const pause = new Pause();

  const receiver =
    config.mode === 'socket'
      ? new SocketModeReceiver({
          appToken: requireValue(config.appToken, 'SLACK_APP_TOKEN'),
          logger: quietLogger,
          // apps.connections.open goes to the same API URL as every other call; failures come back to
          // `connect` below, which retries with backoff (the client's own 100 retries would hide them).
          installerOptions: { clientOptions: slackClientOptions(apiOptions) },
          ...(options.socketPingTimeoutMs ? { clientPingTimeout: options.socketPingTimeoutMs } : {}),
        })
      : new GuardedHTTPReceiver({ signingSecret: requireValue(config.signingSecret, 'SLACK_SIGNING_SECRET'), logger: slackLogger }, logger);

  /** One attempt to reach Slack: check the token once, then (Socket Mode) open a connection. */
  let connectOnce: () => Promise<unknown> = async () => {};
  if (receiver instanceof SocketModeReceiver) {
    const client = receiver.client;
    const open = client.start.bind(client);
    connectOnce = open;
    // The client reconnects by calling start() after a close; route that through the same retry loop so a
    // failing apps.connections.open is retried and logged instead of becoming an unhandled rejection.
    client.start = () => connect('reconnect') as unknown as ReturnType<typeof open>;
    client.on('connected', () => {
      connected = true;
      logger.info({ mode: 'socket' }, 'Slack bot connected over Socket Mode');
    });
    // `close` comes at once when a socket ends; `reconnecting` only after the client's reconnect delay.
    for (const event of ['close', 'disconnected', 'reconnecting']) {
      client.on(event, () => {
        if (connected && !stopping) logger.warn({ mode: 'socket', event }, 'Socket Mode connection lost; reconnecting');
        connected = false;
      });
    }
  }

  const verifier = createSlackWebClient(config.botToken, apiOptions);
  const reachSlack = async (): Promise<void> => {
    if (!identity) {
      const auth = await verifier.auth.test();
      identity = { ...(auth.bot_id ? { botId: auth.bot_id } : {}), ...(auth.user_id ? { botUserId: auth.user_id } : {}) };
      logger.info({ team: auth.team, botUserId: auth.user_id }, 'Slack answered: the bot token is valid');
    }
    await connectOnce();
  };

  /** Reaches Slack, retrying with backoff until it answers or the bot stops; never rejects. */
  const connect = async (why: 'start' | 'reconnect'): Promise<void> => {
    for (let attempt = 1; !stopping; attempt += 1) {
      try {
        await reachSlack();
        return;
      } catch (err) {
        if (stopping) return;
        const retryInMs = Math.min(retry.maxMs, retry.initialMs * 2 ** (attempt - 1));
        logger.warn({ attempt, retryInMs, phase: why, error: describeSlackError(err) }, 'Slack cannot be reached; retrying');
        await pause.for(retryInMs);
      }
    }
  };

  const app = new App({
    receiver,
    logger: slackLogger,
    // The token is handed out here instead of given to Bolt, so Bolt never calls auth.test on its own (a failure
    // there is a rejection nobody awaits, then every request fails authorization: acked, nothing done).
    authorize: async () => ({ botToken: config.botToken, ...(identity ?? {}) }),
    // 429s come back to us as errors so a progress update can be postponed or superseded instead of
    // pausing every call for up to 30 minutes; other failures get a couple of quick retries.
    clientOptions: slackClientOptions({ retryConfig: BOT_RETRIES, ...apiOptions }),
  });
  const api = new SlackApi(createSlackWebClient(config.botToken, { retryConfig: BOT_RETRIES, ...apiOptions }), options.metrics, logger);
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
    slackAnswered: () => identity !== undefined,
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
    isReady: () => identity !== undefined && (config.mode === 'http' ? listening : connected),
    async start() {
      stopping = false;
      started = true;
      if (config.mode === 'http') {
        const server = (await app.start({ port: config.port, ...(options.host ? { host: options.host } : {}) })) as Server;
        port = (server.address() as AddressInfo).port;
        listening = true;
        logger.info({ mode: 'http', port, endpoint: '/slack/events' }, 'Slack bot listening');
        // Requests are taken at once; until Slack answered, commands are refused in words.
        void connect('start');
      } else {
        void connect('start');
      }
    },
    async stop() {
      if (!started) return;
      started = false;
      stopping = true;
      listening = false;
      connected = false;
      pause.cancel();
      // Stop taking new commands first, then let the running ones finish their messages. Bolt's Socket Mode
      // receiver does not wait for the close handshake; the client's disconnect() does.
      if (receiver instanceof SocketModeReceiver) await receiver.client.disconnect();
      else await app.stop();
      if (inFlight.size > 0) {
        logger.info({ running: inFlight.size }, 'waiting for running commands to finish');
        const finished = await inFlight.drain(options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
        if (!finished) logger.warn({ running: inFlight.size }, 'stopped with commands still running');
      }
    },
  };
}

const BOT_RETRIES = { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000 };

/** Builds and starts the bot (HTTP mode listens; Slack itself is reached in the background). */
export async function startSlackBot(options: SlackBotOptions): Promise<SlackBot> {
  const bot = createSlackBot(options);
  await bot.start();
  return bot;
}

/** One line on why Slack did not answer, without a stack: `invalid_auth`, `HTTP 503`, `connect ECONNREFUSED …`. */
export function describeSlackError(err: unknown): string {
  const shape = (typeof err === 'object' && err !== null ? err : {}) as {
    code?: string;
    data?: { error?: string };
    statusCode?: number;
    original?: { message?: string; cause?: { message?: string; code?: string } };
    message?: string;
  };
  switch (shape.code) {
    case 'slack_webapi_platform_error':
      return `Slack answered ${shape.data?.error ?? 'an error'}`;
    case 'slack_webapi_http_error':
      return `Slack answered HTTP ${shape.statusCode ?? '?'}`;
    case 'slack_webapi_rate_limited_error':
      return 'Slack answered 429 (rate limited)';
    case 'slack_webapi_request_error': {
      const cause = shape.original?.cause;
      return scrubString(`no answer: ${cause?.message ?? cause?.code ?? shape.original?.message ?? 'request failed'}`);
    }
    default:
      return scrubString(shape.message ?? String(err));
  }
}

/** Waits that stop() can cut short. */
class Pause {
  private readonly waiting = new Map<NodeJS.Timeout, () => void>();

  for(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(timer);
        resolve();
      }, ms);
      this.waiting.set(timer, resolve);
    });
  }

  cancel(): void {
    for (const [timer, wake] of this.waiting) {
      clearTimeout(timer);
      wake();
    }
    this.waiting.clear();
  }
}

function requireValue(value: string | undefined, name: string): string {
  if (!value) throw new Error(`${name} is required for this Slack mode`);
  return value;
}
