// The few Web API calls the bot makes, each counted in slack_api_errors_total when it fails. Rate-limited calls
// are not retried here (the WebClient is built with rejectRateLimitedCalls): the caller decides, because a
// progress update that waits 30 s is better replaced by the next one.
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../observability/logger.js';
import type { BotMetrics } from '../../observability/metrics.js';
import type { RenderedMessage } from './block-kit.js';

export interface MessageRef {
  channel: string;
  ts: string;
}

/** A failed Slack call, with the Slack error code (`channel_not_found`, `ratelimited`, …) and any Retry-After. */
export class SlackCallError extends Error {
  constructor(
    readonly method: string,
    readonly slackCode: string,
    /** Seconds, when Slack answered 429. */
    readonly retryAfterSeconds?: number,
  ) {
    super(`Slack ${method} failed: ${slackCode}`);
    this.name = 'SlackCallError';
  }

  get rateLimited(): boolean {
    return this.retryAfterSeconds !== undefined;
  }
}

/** Errors that mean "the bot cannot post into this conversation" (not a member, a DM, an archived channel). */
export const CANNOT_POST_HERE = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'cant_update_message',
  'message_not_found',
]);

export class SlackApi {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly metrics?: BotMetrics,
    private readonly logger?: Logger,
  ) {}

  async postMessage(channel: string, message: RenderedMessage): Promise<MessageRef> {
    const result = await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false }),
    );
    return { channel: result.channel ?? channel, ts: requireTs(result.ts, 'chat.postMessage') };
  }

  async update(ref: MessageRef, message: RenderedMessage): Promise<void> {
    await this.call('chat.update', () =>
      this.client.chat.update({ channel: ref.channel, ts: ref.ts, text: message.text, blocks: message.blocks }),
    );
  }

  async postEphemeral(channel: string, user: string, message: RenderedMessage): Promise<void> {
    await this.call('chat.postEphemeral', () =>
      this.client.chat.postEphemeral({ channel, user, text: message.text, blocks: message.blocks }),
    );
  }

  /** Uploads text as a file shared into the channel (Slack shows it as a snippet with a preview). */
  async uploadText(channel: string, filename: string, content: string, threadTs?: string): Promise<void> {
    await this.call('files.uploadV2', () =>
      threadTs
        ? this.client.filesUploadV2({ channel_id: channel, thread_ts: threadTs, filename, title: filename, content })
        : this.client.filesUploadV2({ channel_id: channel, filename, title: filename, content }),
    );
  }

  /** Every user group with its member ids (needs the usergroups:read scope). */
  async listUserGroups(): Promise<Array<{ id: string; users: string[] }>> {
    const result = await this.call('usergroups.list', () => this.client.usergroups.list({ include_users: true }));
    return (result.usergroups ?? []).map((group) => ({ id: group.id ?? '', users: group.users ?? [] }));
  }

  private async call<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const failure = toCallError(method, err);
      this.metrics?.slackApiErrorsTotal.inc({ method, code: failure.slackCode });
      this.logger?.warn({ method, code: failure.slackCode, retryAfterSeconds: failure.retryAfterSeconds }, 'Slack API call failed');
      throw failure;
    }
  }
}

function requireTs(ts: string | undefined, method: string): string {
  if (!ts) throw new SlackCallError(method, 'missing_ts');
  return ts;
}

interface WebApiErrorShape {
  code?: string;
  data?: { error?: string };
  retryAfter?: number;
  statusCode?: number;
}

function toCallError(method: string, err: unknown): SlackCallError {
  if (err instanceof SlackCallError) return err;
  const shape = (typeof err === 'object' && err !== null ? err : {}) as WebApiErrorShape;
  switch (shape.code) {
    case 'slack_webapi_platform_error':
      return new SlackCallError(method, shape.data?.error ?? 'unknown_error');
    case 'slack_webapi_rate_limited_error':
      return new SlackCallError(method, 'ratelimited', shape.retryAfter ?? 1);
    case 'slack_webapi_http_error':
      return new SlackCallError(method, `http_${shape.statusCode ?? 'error'}`);
    case 'slack_webapi_request_error':
      return new SlackCallError(method, 'request_error');
    default:
      return new SlackCallError(method, 'unexpected_error');
  }
}
