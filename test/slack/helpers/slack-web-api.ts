// Serves the Slack Web API (https://slack.com/api/<method>) and response_urls (https://hooks.slack.com/…) with
// nock, recording every call with its decoded arguments. Answers have Slack's real shapes.
import nock from 'nock';
import { BOT_ID, BOT_USER_ID } from './payloads.js';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
}

export interface RecordedResponse {
  url: string;
  body: Record<string, unknown>;
}

type Override = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };

/** Decodes a Web API request body (the client sends form-encoded fields, with JSON for blocks). */
function decode(body: unknown): Record<string, unknown> {
  if (typeof body === 'object' && body !== null) return body as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(String(body))) {
    out[key] = key === 'blocks' || key === 'attachments' ? JSON.parse(value) : value;
  }
  return out;
}

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  private readonly overrides = new Map<string, Override[]>();
  private tsCounter = 0;

  /** `responseUrlStatus`: what hooks.slack.com answers (404 = an expired or used-up response_url). */
  constructor(options: { responseUrlStatus?: number } = {}) {
    nock('https://slack.com')
      .persist()
      .post(/^\/api\/[a-zA-Z.]+$/)
      .reply((uri, body) => {
        const method = uri.replace('/api/', '');
        const args = decode(body);
        this.calls.push({ method, args });
        const override = this.overrides.get(method)?.shift();
        if (override) return [override.status, override.body, { 'content-type': 'application/json', ...override.headers }];
        return [200, this.answer(method, args), { 'content-type': 'application/json; charset=utf-8' }];
      });
    nock('https://hooks.slack.com')
      .persist()
      .post(/^\/(commands|actions)\//)
      .reply((uri, body) => {
        this.responses.push({ url: `https://hooks.slack.com${uri}`, body: typeof body === 'string' ? JSON.parse(body) : (body as Record<string, unknown>) });
        const status = options.responseUrlStatus ?? 200;
        return [status, status === 200 ? 'ok' : 'expired_url', { 'content-type': 'text/html' }];
      });
    nock('https://files.slack.com')
      .persist()
      .post(/^\/upload\/v1\//)
      .reply(200, 'OK - 42', { 'content-type': 'text/plain' });
  }

  /** The next call of `method` gets this answer instead of success. */
  failNext(method: string, override: Override): void {
    const queue = this.overrides.get(method) ?? [];
    queue.push(override);
    this.overrides.set(method, queue);
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Everything this fake has answered for posts into a channel, in order. */
  channelWrites(): RecordedCall[] {
    return this.calls.filter((call) => call.method === 'chat.postMessage' || call.method === 'chat.update');
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `1700000000.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const message = (ts: string) => ({ type: 'message', subtype: 'bot_message', text: args.text, user: BOT_USER_ID, bot_id: BOT_ID, ts, blocks: args.blocks });
    switch (method) {
      case 'chat.postMessage': {
        const ts = this.nextTs();
        return { ok: true, channel: args.channel, ts, message: message(ts) };
      }
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text, message: message(String(args.ts)) };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'files.getUploadURLExternal':
        return { ok: true, upload_url: 'https://files.slack.com/upload/v1/CwABAAAAXwoAAZ', file_id: 'F0TEST001' };
      case 'files.completeUploadExternal':
        return { ok: true, files: [{ id: 'F0TEST001', title: args.files ? 'file' : 'file' }] };
      case 'usergroups.list':
        return { ok: true, usergroups: [{ id: 'S0ADMINS1', handle: 'jenkins-admins', users: ['U0ALICE01'] }] };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

export function resetNock(): void {
  nock.cleanAll();
}

export function blockTexts(blocks: unknown): string {
  return JSON.stringify(blocks ?? []);
}
