// SIGTERM during a rolling update: the bot stops taking commands but lets a running one finish its message.
import { afterEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { FakeRunner, deferred, startTestBot, waitFor, type TestBot } from './helpers/harness.js';
import { slashCommandBody } from './helpers/payloads.js';
import { FakeSlack } from './helpers/slack-web-api.js';

let testBot: TestBot | undefined;
afterEach(async () => {
  await testBot?.stop();
  testBot = undefined;
  nock.cleanAll();
});

describe('stopping the bot', () => {
  it('waits for a running command to post its result before stop() resolves', async () => {
    const slack = new FakeSlack();
    const started = deferred();
    const release = deferred();
    const runner = new FakeRunner({
      handle: async (_text, _caller, reply) => {
        started.resolve();
        await release.promise;
        await reply.result({ tone: 'success', title: 'Deployed ci', blocks: [] });
      },
    });
    testBot = await startTestBot(runner);
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
    new FakeSlack();
    testBot = await startTestBot(new FakeRunner({}));
    await testBot.stop();
    expect(testBot.logs()).not.toContain('waiting for running commands');
    testBot = undefined;
  });
});
