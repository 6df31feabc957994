// Metric label values. The command label comes from a fixed list so that typos in Slack cannot create unbounded
// Prometheus series.
import type { SlackReply } from './slack-reply.js';

const KNOWN_COMMANDS = new Set(['deploy', 'scale', 'status', 'diff', 'casc', 'templates', 'delete', 'password', 'help']);

export function commandLabel(text: string): string {
  const first = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (first === '') return 'none';
  return KNOWN_COMMANDS.has(first) ? first : 'other';
}

/** ok, warning, error (by the final answer's tone), awaiting_confirmation, no_answer or exception. */
export function resultLabel(reply: SlackReply, threw: boolean): string {
  if (threw) return 'exception';
  switch (reply.resultTone) {
    case 'success':
    case 'info':
      return 'ok';
    case 'warning':
      return 'warning';
    case 'danger':
      return 'error';
    default:
      return reply.confirmationAsked ? 'awaiting_confirmation' : 'no_answer';
  }
}
