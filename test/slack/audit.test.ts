import { afterEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { Writable } from 'node:stream';
import { webApi } from '@slack/bolt';
import type { AuditEvent } from '../../src/commands/audit.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createSlackAuditSink } from '../../src/transports/slack/audit.js';
import { SlackApi } from '../../src/transports/slack/slack-api.js';
import { FAKE_BOT_TOKEN } from './helpers/harness.js';
import { FakeSlack } from './helpers/slack-web-api.js';

afterEach(() => {
  nock.cleanAll();
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

function sink(channel?: string) {
  let logs = '';
  const destination = new Writable({ write: (chunk: Buffer, _e, done) => ((logs += chunk.toString()), done()) });
  const metrics = createMetrics();
  const api = new SlackApi(new webApi.WebClient(FAKE_BOT_TOKEN, { retryConfig: { retries: 0 } }), metrics);
  return { audit: createSlackAuditSink({ api, channel, logger: createLogger({ destination }) }), logs: () => logs, metrics };
}

describe('Slack audit sink', () => {
  it('logs every mutating command and posts it to ALERT_CHANNEL', async () => {
    const slack = new FakeSlack();
    const { audit, logs } = sink('C0ALERTS1');
    await audit(event);
    const [post] = slack.callsOf('chat.postMessage');
    expect(post!.args.channel).toBe('C0ALERTS1');
    expect(JSON.stringify(post!.args.blocks)).toContain('*delete* `delete ci --purge` by <@U0ALICE01> in <#C0TEST001>: *done*');
    expect(JSON.parse(logs().trim())).toMatchObject({ component: 'audit', audit: { command: 'delete', result: 'done', user: 'U0ALICE01' } });
  });

  it('only logs when no alert channel is configured, and never posts a pending confirmation', async () => {
    const slack = new FakeSlack();
    await sink(undefined).audit(event);
    await sink('C0ALERTS1').audit({ ...event, result: 'awaiting-confirmation' });
    expect(slack.calls).toEqual([]);
  });

  it('a failed post is logged and counted, never thrown into the command', async () => {
    const slack = new FakeSlack();
    slack.failNext('chat.postMessage', { status: 200, body: { ok: false, error: 'not_in_channel' } });
    const { audit, logs, metrics } = sink('C0ALERTS1');
    await expect(audit({ ...event, result: 'denied', detail: 'alice may not delete ci' })).resolves.toBeUndefined();
    expect(logs()).toContain('could not post the audit line to ALERT_CHANNEL');
    expect(await metrics.registry.getSingleMetricAsString('slack_api_errors_total')).toContain('method="chat.postMessage",code="not_in_channel"} 1');
  });
});
