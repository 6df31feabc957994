import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Message } from '../../src/commands/model.js';
import type { CommandRunner } from '../../src/commands/runner.js';
import { FakeRunner, deferred, startTestBot as startBot, waitFor, type TestBot } from './helpers/harness.js';
import { CHANNEL_ID, REQUESTER, slashCommandBody } from './helpers/payloads.js';
import { SlackApiServer, blockTexts } from './helpers/slack-api-server.js';

const step = (title: string): Message => ({ tone: 'info', title, blocks: [{ type: 'text', text: title }] });

let slack: SlackApiServer;
let testBot: TestBot | undefined;

beforeEach(async () => {
  slack = await SlackApiServer.start();
});
afterEach(async () => {
  await testBot?.stop();
  testBot = undefined;
  await slack.close();
});

// The bot reaches the loopback Web API through SLACK_API_URL; response_urls in the payloads point there too.
const startTestBot = (runner: CommandRunner, env: Record<string, string> = {}, updateIntervalMs?: number) =>
  startBot(runner, { SLACK_API_URL: slack.apiUrl, ...env }, updateIntervalMs);
const command = (text: string) => slashCommandBody(text, { responseUrl: slack.commandResponseUrl });

describe('/jenkins over the HTTP receiver', () => {
  it('acknowledges before the runner does any work (proven by ordering)', async () => {
    const ackSeenByClient = deferred();
    const runner = new FakeRunner({
      // The runner cannot finish until the test has the HTTP answer in hand: if the bot worked before acking,
      // the answer would never come and this test would hang and fail.
      handle: async (_text, _caller, reply) => {
        await ackSeenByClient.promise;
        await reply.result({ tone: 'success', title: 'Status: all good', blocks: [] });
      },
    });
    testBot = await startTestBot(runner);
    const res = await testBot.post(command('status'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    ackSeenByClient.resolve();
    await waitFor(() => slack.callsOf('chat.postMessage').length === 1, 'the result message');
    expect(runner.calls).toEqual([
      { kind: 'handle', arg: 'status', caller: { userId: REQUESTER, userName: 'alice', channel: CHANNEL_ID, transport: 'slack' } },
    ]);
  });

  it('posts ONE progress message and edits it for every step and the result', async () => {
    let fakeSlackCallsAtStep = 0;
    const runner = new FakeRunner({
      handle: async (_text, _caller, reply) => {
        for (const title of ['Rendering ci', 'Applying 12 objects', 'Waiting for rollout']) {
          await reply.progress(step(title));
          // Let each step reach Slack before the next, so every one is visible (rapid ones are coalesced).
          fakeSlackCallsAtStep += 1;
          const expected = fakeSlackCallsAtStep;
          await waitFor(() => slack.channelWrites().length === expected, `step ${title} in Slack`);
        }
        await reply.result({ tone: 'success', title: 'Deployed ci', blocks: [{ type: 'fields', fields: [{ label: 'Replicas', value: '1' }] }] });
      },
    });
    testBot = await startTestBot(runner);
    await testBot.post(command('deploy ci replicas=1'));
    await waitFor(() => slack.channelWrites().length === 4, 'post + 3 updates');

    const writes = slack.channelWrites();
    expect(writes.map((w) => w.method)).toEqual(['chat.postMessage', 'chat.update', 'chat.update', 'chat.update']);
    const ts = slack.callsOf('chat.postMessage')[0]!;
    expect(ts.args.channel).toBe(CHANNEL_ID);
    for (const update of slack.callsOf('chat.update')) {
      expect(update.args).toMatchObject({ channel: CHANNEL_ID, ts: '1700000000.000001' });
    }
    expect(writes.map((w) => w.args.text)).toEqual(['Rendering ci', 'Applying 12 objects', 'Waiting for rollout', 'Deployed ci']);
    expect(blockTexts(writes[3]!.args.blocks)).toContain('*Replicas*\\n1');
    expect(slack.responses).toEqual([]);
  });

  it('coalesces rapid progress steps: the newest content wins, nothing stale is queued', async () => {
    const runner = new FakeRunner({
      handle: async (_text, _caller, reply) => {
        for (let i = 1; i <= 20; i += 1) await reply.progress(step(`step ${i}`));
        await reply.result({ tone: 'success', title: 'done', blocks: [] });
      },
    });
    testBot = await startTestBot(runner, {}, 50);
    await testBot.post(command('deploy ci'));
    await waitFor(() => slack.channelWrites().at(-1)?.args.text === 'done', 'the result');
    const writes = slack.channelWrites();
    expect(slack.callsOf('chat.postMessage')).toHaveLength(1);
    // 21 messages were produced; far fewer edits reach Slack.
    expect(writes.length).toBeLessThan(5);
  });

  it('sends errors and help only to the requester (ephemeral via response_url), no channel message', async () => {
    const runner = new FakeRunner({
      handle: async (text, _caller, reply) => {
        await reply.result({
          tone: 'danger',
          title: `Unknown command "${text}"`,
          ephemeral: true,
          blocks: [{ type: 'text', text: 'Usage: /jenkins deploy <name> [key=value …]  <!channel> & co' }],
        });
      },
    });
    testBot = await startTestBot(runner);
    await testBot.post(command('depoly ci'));
    await waitFor(() => slack.responses.length === 1, 'the ephemeral answer');
    expect(slack.responses[0]!.url).toBe(slack.commandResponseUrl);
    expect(slack.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: 'Unknown command "depoly ci"' });
    // User text is mrkdwn-escaped: no @channel ping, no broken entities.
    const blocks = blockTexts(slack.responses[0]!.body.blocks);
    expect(blocks).toContain('&lt;!channel&gt; &amp; co');
    expect(slack.channelWrites()).toEqual([]);
    await waitFor(() => testBot!.logs().includes('command handled'), 'the command to finish');
    expect(await testBot.metrics.registry.getSingleMetricAsString('commands_total')).toContain('commands_total{command="other",result="error"} 1');
  });

  it('falls back to chat.postEphemeral when the response_url cannot be used', async () => {
    slack.responseUrlStatus = 404;
    const runner = new FakeRunner({
      handle: async (_text, _caller, reply) => {
        await reply.result({ tone: 'info', title: 'Help', ephemeral: true, blocks: [{ type: 'text', text: '/jenkins help' }] });
      },
    });
    testBot = await startTestBot(runner);
    await testBot.post(command('help'));
    await waitFor(() => slack.callsOf('chat.postEphemeral').length === 1, 'the ephemeral fallback');
    expect(slack.callsOf('chat.postEphemeral')[0]!.args).toMatchObject({ channel: CHANNEL_ID, user: REQUESTER, text: 'Help' });
  });

  it('waits out a 429 with Retry-After on chat.update and still shows the result', async () => {
    slack.failNext('chat.update', { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '1' } });
    const runner = new FakeRunner({
      handle: async (_text, _caller, reply) => {
        await reply.progress(step('Applying'));
        await waitFor(() => slack.channelWrites().length === 1, 'the progress message');
        await reply.result({ tone: 'success', title: 'Scaled ci to 0', blocks: [] });
      },
    });
    testBot = await startTestBot(runner);
    await testBot.post(command('scale ci 0'));
    await waitFor(() => slack.callsOf('chat.update').length === 2, 'the retried update');
    const updates = slack.callsOf('chat.update');
    expect(updates.map((u) => u.args.text)).toEqual(['Scaled ci to 0', 'Scaled ci to 0']);
    expect(await testBot.metrics.registry.getSingleMetricAsString('slack_api_errors_total')).toContain(
      'slack_api_errors_total{method="chat.update",code="ratelimited"} 1',
    );
  });

  it('does not run a redelivered command twice (X-Slack-Retry-Num)', async () => {
    const runner = new FakeRunner({
      handle: async (_text, _caller, reply) => reply.result({ tone: 'success', title: 'Deleted ci', blocks: [] }),
    });
    testBot = await startTestBot(runner);
    const body = command('delete ci');
    expect((await testBot.post(body)).status).toBe(200);
    const retry = await testBot.post(body, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    await waitFor(() => slack.channelWrites().length === 1, 'the one result');
    await waitFor(() => testBot!.logs().includes('ignored a redelivered slash command'), 'the retry to be seen');
    expect(runner.calls.filter((c) => c.kind === 'handle')).toHaveLength(1);
    expect(await testBot.metrics.registry.getSingleMetricAsString('commands_total')).toContain(
      'commands_total{command="delete",result="ignored_retry"} 1',
    );
  });

  it('answers a runner crash with an ephemeral error and keeps serving', async () => {
    const runner = new FakeRunner({
      handle: async () => {
        throw new Error(`boom with xoxb-1234-secret-looking-token`);
      },
    });
    testBot = await startTestBot(runner);
    await testBot.post(command('status'));
    await waitFor(() => slack.responses.length === 1, 'the error answer');
    const answer = JSON.stringify(slack.responses[0]!.body);
    expect(answer).toContain('Something went wrong running /jenkins status');
    expect(answer).not.toContain('xoxb-1234');
    expect(testBot.logs()).not.toContain('xoxb-1234');
    expect(testBot.logs()).not.toContain('xoxb-0000-test-not-real');
  });
});
