// A Message as plain text for a terminal. Colour only on a TTY (and never with NO_COLOR); piped output is plain.
import type { Block, Message, Tone } from '../../commands/model.js';

export interface TextStyle {
  color: boolean;
}

const SYMBOL: Record<Tone, string> = { info: 'i', success: '✔', warning: '!', danger: '✖' };
const COLOR: Record<Tone, string> = { info: '36', success: '32', warning: '33', danger: '31' };

export function renderText(message: Message, style: TextStyle = { color: false }): string {
  const paint = (code: string, text: string) => (style.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const lines = [paint(COLOR[message.tone], `${SYMBOL[message.tone]} ${message.title}`)];
  for (const block of message.blocks) lines.push(...renderBlock(block, paint));
  if (message.attachment) {
    lines.push(paint('2', `--- ${message.attachment.filename} ---`));
    lines.push(message.attachment.content.replace(/\n$/, ''));
    lines.push(paint('2', `--- end of ${message.attachment.filename} ---`));
  }
  return `${lines.join('\n')}\n`;
}

/** The list items of a block, for transports that print a checklist line by line. */
export function renderBlock(block: Block, paint: (code: string, text: string) => string = (_c, t) => t): string[] {
  switch (block.type) {
    case 'text':
      return indent(block.text);
    case 'fields': {
      const width = Math.max(...block.fields.map((f) => f.label.length));
      return block.fields.map((f) => `  ${`${f.label}:`.padEnd(width + 1)} ${f.value}`);
    }
    case 'list':
      // Checklist items (✓ …) and indented detail lines carry their own marker.
      return block.items.map((item) => (/^(\s|✓)/.test(item) ? `  ${item}` : `  • ${item}`));
    case 'code':
      return block.text.split('\n').map((line) => `    ${line}`);
    case 'context':
      return indent(block.text).map((line) => paint('2', line));
    case 'divider':
      return ['  ' + '-'.repeat(40)];
  }
}

function indent(text: string): string[] {
  return text.split('\n').map((line) => `  ${line}`);
}
