import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import type { AuditEvent } from '../../src/commands/audit.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createSlackAuditSink } from '../../src/transports/slack/audit.js';
import { SlackApi } from '../../src/transports/slack/slack-api.js';
import { createSlackWebClient } from '../../src/slack-client/web-client.js';
import { FAKE_BOT_TOKEN } from './helpers/harness.js';
import { SlackApiServer } from './helpers/slack-api-server.js';

let slack: SlackApiServer;
beforeEach(async () => {
  slack = await SlackApiServer.start();
});
afterEach(async () => {
  await slack.close();
});

const event: AuditEvent = {
  at: '2026-11-25T10:00:00.000Z',
  user: 'U0ALICE01',
  userName: 'alice',
  transport: 'slack',
  channel: 'C0TEST001',
  command: 'delete',
  instance: 'ci',
  text: 'delete ci --purge',
  result: 'done',
};

function sink(channel?: string, now?: () => number) {
  let logs = '';
  const destination = new Writable({ write: (chunk: Buffer, _e, done) => ((logs += chunk.toString()), done()) });
  const metrics = createMetrics();
  // The client reads SLACK_API_URL like the bot's and the alerter's do.
  const api = new SlackApi(createSlackWebClient(FAKE_BOT_TOKEN, { env: { SLACK_API_URL: slack.apiUrl } }), metrics);
  return { audit: createSlackAuditSink({ api, channel, logger: createLogger({ destination }), ...(now ? { now } : {}) }), logs: () => logs, metrics };
}

describe('Slack audit sink', () => {
  it('logs every mutating command and posts it to ALERT_CHANNEL', async () => {
    const { audit, logs } = sink('C0ALERTS1');
    await audit(event);
    const [post] = slack.callsOf('chat.postMessage');
    expect(post!.args.channel).toBe('C0ALERTS1');
    expect(JSON.stringify(post!.args.blocks)).toContain('*delete* `delete ci --purge` by <@U0ALICE01> in <#C0TEST001>: *done*');
    expect(JSON.parse(logs().trim())).toMatchObject({ component: 'audit', audit: { command: 'delete', result: 'done', user: 'U0ALICE01' } });
  });

  it('only logs when no alert channel is configured, and never posts a pending confirmation', async () => {
    await sink(undefined).audit(event);
    await sink('C0ALERTS1').audit({ ...event, result: 'awaiting-confirmation' });
    expect(slack.calls).toEqual([]);
  });

  it('a failed post is logged and counted, never thrown into the command', async () => {
    slack.failNext('chat.postMessage', { status: 200, body: { ok: false, error: 'not_in_channel' } });
    const { audit, logs, metrics } = sink('C0ALERTS1');
    await expect(audit({ ...event, result: 'denied', detail: 'alice may not delete ci' })).resolves.toBeUndefined();
    expect(logs()).toContain('could not post the audit line to ALERT_CHANNEL');
    expect(await metrics.registry.getSingleMetricAsString('slack_api_errors_total')).toContain('method="chat.postMessage",code="not_in_channel"} 1');
  });

  it('posts a flood of denials from one user once per minute, logging every one', async () => {
    let clock = 1_000_000;
    const { audit, logs } = sink('C0ALERTS1', () => clock);
    const denied: AuditEvent = { ...event, result: 'denied', detail: 'alice may not delete ci' };
    for (let i = 0; i < 20; i += 1) {
      await audit(denied);
      clock += 1000; // one denial a second
    }
    // Another user's denial is not held back by alice's flood.
    await audit({ ...denied, user: 'U0BOB0001', userName: 'bob' });
    const posts = () => slack.callsOf('chat.postMessage');
    expect(posts().map((p) => JSON.stringify(p.args.blocks).includes('<@U0BOB0001>'))).toEqual([false, true]);
    expect(logs().trim().split('\n').filter((line) => line.includes('"result":"denied"'))).toHaveLength(21);

    // 60 s after alice's first post, her next denial is posted again, saying how many were only logged.
    clock = 1_000_000 + 59_999;
    await audit(denied);
    expect(posts()).toHaveLength(2);
    clock = 1_000_000 + 60_000;
    await audit(denied);
    expect(posts()).toHaveLength(3);
    expect(JSON.stringify(posts()[2]!.args.blocks)).toContain('20 earlier denials of this user only in the log');
    // Other results are never held back.
    await audit({ ...event, result: 'done' });
    await audit({ ...event, result: 'done' });
    expect(posts()).toHaveLength(5);
  });
});
