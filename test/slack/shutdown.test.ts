// SIGTERM during a rolling update: the bot stops taking commands but lets a running one finish its message.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeRunner, deferred, startTestBot, waitFor, type TestBot } from './helpers/harness.js';
import { slashCommandBody } from './helpers/payloads.js';
import { SlackApiServer } from './helpers/slack-api-server.js';

let testBot: TestBot | undefined;
let slack: SlackApiServer;
beforeEach(async () => {
  slack = await SlackApiServer.start();
});
afterEach(async () => {
  await testBot?.stop();
  testBot = undefined;
  await slack.close();
});

describe('stopping the bot', () => {
  it('waits for a running command to post its result before stop() resolves', async () => {
    const started = deferred();
    const release = deferred();
    const runner = new FakeRunner({
      handle: async (_text, _caller, reply) => {
        started.resolve();
        await release.promise;
        await reply.result({ tone: 'success', title: 'Deployed ci', blocks: [] });
      },
    });
    testBot = await startTestBot(runner, { SLACK_API_URL: slack.apiUrl });
    await testBot.post(slashCommandBody('deploy ci'));
    await started.promise;

    let stopped = false;
    const stopping = testBot.stop().then(() => {
      stopped = true;
    });
    // The receiver is closed (no new commands) and the bot is now only waiting for the running one.
    const bot = testBot;
    await waitFor(() => bot.logs().includes('waiting for running commands to finish'), 'the drain to begin');
    expect(stopped).toBe(false);

    release.resolve();
    await stopping;
    expect(slack.channelWrites().map((w) => w.args.text)).toEqual(['Deployed ci']);
    testBot = undefined;
  });

  it('stops at once when nothing is running', async () => {
    testBot = await startTestBot(new FakeRunner({}), { SLACK_API_URL: slack.apiUrl });
    await testBot.stop();
    expect(testBot.logs()).not.toContain('waiting for running commands');
    testBot = undefined;
  });
});
