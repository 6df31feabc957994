// The audit trail in Slack: every mutating command (who, what, where, result) is logged and posted to the alert
// channel. Each command is handled by exactly one replica, so each audit line is posted once. Denials are posted at
// most once per user per minute (a user hammering a command they may not run must not flood the alert channel);
// every one is still logged, and the next post says how many were only logged.
import type { AuditEvent, AuditSink } from '../../commands/audit.js';
import type { Logger } from '../../observability/logger.js';
import type { RenderedMessage } from './block-kit.js';
import { escapeMrkdwn, truncate } from './mrkdwn.js';
import type { SlackApi } from './slack-api.js';

export interface SlackAuditSinkOptions {
  api: SlackApi;
  /** ALERT_CHANNEL; without it audits are only logged. */
  channel?: string;
  logger?: Logger;
  /** At most one denial post per user in this window; default 60 s. */
  deniedPostIntervalMs?: number;
  /** Milliseconds clock (tests inject one). */
  now?: () => number;
}

export const DENIED_POST_INTERVAL_MS = 60_000;

const RESULT_EMOJI: Record<string, string> = {
  done: ':white_check_mark:',
  failed: ':x:',
  denied: ':no_entry:',
  refused: ':no_entry:',
  cancelled: ':heavy_multiplication_x:',
  'awaiting-confirmation': ':hourglass_flowing_sand:',
};

export function createSlackAuditSink(options: SlackAuditSinkOptions): AuditSink {
  const log = options.logger?.child({ component: 'audit' });
  const now = options.now ?? Date.now;
  const interval = options.deniedPostIntervalMs ?? DENIED_POST_INTERVAL_MS;
  // Per user: when a denial was last posted, and how many were only logged since.
  const denials = new Map<string, { postedAt: number; onlyLogged: number }>();
  return async (event) => {
    const failed = event.result === 'failed' || event.result === 'denied' || event.result === 'refused';
    log?.[failed ? 'warn' : 'info']({ audit: event }, `audit: ${event.command} by ${event.user}: ${event.result}`);
    // A pending confirmation is not an outcome yet; the confirm or cancel that follows is posted.
    if (!options.channel || event.result === 'awaiting-confirmation') return;
    let onlyLogged = 0;
    if (event.result === 'denied') {
      const at = now();
      for (const [user, seen] of denials) if (at - seen.postedAt >= interval && seen.onlyLogged === 0) denials.delete(user);
      const seen = denials.get(event.user);
      if (seen && at - seen.postedAt < interval) {
        seen.onlyLogged += 1;
        return;
      }
      onlyLogged = seen?.onlyLogged ?? 0;
      denials.set(event.user, { postedAt: at, onlyLogged: 0 });
    }
    try {
      await options.api.postMessage(options.channel, renderAudit(event, onlyLogged));
    } catch (err) {
      log?.error({ err, channel: options.channel }, 'could not post the audit line to ALERT_CHANNEL (is the bot in that channel?)');
    }
  };
}

/** `onlyLogged`: denials of this user since the last posted one that were logged but not posted. */
export function renderAudit(event: AuditEvent, onlyLogged = 0): RenderedMessage {
  const who = mention(event.user, '@', event.userName);
  const where = event.channel ? ` in ${mention(event.channel, '#')}` : ` via ${escapeMrkdwn(event.transport)}`;
  const what = `\`${escapeMrkdwn(truncate(event.text, 300))}\``;
  const detail = event.detail ? `\n${escapeMrkdwn(truncate(event.detail, 1500))}` : '';
  const emoji = RESULT_EMOJI[event.result] ?? ':memo:';
  const text = `${emoji} *${escapeMrkdwn(event.command)}* ${what} by ${who}${where}: *${escapeMrkdwn(event.result)}*${detail}`;
  return {
    text: `audit: ${event.command} by ${event.userName ?? event.user}: ${event.result}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `audit · ${escapeMrkdwn(event.at)}${onlyLogged > 0 ? ` · ${onlyLogged} earlier denial${onlyLogged === 1 ? '' : 's'} of this user only in the log` : ''}` }] },
    ],
  };
}

/** Slack ids become mentions; anything else (console user names) is shown as escaped text. */
function mention(id: string, sigil: '@' | '#', name?: string): string {
  if (sigil === '@' && /^[UW][A-Z0-9]{2,}$/.test(id)) return `<@${id}>`;
  if (sigil === '#' && /^[CGD][A-Z0-9]{2,}$/.test(id)) return `<#${id}>`;
  return escapeMrkdwn(name ?? id);
}
