// A response_url accepts at most 5 posts within 30 minutes. This wrapper counts them so the last use is kept for
// what matters (the result), and reports an exhausted or expired URL as unusable instead of failing late.
import type { RenderedMessage } from './block-kit.js';

export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;

export type RespondFn = (message: Record<string, unknown>) => Promise<unknown>;

export interface RespondOptions {
  responseType: 'ephemeral' | 'in_channel';
  /** Replace the message the URL belongs to (a click's message, or an earlier response). */
  replaceOriginal?: boolean;
  /** Leave this many uses for later (e.g. 1 for the final result). */
  keep?: number;
}

export class ResponseUrl {
  private uses = 0;
  private readonly expiresAt: number;

  constructor(
    private readonly respond: RespondFn | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.expiresAt = now() + RESPONSE_URL_LIFETIME_MS;
  }

  /** Whether a post (leaving `keep` uses) is still allowed. */
  available(keep = 0): boolean {
    return this.respond !== undefined && this.uses + keep < RESPONSE_URL_MAX_USES && this.now() < this.expiresAt;
  }

  /** Posts and returns true, or returns false when the URL is used up, expired or the post failed. */
  async post(message: RenderedMessage, options: RespondOptions): Promise<boolean> {
    if (!this.respond || !this.available(options.keep ?? 0)) return false;
    this.uses += 1;
    try {
      await this.respond({
        response_type: options.responseType,
        replace_original: options.replaceOriginal ?? false,
        text: message.text,
        blocks: message.blocks,
      });
      return true;
    } catch {
      return false;
    }
  }
}
