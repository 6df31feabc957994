// The Slack side of posting: a Poster over the shared Web API client (slack-client/web-client.ts), which throws on
// 429 instead of pausing everything (the channel queue decides) and does not retry on its own (the queue retries,
// bounded and counted).
import type { WebClient } from '../../slack-client/web-client.js';
import type { Poster } from './channel-queue.js';
import type { MessagePayload } from './messages.js';

export function webClientPoster(client: WebClient): Poster {
  return {
    async send(channel: string, payload: MessagePayload) {
      const blocks = payload.blocks as never;
      if (payload.updateTs) {
        await client.chat.update({ channel, ts: payload.updateTs, text: payload.text, ...(blocks ? { blocks } : {}) });
        return { ts: payload.updateTs };
      }
      const result = await client.chat.postMessage({
        channel,
        text: payload.text,
        ...(blocks ? { blocks } : {}),
        ...(payload.threadTs ? { thread_ts: payload.threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
      });
      return result.ts ? { ts: result.ts } : {};
    },
  };
}
