import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { SocketModeReceiver } from '@slack/bolt';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/observability/logger.js';
import { createSlackBot } from '../../src/transports/slack/bot.js';
import { readSlackConfig } from '../../src/transports/slack/config.js';
import { FakeRunner, FAKE_BOT_TOKEN, waitFor } from './helpers/harness.js';
import { BOT_ID, BOT_USER_ID, slashCommandBody } from './helpers/payloads.js';
import { FakeSlack } from './helpers/slack-web-api.js';

const FAKE_APP_TOKEN = 'xapp-1-A0TEST-not-real';


describe('Slack configuration', () => {
  it('chooses Socket Mode when SLACK_APP_TOKEN is set, HTTP mode otherwise', () => {
    expect(readSlackConfig({ SLACK_BOT_TOKEN: FAKE_BOT_TOKEN, SLACK_APP_TOKEN: FAKE_APP_TOKEN }).mode).toBe('socket');
    expect(readSlackConfig({ SLACK_BOT_TOKEN: FAKE_BOT_TOKEN, SLACK_SIGNING_SECRET: 'x' })).toMatchObject({ mode: 'http', port: 3000 });
  });

  it('explains what is missing or wrong without echoing tokens', () => {
    expect(() => readSlackConfig({})).toThrow(/SLACK_BOT_TOKEN is not set/);
    expect(() => readSlackConfig({ SLACK_BOT_TOKEN: FAKE_BOT_TOKEN })).toThrow(/set SLACK_APP_TOKEN \(Socket Mode.*or SLACK_SIGNING_SECRET/);
    const wrong = 'xoxp-user-token-not-real';
    expect(() => readSlackConfig({ SLACK_BOT_TOKEN: wrong, SLACK_APP_TOKEN: FAKE_APP_TOKEN })).toThrow(/must start with "xoxb-"/);
    try {
      readSlackConfig({ SLACK_BOT_TOKEN: wrong, SLACK_APP_TOKEN: FAKE_APP_TOKEN });
    } catch (err) {
      expect((err as Error).message).not.toContain(wrong);
    }
    expect(() => readSlackConfig({ SLACK_BOT_TOKEN: FAKE_BOT_TOKEN, SLACK_APP_TOKEN: 'xoxb-wrong-kind' })).toThrow(/must start with "xapp-"/);
    expect(() => readSlackConfig({ SLACK_BOT_TOKEN: FAKE_BOT_TOKEN, SLACK_SIGNING_SECRET: 'x', SLACK_PORT: 'abc' })).toThrow(/SLACK_PORT "abc" is not a port/);
  });
});

describe('Socket Mode (not connected: no network in tests)', () => {
  function socketBot(runner: FakeRunner) {
    let logs = '';
    const destination = new Writable({ write: (chunk: Buffer, _e, done) => ((logs += chunk.toString()), done()) });
    const bot = createSlackBot({
      runner,
      env: { SLACK_BOT_TOKEN: FAKE_BOT_TOKEN, SLACK_APP_TOKEN: FAKE_APP_TOKEN },
      botId: BOT_ID,
      botUserId: BOT_USER_ID,
      updateIntervalMs: 0,
      logger: createLogger({ level: 'debug', destination }),
    });
    return { bot, logs: () => logs };
  }

  it('uses the Socket Mode receiver and is not ready before it connects', () => {
    const { bot } = socketBot(new FakeRunner());
    expect(bot.mode).toBe('socket');
    expect((bot.app as unknown as { receiver: unknown }).receiver).toBeInstanceOf(SocketModeReceiver);
    expect(bot.isReady()).toBe(false);
  });

  it('runs a delivered command once and drops a redelivery marked with retry_attempt', async () => {
    new FakeSlack();
    const runner = new FakeRunner({ handle: async (_t, _c, reply) => reply.result({ tone: 'success', title: 'ok', blocks: [] }) });
    const { bot, logs } = socketBot(runner);
    const body = Object.fromEntries(new URLSearchParams(slashCommandBody('scale ci 0')));
    const acks: string[] = [];
    // What SocketModeReceiver hands to the app for an envelope (retryNum comes from retry_attempt).
    await bot.app.processEvent({ body, ack: async () => void acks.push('first') });
    await bot.app.processEvent({ body, ack: async () => void acks.push('retry'), retryNum: 1, retryReason: 'timeout' });
    await waitFor(() => logs().includes('ignored a redelivered slash command'), 'the redelivery to be dropped');
    expect(acks).toEqual(['first', 'retry']);
    expect(runner.calls).toHaveLength(1);
    nock.cleanAll();
  });
});
