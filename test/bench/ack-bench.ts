// Ack latency: 100 concurrent, correctly signed `/jenkins` slash commands against our bot (whose runner does
// real-ish work after the ack: progress, rendering, Web API calls) and against a bare Bolt app that only acks,
// in the same process and run, interleaved round by round. Target: our p99 within 1.2× of the bare app's.
// The Web API is a loopback stub server, so nothing leaves the machine.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { App, HTTPReceiver } from '@slack/bolt';
import type { Message } from '../../src/commands/model.js';
import type { CommandRunner } from '../../src/commands/runner.js';
import { createLogger } from '../../src/ops/logger.js';
import { startSlackBot } from '../../src/slack/bot.js';
import { percentile, rssMb } from './stats.js';
import type { BenchRow } from './types.js';

const SECRET = 'bench-signing-secret-not-real';
const TOKEN = 'xoxb-0000-bench-not-real';
const CONCURRENCY = 100;
const ROUNDS = 10;
const TARGET_RATIO = 1.2;

/** A runner that behaves like a real command after the ack: several progress steps, some CPU, some waiting. */
const benchRunner: CommandRunner = {
  async handle(text, _caller, reply) {
    const fields = Array.from({ length: 10 }, (_, i) => ({ label: `key${i}`, value: `${text} value ${i}` }));
    for (let step = 1; step <= 3; step += 1) {
      const message: Message = { tone: 'info', title: `Step ${step} of 3`, blocks: [{ type: 'fields', fields }, { type: 'code', text: JSON.stringify(fields, null, 2) }] };
      await reply.progress(message);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await reply.result({ tone: 'success', title: 'Done', blocks: [{ type: 'text', text: 'all good' }] });
  },
  async confirm() {},
  async cancel() {},
};

/** Answers Web API calls and response_urls the way Slack does, on loopback. */
async function startSlackStub(): Promise<{ url: string; close: () => Promise<void> }> {
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
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, close: () => close(server) };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function startBareBolt(): Promise<{ url: string; stop: () => Promise<void> }> {
  const app = new App({
    token: TOKEN,
    receiver: new HTTPReceiver({ signingSecret: SECRET }),
    botId: 'B0BENCH01',
    botUserId: 'U0BENCH01',
    tokenVerificationEnabled: false,
  });
  app.command('/jenkins', async ({ ack }) => {
    await ack();
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  return {
    url,
    stop: async () => {
      await app.stop();
    },
  };
}

function signedCommand(text: string, responseUrl: string, n: number): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams({
    token: 'deprecated',
    team_id: 'T0BENCH01',
    team_domain: 'bench',
    channel_id: `C0BENCH${String(n % 50).padStart(2, '0')}`,
    channel_name: 'bench',
    user_id: 'U0BENCH02',
    user_name: 'bench',
    command: '/jenkins',
    text,
    api_app_id: 'A0BENCH01',
    response_url: responseUrl,
    trigger_id: `${n}.1.bench`,
  }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) },
  };
}

/** Fires CONCURRENCY signed commands at once; returns each one's time until the ack (HTTP response). */
async function burst(url: string, responseUrl: string, round: number): Promise<number[]> {
  const requests = Array.from({ length: CONCURRENCY }, (_, i) => signedCommand(`status bench-${round}-${i}`, responseUrl, i));
  return Promise.all(
    requests.map(async ({ body, headers }) => {
      const start = performance.now();
      const res = await fetch(url, { method: 'POST', headers, body });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`ack bench: ${url} answered ${res.status}`);
      return performance.now() - start;
    }),
  );
}

export async function runAckBench(): Promise<BenchRow[]> {
  const stub = await startSlackStub();
  const bot = await startSlackBot({
    runner: benchRunner,
    env: { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_PORT: '0', SLACK_UPLOAD_FILES: 'false' },
    host: '127.0.0.1',
    botId: 'B0BENCH01',
    botUserId: 'U0BENCH01',
    slackApiUrl: `${stub.url}/api/`,
    logger: createLogger({ level: 'silent' }),
  });
  const bare = await startBareBolt();
  const botUrl = `http://127.0.0.1:${bot.port}/slack/events`;
  const responseUrl = `${stub.url}/commands/T0BENCH01/1/bench`;
  const ours: number[] = [];
  const floor: number[] = [];
  let peak = rssMb();
  try {
    // Warm-up round for both (JIT, sockets), not measured.
    await burst(botUrl, responseUrl, -1);
    await burst(bare.url, responseUrl, -1);
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate which goes first so neither always meets a cooler or busier process.
      const order = round % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const);
      for (const which of order) {
        if (which === 'ours') ours.push(...(await burst(botUrl, responseUrl, round)));
        else floor.push(...(await burst(bare.url, responseUrl, round)));
        peak = Math.max(peak, rssMb());
      }
    }
    // Let the runners' after-ack work finish before tearing down.
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    await bot.stop();
    await bare.stop();
    await stub.close();
  }
  const p50 = [percentile(ours, 50), percentile(floor, 50)] as const;
  const p99 = [percentile(ours, 99), percentile(floor, 99)] as const;
  const ratio99 = p99[0] / p99[1];
  return [
    {
      name: `slack ack p50 (${CONCURRENCY} concurrent × ${ROUNDS})`,
      medianMs: p50[0],
      floorMs: p50[1],
      ratio: p50[0] / p50[1],
      peakRssMb: peak,
      note: 'floor: bare Bolt app that only acks',
    },
    {
      name: `slack ack p99 (${CONCURRENCY} concurrent × ${ROUNDS})`,
      medianMs: p99[0],
      floorMs: p99[1],
      ratio: ratio99,
      note: `target p99 ≤ ${TARGET_RATIO}× bare Bolt: ${ratio99 <= TARGET_RATIO ? 'met' : 'NOT met'}`,
    },
  ];
}
