// What every answer to a command must be: one a person can read. Not a stack trace, not `[object Object]`,
// not a programming error's own words passed through.
import type { Message } from '../../src/commands/model.js';
import { textOf } from '../commands/recording-reply.js';

const TONES = new Set(['info', 'success', 'warning', 'danger']);
/** What a caught programming error looks like when it reaches a user instead of a sentence meant for them. */
const INTERNAL_ERROR = /Cannot (read|set) propert|is not a function|is not iterable|Maximum call stack|Invalid string length|Invalid array length|rendered an invalid document|Unexpected token/;
const STACK_FRAME = /^\s*at .+:\d+:\d+\)?$/m;

/** Why a message would not make sense to the person who typed the command, or [] when it does. */
export function messageProblems(message: Message): string[] {
  const problems: string[] = [];
  if (!TONES.has(message.tone)) problems.push(`unknown tone ${String(message.tone)}`);
  if (typeof message.title !== 'string' || message.title.trim() === '') problems.push('empty title');
  else if (/^(undefined|null|NaN|\[object Object\])$/.test(message.title.trim())) problems.push(`title is ${message.title}`);
  for (const block of message.blocks) {
    const texts = block.type === 'fields' ? block.fields.flatMap((f) => [f.label, f.value]) : block.type === 'list' ? block.items : block.type === 'divider' ? [] : [block.text];
    for (const text of texts) {
      if (typeof text !== 'string') problems.push(`${block.type} block holds a ${typeof text}`);
      else if (/^(undefined|null|\[object Object\])$/.test(text.trim())) problems.push(`${block.type} block says ${text}`);
    }
  }
  const text = textOf(message);
  if (text.includes('[object Object]')) problems.push('says [object Object]');
  if (STACK_FRAME.test(text)) problems.push('shows a stack trace');
  if (message.tone === 'danger' && INTERNAL_ERROR.test(text)) problems.push(`shows an internal error: ${text.slice(0, 200)}`);
  if (message.attachment && (!message.attachment.filename || typeof message.attachment.content !== 'string')) problems.push('attachment without a name or content');
  return problems;
}
