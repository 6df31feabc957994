// A real Bolt app with the HTTP receiver on 127.0.0.1 (port 0), driven by signed requests, and a fake runner that
// records what the transport passes it.
import { Writable } from 'node:stream';
import type { Caller, Reply } from '../../../src/commands/model.js';
import type { CommandRunner } from '../../../src/commands/runner.js';
import { createLogger } from '../../../src/observability/logger.js';
import { createMetrics, type BotMetrics } from '../../../src/observability/metrics.js';
import { startSlackBot, type SlackBot } from '../../../src/transports/slack/bot.js';
import { BOT_ID, BOT_USER_ID } from './payloads.js';
import { nowSeconds, SIGNING_SECRET, slackSignature } from './signing.js';

export const FAKE_BOT_TOKEN = 'xoxb-0000-test-not-real';

type Step = (arg: string, caller: Caller, reply: Reply) => Promise<void>;

export interface RunnerCall {
  kind: 'handle' | 'confirm' | 'cancel';
  arg: string;
  caller: Caller;
}

export class FakeRunner implements CommandRunner {
  readonly calls: RunnerCall[] = [];
  constructor(private readonly steps: { handle?: Step; confirm?: Step; cancel?: Step } = {}) {}

  async handle(text: string, caller: Caller, reply: Reply): Promise<void> {
    this.calls.push({ kind: 'handle', arg: text, caller });
    await this.steps.handle?.(text, caller, reply);
  }
  async confirm(token: string, caller: Caller, reply: Reply): Promise<void> {
    this.calls.push({ kind: 'confirm', arg: token, caller });
    await this.steps.confirm?.(token, caller, reply);
  }
  async cancel(token: string, caller: Caller, reply: Reply): Promise<void> {
    this.calls.push({ kind: 'cancel', arg: token, caller });
    await this.steps.cancel?.(token, caller, reply);
  }
}

export interface TestBot {
  bot: SlackBot;
  metrics: BotMetrics;
  logs: () => string;
  /** POSTs a form body to /slack/events, signed unless headers say otherwise. */
  post(body: string, options?: { headers?: Record<string, string>; timestamp?: number; unsigned?: boolean }): Promise<Response>;
  stop(): Promise<void>;
}

export async function startTestBot(runner: CommandRunner, env: Record<string, string> = {}, updateIntervalMs = 0): Promise<TestBot> {
  let logText = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logText += chunk.toString();
      done();
    },
  });
  const metrics = createMetrics();
  const bot = await startSlackBot({
    runner,
    env: { SLACK_BOT_TOKEN: FAKE_BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_PORT: '0', ...env },
    host: '127.0.0.1',
    botId: BOT_ID,
    botUserId: BOT_USER_ID,
    logger: createLogger({ level: 'debug', destination }),
    metrics,
    updateIntervalMs,
  });
  const url = `http://127.0.0.1:${bot.port}/slack/events`;
  return {
    bot,
    metrics,
    logs: () => logText,
    post: (body, options = {}) => {
      const timestamp = options.timestamp ?? nowSeconds();
      const signature = options.unsigned ? {} : slackSignature(body, timestamp);
      return fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...signature, ...options.headers },
        body,
      });
    },
    stop: () => bot.stop(),
  };
}

/** Polls until `predicate` holds; fails with `what` after `timeoutMs` (5 s). Waits for work, asserts nothing on time. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  for (let i = 0; i < timeoutMs / 10; i += 1) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

/** A promise with its resolver, for ordering proofs. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
