// Renders the command layer's transport-neutral Message as Block Kit, within Slack's limits: at most 50 blocks,
// 3,000 characters a section, 10 fields of 2,000 characters, and (in practice) about 12,000 characters a
// message. Whatever does not fit is cut and the message says so. User text is mrkdwn-escaped; code goes into
// rich-text preformatted blocks, which show text literally.
import type { types } from '@slack/bolt';
import type { Block, Confirmation, Message, Tone } from '../../commands/model.js';
import { escapeMrkdwn, splitText, truncate } from './mrkdwn.js';

export type SlackBlock = types.KnownBlock;

export interface RenderedMessage {
  /** Notification and fallback text (Slack requires it next to blocks). */
  text: string;
  blocks: SlackBlock[];
}

export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  contextText: 2000,
  buttonText: 75,
  buttonValue: 2000,
  /** Messages start failing around 13k characters; keep a margin. */
  messageChars: 12_000,
  fallbackText: 3000,
} as const;

export const CONFIRM_ACTION_ID = 'jenkins_confirm';
export const CANCEL_ACTION_ID = 'jenkins_cancel';
export const CONFIRMATION_BLOCK_ID = 'jenkins_confirmation';

const TONE_EMOJI: Record<Tone, string> = {
  info: ':information_source:',
  success: ':white_check_mark:',
  warning: ':warning:',
  danger: ':x:',
};

export interface RenderOptions {
  /** Blocks to keep free at the end (e.g. for confirmation buttons). */
  reserveBlocks?: number;
  /** Characters to keep free (e.g. for the button values). */
  reserveChars?: number;
  /** Put the attachment's content into the message as code (when it cannot be uploaded as a file). */
  inlineAttachment?: boolean;
}

export function renderMessage(message: Message, options: RenderOptions = {}): RenderedMessage {
  const maxBlocks = SLACK_LIMITS.blocks - (options.reserveBlocks ?? 0) - 1; // one left for a truncation note
  const budget = { chars: SLACK_LIMITS.messageChars - (options.reserveChars ?? 0) };
  const blocks: SlackBlock[] = [];
  let dropped = 0;

  const push = (block: SlackBlock, size: number): void => {
    if (blocks.length >= maxBlocks || size > budget.chars) {
      dropped += 1;
      return;
    }
    blocks.push(block);
    budget.chars -= size;
  };

  const title = `${TONE_EMOJI[message.tone]} *${escapeMrkdwn(truncate(message.title, 300))}*`;
  push(section(title), title.length);
  const body = [...message.blocks];
  if (message.attachment && options.inlineAttachment) {
    body.push({ type: 'context', text: message.attachment.filename }, { type: 'code', text: message.attachment.content });
  }
  for (const block of body) {
    for (const [rendered, size] of renderBlock(block, budget.chars)) push(rendered, size);
  }
  if (dropped > 0) {
    blocks.push(contextBlock(`_… ${dropped} more part${dropped === 1 ? '' : 's'} not shown: the message reached Slack's size limits._`));
  }
  return { text: truncate(message.title, SLACK_LIMITS.fallbackText), blocks };
}

/** The question with its buttons; `inlineAttachment` as for renderMessage (when the attachment cannot be uploaded). */
export function renderConfirmation(confirmation: Confirmation, options: Pick<RenderOptions, 'inlineAttachment'> = {}): RenderedMessage {
  const { token } = confirmation;
  if (token.length > SLACK_LIMITS.buttonValue) {
    throw new Error(`confirmation token is ${token.length} characters; a Slack button value holds at most ${SLACK_LIMITS.buttonValue}`);
  }
  const rendered = renderMessage(confirmation.message, { ...options, reserveBlocks: 1, reserveChars: token.length * 2 + 200 });
  const dangerous = confirmation.message.tone === 'danger' || confirmation.message.tone === 'warning';
  const confirmButton: types.Button = {
    type: 'button',
    action_id: CONFIRM_ACTION_ID,
    text: { type: 'plain_text', text: truncate(confirmation.confirmLabel, SLACK_LIMITS.buttonText, '…'), emoji: true },
    value: token,
    style: dangerous ? 'danger' : 'primary',
  };
  const cancelButton: types.Button = {
    type: 'button',
    action_id: CANCEL_ACTION_ID,
    text: { type: 'plain_text', text: truncate(confirmation.cancelLabel, SLACK_LIMITS.buttonText, '…'), emoji: true },
    value: token,
  };
  rendered.blocks.push({ type: 'actions', block_id: CONFIRMATION_BLOCK_ID, elements: [confirmButton, cancelButton] });
  return rendered;
}

/** Each rendered block with the characters it costs against the message budget. */
function renderBlock(block: Block, charsLeft: number): Array<[SlackBlock, number]> {
  switch (block.type) {
    case 'text':
      return sections(escapeMrkdwn(block.text));
    case 'list':
      return sections(block.items.map((item) => `• ${escapeMrkdwn(item)}`).join('\n'));
    case 'fields': {
      const out: Array<[SlackBlock, number]> = [];
      for (let i = 0; i < block.fields.length; i += SLACK_LIMITS.fieldsPerSection) {
        const fields = block.fields.slice(i, i + SLACK_LIMITS.fieldsPerSection).map((field) => {
          const text = truncate(`*${escapeMrkdwn(field.label)}*\n${escapeMrkdwn(field.value)}`, SLACK_LIMITS.fieldText);
          return { type: 'mrkdwn' as const, text };
        });
        out.push([{ type: 'section', fields }, fields.reduce((sum, f) => sum + f.text.length, 0)]);
      }
      return out;
    }
    case 'code': {
      // Long output is cut to what the message can still hold; the full text belongs in an attachment.
      const room = Math.max(200, Math.min(SLACK_LIMITS.sectionText, charsLeft - 100));
      const text = truncate(block.text.length > 0 ? block.text : ' ', room, '… (cut to fit Slack; ask for the file)');
      return [[codeBlock(text), text.length]];
    }
    case 'context': {
      const text = truncate(escapeMrkdwn(block.text), SLACK_LIMITS.contextText);
      return [[contextBlock(text), text.length]];
    }
    case 'divider':
      return [[{ type: 'divider' }, 0]];
  }
}

/** Slack rejects an empty section, so blank text renders as nothing. */
function sections(text: string): Array<[SlackBlock, number]> {
  if (text.trim() === '') return [];
  return splitText(text, SLACK_LIMITS.sectionText).map((piece) => [section(piece), piece.length]);
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function contextBlock(text: string): SlackBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

function codeBlock(text: string): SlackBlock {
  return {
    type: 'rich_text',
    elements: [{ type: 'rich_text_preformatted', elements: [{ type: 'text', text }] }],
  };
}
