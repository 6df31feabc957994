// Ack latency: 100 concurrent, correctly signed `/jenkins` slash commands against our bot (whose runner does
// a status command's work after the ack: a Block Kit message posted through the Web API) and against a bare Bolt
// app that only acks, in the same run, interleaved round by round. Each server runs in its own process, as in production, so the load
// client's and the Slack stub's work do not blur the measurement. Target: our p99 within 1.2× of the bare app's.
// The Web API is a loopback stub server, so nothing leaves the machine.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BENCH_SECRET } from './ack-constants.js';
import { percentile } from './stats.js';
import type { BenchRow } from './types.js';

const CONCURRENCY = 100;
const ROUNDS = 30;
/** Pause after each burst, the same for both sides. */
const SETTLE_MS = 50;
/** Longest wait for our bot to finish a burst's commands. */
const DRAIN_TIMEOUT_MS = 60_000;

async function drained(server: Child, expected: number): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (server.finished() < expected) {
    if (Date.now() > deadline) throw new Error(`ack bench: our bot finished ${server.finished()} of ${expected} commands in ${DRAIN_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const TARGET_RATIO = 1.2;
const here = dirname(fileURLToPath(import.meta.url));

interface Child {
  url: string;
  stop: () => void;
  /** Commands the server reported finished (`FINISHED n` lines; only our bot reports them). */
  finished: () => number;
}

/** Starts one of ack-servers.js's roles in its own process and waits for its port. */
function spawnServer(role: string, ...args: string[]): Promise<Child> {
  const child = spawn(process.execPath, [join(here, 'ack-servers.js'), role, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let finished = 0;
    let ready = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) {
        const done = /^FINISHED (\d+)$/.exec(line)?.[1];
        if (done) finished = Number(done);
        const port = /^READY (\d+)$/.exec(line)?.[1];
        if (port && !ready) {
          ready = true;
          resolve({ url: `http://127.0.0.1:${port}`, stop: () => child.kill(), finished: () => finished });
        }
      }
    });
    child.on('exit', (code) => reject(new Error(`ack bench: ${role} server exited with ${code}`)));
  });
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
  const signature = `v0=${createHmac('sha256', BENCH_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
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
  const stub = await spawnServer('stub');
  const ours = await spawnServer('ours', stub.url);
  const bare = await spawnServer('bare');
  const botUrl = `${ours.url}/slack/events`;
  const bareUrl = `${bare.url}/slack/events`;
  const responseUrl = `${stub.url}/commands/T0BENCH01/1/bench`;
  const oursMs: number[] = [];
  const floor: number[] = [];
  try {
    // Warm-up round for both (JIT, sockets), not measured.
    await burst(botUrl, responseUrl, -1);
    await drained(ours, CONCURRENCY);
    await burst(bareUrl, responseUrl, -1);
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate which goes first so neither always meets a cooler or busier machine.
      const order = round % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const);
      for (const which of order) {
        if (which === 'ours') {
          oursMs.push(...(await burst(botUrl, responseUrl, round)));
          // Each burst meets a bot that finished the previous burst's commands (their work is not the
          // next burst's background noise).
          await drained(ours, CONCURRENCY * (round + 2));
        } else floor.push(...(await burst(bareUrl, responseUrl, round)));
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      }
    }
  } finally {
    ours.stop();
    bare.stop();
    stub.stop();
  }
  const p50 = [percentile(oursMs, 50), percentile(floor, 50)] as const;
  const p99 = [percentile(oursMs, 99), percentile(floor, 99)] as const;
  const ratio99 = p99[0] / p99[1];
  return [
    {
      name: `slack ack p50 (${CONCURRENCY} concurrent × ${ROUNDS})`,
      medianMs: p50[0],
      floorMs: p50[1],
      ratio: p50[0] / p50[1],
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
