// The processes the ack benchmark measures, each on its own event loop as in production: a Slack Web API stub,
// our bot (with a runner that works after the ack), and a bare Bolt app that only acks.
// Usage: node ack-servers.js stub | ours <stubUrl> | bare — prints `READY <port>` on stdout, runs until killed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import type { Message } from '../../src/commands/model.js';
import type { CommandRunner } from '../../src/commands/runner.js';
import { createLogger } from '../../src/observability/logger.js';
import { startSlackBot } from '../../src/transports/slack/bot.js';
import { BENCH_SECRET } from './ack-constants.js';

const TOKEN = 'xoxb-0000-bench-not-real';

/**
 * A runner that behaves like `/jenkins status` after the ack: it builds a message with fields and a code block
 * (Block Kit rendering, mrkdwn escaping) and posts it through the Web API client.
 */
const benchRunner: CommandRunner = {
  async handle(text, _caller, reply) {
    const fields = Array.from({ length: 10 }, (_, i) => ({ label: `key${i}`, value: `${text} value ${i}` }));
    const message: Message = { tone: 'success', title: 'Status', blocks: [{ type: 'fields', fields }, { type: 'code', text: JSON.stringify(fields, null, 2) }] };
    await reply.result(message);
  },
  async confirm() {},
  async cancel() {},
};

/** Reports every finished command on stdout (`FINISHED n`), so the client can wait for a drained bot. */
function countingFinished(runner: CommandRunner): CommandRunner {
  let finished = 0;
  return {
    ...runner,
    async handle(text, caller, reply) {
      try {
        await runner.handle(text, caller, reply);
      } finally {
        finished += 1;
        process.stdout.write(`FINISHED ${finished}\n`);
      }
    },
  };
}

/** Answers Web API calls and response_urls the way Slack does. */
function startStub(): Promise<number> {
  let ts = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      ts += 1;
      const stamp = `1700000000.${String(ts).padStart(6, '0')}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, channel: 'C0BENCH01', ts: stamp, message: { type: 'message', ts: stamp } }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function startOurs(stubUrl: string): Promise<number> {
  const bot = await startSlackBot({
    runner: countingFinished(benchRunner),
    env: { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: BENCH_SECRET, SLACK_PORT: '0', SLACK_UPLOAD_FILES: 'false', ...(process.env.SLACK_COMMAND_CONCURRENCY ? { SLACK_COMMAND_CONCURRENCY: process.env.SLACK_COMMAND_CONCURRENCY } : {}) },
    host: '127.0.0.1',
    botId: 'B0BENCH01',
    botUserId: 'U0BENCH01',
    slackApiUrl: `${stubUrl}/api/`,
    logger: createLogger({ level: 'silent' }),
  });
  return bot.port!;
}

async function startBare(): Promise<number> {
  const app = new App({
    token: TOKEN,
    receiver: new HTTPReceiver({ signingSecret: BENCH_SECRET }),
    botId: 'B0BENCH01',
    botUserId: 'U0BENCH01',
    tokenVerificationEnabled: false,
  });
  app.command('/jenkins', async ({ ack }) => {
    await ack();
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  return (server.address() as AddressInfo).port;
}

const [role, stubUrl] = process.argv.slice(2);
const start = role === 'stub' ? startStub() : role === 'ours' ? startOurs(stubUrl!) : role === 'bare' ? startBare() : Promise.reject(new Error(`unknown role ${role}`));
start.then(
  (port) => process.stdout.write(`READY ${port}\n`),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
