// HTTP mode when Slack cannot be reached at start-up, and bad input on /slack/events: the process keeps serving,
// says in words what it cannot do, logs one line per failed attempt, and is ready only once Slack answered.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/observability/logger.js';
import { NOT_CONNECTED_YET } from '../../src/transports/slack/command-handler.js';
import { startSlackBot, type SlackBot } from '../../src/transports/slack/bot.js';
import { FakeRunner, FAKE_BOT_TOKEN, waitFor } from './helpers/harness.js';
import { slashCommandBody } from './helpers/payloads.js';
import { SIGNING_SECRET, nowSeconds, slackSignature } from './helpers/signing.js';
import { SlackApiServer } from './helpers/slack-api-server.js';

let slack: SlackApiServer;
let bot: SlackBot | undefined;
let logs = '';
const runner = () => new FakeRunner({ handle: async (text, _c, reply) => reply.result({ tone: 'success', title: `ran ${text}`, blocks: [] }) });

beforeEach(async () => {
  slack = await SlackApiServer.start();
  logs = '';
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await slack.close();
});

/** The bot as production starts it: no ids given, so it checks its token with auth.test first. */
async function startHttpBot(r: FakeRunner): Promise<SlackBot> {
  const destination = new Writable({ write: (chunk: Buffer, _e, done) => ((logs += chunk.toString()), done()) });
  bot = await startSlackBot({
    runner: r,
    env: { SLACK_BOT_TOKEN: FAKE_BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_PORT: '0', SLACK_API_URL: slack.apiUrl },
    host: '127.0.0.1',
    logger: createLogger({ level: 'info', destination }),
    updateIntervalMs: 0,
    retry: { initialMs: 50, maxMs: 200 },
  });
  return bot;
}

function post(body: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${bot!.port}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(body, nowSeconds()) },
    body,
  });
}

const lines = () => logs.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('HTTP mode while Slack cannot be reached', () => {
  it('listens, retries auth.test with backoff (one JSON line per attempt), refuses commands in words, and becomes ready once Slack answers', async () => {
    slack.unreachable = true;
    const r = runner();
    const b = await startHttpBot(r);
    await waitFor(() => lines().filter((l) => l.msg === 'Slack cannot be reached; retrying').length >= 2, 'two failed attempts');
    expect(b.isReady()).toBe(false);
    expect(lines().filter((l) => l.msg === 'Slack cannot be reached; retrying').slice(0, 2)).toMatchObject([
      { level: 'warn', attempt: 1, retryInMs: 50, error: expect.stringMatching(/^no answer: /) },
      { level: 'warn', attempt: 2, retryInMs: 100 },
    ]);
    expect(new Set(lines().filter((l) => l.level !== 'info').map((l) => l.msg))).toEqual(new Set(['Slack cannot be reached; retrying']));
    expect(logs).not.toMatch(/"stack"/);

    // A command now is answered in the ack itself (Slack shows it to the user): not acked and dropped.
    const res = await post(slashCommandBody('delete ci'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ response_type: 'ephemeral', text: NOT_CONNECTED_YET });
    expect(r.calls).toEqual([]);
    expect(logs).toContain('refused a command: Slack has not answered the bot yet');

    slack.unreachable = false;
    await waitFor(() => b.isReady(), 'Slack to answer');
    const ok = await post(slashCommandBody('status', { responseUrl: slack.commandResponseUrl }));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('');
    await waitFor(() => slack.callsOf('chat.postMessage').length === 1, 'the command to run');
    expect(r.calls.map((c) => c.arg)).toEqual(['status']);
  });

  it('is ready at once when Slack answers auth.test at start', async () => {
    const b = await startHttpBot(runner());
    await waitFor(() => b.isReady(), 'auth.test');
    expect(slack.callsOf('auth.test')).toMatchObject([{ token: FAKE_BOT_TOKEN }]);
    expect(logs).not.toContain('Slack cannot be reached');
  });
});

describe('malformed but correctly signed requests', () => {
  const bodies = {
    'payload=null': 'payload=null',
    'payload=[]': 'payload=%5B%5D',
    'payload="text"': 'payload=%22text%22',
    'payload=42': 'payload=42',
    'payload={}': 'payload=%7B%7D',
    'payload not JSON': 'payload=%7Bnot-json',
    'payload with a type and nothing else': `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions' }))}`,
    'block_actions without actions': `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U0ALICE01' }, actions: null }))}`,
  };

  it.each(Object.entries(bodies))('%s: answered 400, logged, nothing run, and the bot keeps serving', async (_name, body) => {
    const r = runner();
    const b = await startHttpBot(r);
    await waitFor(() => b.isReady(), 'auth.test');
    const res = await post(body);
    expect(res.status).toBe(400);
    await res.text();
    expect(r.calls).toEqual([]);
    expect(slack.channelWrites()).toEqual([]);
    expect(lines().filter((l) => l.msg === 'refused a malformed request on the Slack endpoint (400); nothing was run')).toHaveLength(1);
    // Still alive and serving.
    const next = await post(slashCommandBody('status', { responseUrl: slack.commandResponseUrl }));
    expect(next.status).toBe(200);
    await waitFor(() => r.calls.length === 1, 'the next command');
  });
});
