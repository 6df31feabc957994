// Socket Mode end to end: the REAL Socket Mode client (Bolt's SocketModeReceiver) reaches the loopback Web API
// through SLACK_API_URL, whose apps.connections.open hands out a loopback ws:// URL; envelopes go over that socket
// and the acks come back on it. Nothing is handed to app.processEvent.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import type { Caller, Confirmation, Reply } from '../../src/commands/model.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { startHealthServer, type HealthServer } from '../../src/observability/health-server.js';
import { createSlackBot, type SlackBot } from '../../src/transports/slack/bot.js';
import { FakeRunner, FAKE_BOT_TOKEN, waitFor } from './helpers/harness.js';
import { CHANNEL_ID, REQUESTER, blockActionsPayload } from './helpers/payloads.js';
import { SlackApiServer } from './helpers/slack-api-server.js';

const FAKE_APP_TOKEN = 'xapp-1-A0TEST001-0000-not-real';
const TOKEN = 'c1.eyJjb21tYW5kIjoic2NhbGUgY2kgMyJ9.signature-for-tests';

let slack: SlackApiServer;
let bot: SlackBot | undefined;
let health: HealthServer | undefined;
let logs = '';

beforeEach(async () => {
  slack = await SlackApiServer.start();
  logs = '';
});
afterEach(async () => {
  // The bot first (its close handshake needs the server), then the server.
  await bot?.stop();
  bot = undefined;
  await health?.close();
  health = undefined;
  await slack.close();
});

/** What each handled command did: the runner records its calls; every command posts one result. */
function recordingRunner(): FakeRunner {
  const confirmation: Confirmation = {
    message: { tone: 'warning', title: 'Scale ci to 3 controllers?', blocks: [] },
    confirmLabel: 'Scale to 3',
    cancelLabel: 'Cancel',
    token: TOKEN,
  };
  return new FakeRunner({
    handle: async (text: string, _caller: Caller, reply: Reply) => {
      if (text === 'scale ci 3') return reply.confirm(confirmation);
      return reply.result({ tone: 'success', title: `ran ${text}`, blocks: [] });
    },
    confirm: async (_token, _caller, reply) => reply.result({ tone: 'success', title: 'ci now runs 3 controllers', blocks: [] }),
  });
}

async function startSocketBot(runner: FakeRunner): Promise<SlackBot> {
  const destination = new Writable({ write: (chunk: Buffer, _e, done) => ((logs += chunk.toString()), done()) });
  const metrics = createMetrics();
  bot = createSlackBot({
    runner,
    env: { SLACK_BOT_TOKEN: FAKE_BOT_TOKEN, SLACK_APP_TOKEN: FAKE_APP_TOKEN, SLACK_API_URL: slack.apiUrl },
    logger: createLogger({ level: 'debug', destination }),
    metrics,
    updateIntervalMs: 0,
    // The client reconnects this long after a close (Slack's SDK waits 5 s); retries while Slack is away are quick.
    socketPingTimeoutMs: 400,
    retry: { initialMs: 50, maxMs: 200 },
  });
  health = await startHealthServer({ port: 0, host: '127.0.0.1', registry: metrics.registry, readiness: { slack: () => bot!.isReady() } });
  await bot.start();
  return bot;
}

async function readyz(): Promise<{ status: number; body: { checks: { slack: { ok: boolean } } } }> {
  const res = await fetch(`http://127.0.0.1:${health!.port}/readyz`);
  return { status: res.status, body: (await res.json()) as { checks: { slack: { ok: boolean } } } };
}

const command = (text: string, retryAttempt?: number) =>
  SlackApiServer.slashCommandEnvelope(text, { responseUrl: slack.commandResponseUrl, ...(retryAttempt ? { retryAttempt } : {}) });
/** The real Socket Mode client inside Bolt's receiver (to watch its events). */
const socketClient = (b: SlackBot) => (b.app as unknown as { receiver: { client: { once(event: string, fn: () => void): void } } }).receiver.client;
const handled = (runner: FakeRunner) => runner.calls.filter((c) => c.kind === 'handle').map((c) => c.arg);

describe('Socket Mode over a real WebSocket', () => {
  it('checks the bot token, opens the connection with the app-level token, and is ready after hello', async () => {
    const b = await startSocketBot(recordingRunner());
    await waitFor(() => b.isReady(), 'the hello');
    expect(slack.callsOf('auth.test').map((c) => c.token)).toEqual([FAKE_BOT_TOKEN]);
    expect(slack.callsOf('apps.connections.open').map((c) => c.token)).toEqual([FAKE_APP_TOKEN]);
    expect(slack.connectionCount).toBe(1);
    expect(await readyz()).toMatchObject({ status: 200, body: { checks: { slack: { ok: true } } } });
    expect(logs).toContain('Slack bot connected over Socket Mode');
  });

  it('acks a slash command envelope over the socket, then runs it once and posts the result through the Web API', async () => {
    const runner = recordingRunner();
    const b = await startSocketBot(runner);
    await waitFor(() => b.isReady(), 'the hello');
    const envelope = command('status ci');
    const ack = await slack.deliver(envelope);
    expect(ack).toEqual({});
    expect(slack.socketMessages.map((m) => m.data.envelope_id)).toEqual([envelope.envelope_id]);
    await waitFor(() => slack.callsOf('chat.postMessage').length === 1, 'the result');
    expect(slack.callsOf('chat.postMessage')[0]!).toMatchObject({ token: FAKE_BOT_TOKEN, args: { channel: CHANNEL_ID, text: 'ran status ci' } });
    expect(runner.calls).toEqual([{ kind: 'handle', arg: 'status ci', caller: { userId: REQUESTER, userName: 'alice', channel: CHANNEL_ID, transport: 'slack' } }]);
  });

  it('handles a button click delivered as an interactive envelope', async () => {
    const runner = recordingRunner();
    const b = await startSocketBot(runner);
    await waitFor(() => b.isReady(), 'the hello');
    await slack.deliver(command('scale ci 3'));
    await waitFor(() => slack.callsOf('chat.postMessage').length === 1, 'the confirmation');
    const question = slack.callsOf('chat.postMessage')[0]!;
    const ts = '1700000000.000001';
    const click = SlackApiServer.interactiveEnvelope(
      blockActionsPayload({ user: REQUESTER, userName: 'alice', actionId: 'jenkins_confirm', token: TOKEN, messageTs: ts, blocks: question.args.blocks as unknown[], responseUrl: slack.actionResponseUrl }),
    );
    await slack.deliver(click);
    expect(slack.socketMessages.map((m) => m.data.envelope_id)).toContain(click.envelope_id);
    await waitFor(() => slack.callsOf('chat.update').at(-1)?.args.text === 'ci now runs 3 controllers', 'the confirmed result');
    expect(slack.callsOf('chat.update').at(-1)!.args).toMatchObject({ channel: CHANNEL_ID, ts });
    expect(runner.calls.filter((c) => c.kind === 'confirm')).toMatchObject([{ arg: TOKEN, caller: { userId: REQUESTER } }]);
  });

  it('reconnects through a fresh apps.connections.open after a disconnect (refresh_requested); /readyz is false meanwhile; no command lost or run twice', async () => {
    const runner = recordingRunner();
    const b = await startSocketBot(runner);
    await waitFor(() => b.isReady(), 'the hello');
    await slack.deliver(command('status before'));
    await waitFor(() => slack.callsOf('chat.postMessage').length === 1, 'the first result');

    // Hold the next apps.connections.open so the disconnected state can be looked at.
    const release = slack.hold('apps.connections.open');
    let readyWhenClosed: boolean | undefined;
    socketClient(b).once('close', () => (readyWhenClosed = b.isReady()));
    await slack.requestRefresh('refresh_requested');
    await waitFor(() => readyWhenClosed !== undefined, 'the socket to close');
    expect(readyWhenClosed).toBe(false);
    await waitFor(() => !b.isReady(), 'the bot to notice the disconnect');
    await waitFor(() => slack.callsOf('apps.connections.open').length === 2, 'a new apps.connections.open');
    expect(await readyz()).toMatchObject({ status: 503, body: { checks: { slack: { ok: false } } } });
    release();
    await waitFor(() => b.isReady(), 'the reconnect');
    expect(slack.connectionCount).toBe(2);
    expect(await readyz()).toMatchObject({ status: 200 });

    // A command on the new connection runs; Slack redelivering the first one (retry_attempt) does not run it again.
    await slack.deliver(command('status after'));
    const first = command('status before', 1);
    await slack.deliver(first);
    await waitFor(() => slack.callsOf('chat.postMessage').length === 2, 'the second result');
    await waitFor(() => logs.includes('ignored a redelivered slash command'), 'the redelivery to be dropped');
    expect(handled(runner)).toEqual(['status before', 'status after']);
  });

  it('reconnects after the socket is dropped without a close frame', async () => {
    const runner = recordingRunner();
    const b = await startSocketBot(runner);
    await waitFor(() => b.isReady(), 'the hello');
    const release = slack.hold('apps.connections.open');
    // Not ready from the moment the socket closes (the client only says `reconnecting` after its delay).
    let readyWhenClosed: boolean | undefined;
    socketClient(b).once('close', () => (readyWhenClosed = b.isReady()));
    slack.dropConnections();
    await waitFor(() => readyWhenClosed !== undefined, 'the socket to close');
    expect(readyWhenClosed).toBe(false);
    await waitFor(() => slack.callsOf('apps.connections.open').length === 2, 'a new apps.connections.open');
    expect((await readyz()).status).toBe(503);
    release();
    await waitFor(() => b.isReady() && slack.openConnections === 1, 'the reconnect');
    const envelope = command('status ci');
    await slack.deliver(envelope);
    await waitFor(() => slack.callsOf('chat.postMessage').length === 1, 'the result');
    expect(handled(runner)).toEqual(['status ci']);
    expect(slack.socketMessages.filter((m) => m.data.envelope_id === envelope.envelope_id)).toHaveLength(1);
  });

  it('starts while Slack cannot be reached: one JSON log line per attempt, not ready, no stack; connects once Slack answers', async () => {
    slack.unreachable = true;
    const b = await startSocketBot(recordingRunner());
    await waitFor(() => (logs.match(/Slack cannot be reached; retrying/g) ?? []).length >= 3, 'three failed attempts');
    expect(b.isReady()).toBe(false);
    expect((await readyz()).status).toBe(503);
    const attempts = logs.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.msg === 'Slack cannot be reached; retrying');
    expect(attempts.slice(0, 3)).toMatchObject([
      { level: 'warn', attempt: 1, retryInMs: 50 },
      { level: 'warn', attempt: 2, retryInMs: 100 },
      { level: 'warn', attempt: 3, retryInMs: 200 },
    ]);
    expect(String(attempts[0]!.error)).toMatch(/^no answer: /);
    // One line per attempt: nothing else above debug while Slack is away, and no stack trace anywhere.
    const loud = logs.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.level !== 'debug' && l.level !== 'info');
    expect(new Set(loud.map((l) => l.msg))).toEqual(new Set(['Slack cannot be reached; retrying']));
    expect(logs).not.toMatch(/\\n\s+at |"stack"/);

    slack.unreachable = false;
    await waitFor(() => b.isReady(), 'the connection once Slack answers');
    expect(slack.callsOf('auth.test').length).toBeGreaterThanOrEqual(1);
    expect(slack.connectionCount).toBe(1);
  });

  it('keeps retrying apps.connections.open when it fails after a drop, instead of crashing', async () => {
    const b = await startSocketBot(recordingRunner());
    await waitFor(() => b.isReady(), 'the hello');
    slack.failNext('apps.connections.open', { status: 503, body: { ok: false, error: 'service_unavailable' } });
    slack.failNext('apps.connections.open', { status: 503, body: { ok: false, error: 'service_unavailable' } });
    slack.dropConnections();
    await waitFor(() => b.isReady() && slack.connectionCount === 2, 'the reconnect after two failures');
    expect(slack.callsOf('apps.connections.open')).toHaveLength(4);
    expect(logs).toContain('"phase":"reconnect"');
  });
});
