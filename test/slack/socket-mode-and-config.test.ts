import { describe, expect, it } from '@jest/globals';
import { SocketModeReceiver } from '@slack/bolt';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/observability/logger.js';
import { createSlackBot } from '../../src/transports/slack/bot.js';
import { readSlackConfig } from '../../src/transports/slack/config.js';
import { FakeRunner, FAKE_BOT_TOKEN } from './helpers/harness.js';
import { BOT_ID, BOT_USER_ID } from './helpers/payloads.js';

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

// Socket Mode over a real WebSocket (connect, envelopes, acks, reconnects) is in socket-mode.test.ts.
describe('Socket Mode, built but not started', () => {
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
});
