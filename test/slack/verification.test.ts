import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeRunner, startTestBot, waitFor, type TestBot } from './helpers/harness.js';
import { REQUESTER, blockActionsBody, slashCommandBody } from './helpers/payloads.js';
import { nowSeconds, slackSignature } from './helpers/signing.js';
import { SlackApiServer } from './helpers/slack-api-server.js';

let slack: SlackApiServer;
let testBot: TestBot | undefined;
let runner: FakeRunner;

beforeEach(async () => {
  slack = await SlackApiServer.start();
  runner = new FakeRunner({ handle: async (_t, _c, reply) => reply.result({ tone: 'success', title: 'ran', blocks: [] }) });
  testBot = await startTestBot(runner, { SLACK_API_URL: slack.apiUrl });
});
afterEach(async () => {
  await testBot?.stop();
  testBot = undefined;
  await slack?.close();
});

describe('request verification (HTTP mode)', () => {
  it('rejects a slash command signed with the wrong secret: 401, runner never called', async () => {
    const body = slashCommandBody('delete ci --purge');
    const res = await testBot!.post(body, { unsigned: true, headers: slackSignature(body, nowSeconds(), 'some-other-secret') });
    expect(res.status).toBe(401);
    expect(runner.calls).toEqual([]);
    expect(slack.calls).toEqual([]);
  });

  it('rejects a body altered after signing', async () => {
    const signed = slashCommandBody('status');
    const res = await testBot!.post(slashCommandBody('delete ci --purge'), { unsigned: true, headers: slackSignature(signed, nowSeconds()) });
    expect(res.status).toBe(401);
    expect(runner.calls).toEqual([]);
  });

  it('rejects a correctly signed but stale request (timestamp more than 5 minutes old)', async () => {
    const res = await testBot!.post(slashCommandBody('delete ci'), { timestamp: nowSeconds() - 6 * 60 });
    expect(res.status).toBe(401);
    expect(runner.calls).toEqual([]);
  });

  it('rejects a request without signature headers', async () => {
    const res = await testBot!.post(slashCommandBody('status'), { unsigned: true });
    expect(res.status).toBe(401);
    expect(runner.calls).toEqual([]);
  });

  it('rejects a badly signed button click: nothing confirmed', async () => {
    const body = blockActionsBody({ user: REQUESTER, actionId: 'jenkins_confirm', token: 'c1.x.y', messageTs: '1700000000.000001' });
    const res = await testBot!.post(body, { unsigned: true, headers: slackSignature(body, nowSeconds(), 'some-other-secret') });
    expect(res.status).toBe(401);
    expect(runner.calls).toEqual([]);
  });

  it('accepts the same request when correctly signed and fresh (control)', async () => {
    const res = await testBot!.post(slashCommandBody('status'));
    expect(res.status).toBe(200);
    await waitFor(() => runner.calls.length === 1, 'the runner to be called');
    expect(runner.calls.map((c) => c.arg)).toEqual(['status']);
  });
});
