// The Reply a running command talks through in Slack. Public messages go to the single progress message;
// ephemeral ones (errors, help, passwords) only to the person concerned; long text is uploaded as a file.
import type { Attachment, Confirmation, Failure, Message, Reply, Tone } from '../../commands/model.js';
import type { Logger } from '../../observability/logger.js';
import { renderConfirmation, renderMessage, type RenderedMessage } from './block-kit.js';
import type { ProgressMessage } from './progress-message.js';
import type { ResponseUrl } from './response-url.js';
import type { SlackApi } from './slack-api.js';

export interface SlackReplyOptions {
  api: SlackApi;
  /** Conversation the command or click came from. */
  channel: string;
  /** Who sees ephemeral messages: the requester, or the clicking user. */
  user: string;
  surface: ProgressMessage;
  responseUrl: ResponseUrl;
  /**
   * Slash commands answer ephemerally through the response_url first (works even where the bot is not a
   * member); clicks through chat.postEphemeral first (the bot is in the channel, it posted the buttons).
   */
  ephemeralVia: 'response_url' | 'chat';
  /** Upload attachments as files (files:write); otherwise they are shown inline, cut to fit. */
  uploadFiles: boolean;
  logger?: Logger;
}

export class SlackReply implements Reply {
  /** The tone of the final answer, once given (feeds the commands_total result label). */
  resultTone: Tone | undefined;
  /** How the final answer says the command did not go through, if it says so (e.g. `refused`). */
  resultFailure: Failure | undefined;
  resultWasEphemeral = false;
  confirmationAsked = false;
  /** True once anything was shown to the channel; for a click it means the runner accepted it. */
  shownPublicly = false;

  constructor(private readonly options: SlackReplyOptions) {}

  async progress(message: Message): Promise<void> {
    if (message.ephemeral) {
      await this.sendEphemeral(renderMessage(message, { inlineAttachment: true }));
      return;
    }
    this.shownPublicly = true;
    // Not awaited: a command must not slow down to Slack's edit rate; the newest step wins.
    void this.options.surface.show(renderMessage(message, { inlineAttachment: true }));
  }

  async result(message: Message): Promise<void> {
    this.resultTone = message.tone;
    this.resultFailure = message.failure;
    this.resultWasEphemeral = message.ephemeral === true;
    if (message.ephemeral) {
      await this.sendEphemeral(renderMessage(message, { inlineAttachment: true }));
      return;
    }
    this.shownPublicly = true;
    const { attachment } = message;
    if (!attachment || !this.options.uploadFiles) {
      await this.options.surface.show(renderMessage(message, { inlineAttachment: true }), true);
      return;
    }
    await this.options.surface.show(renderMessage(withAttachmentNote(message, attachment)), true);
    if (!(await this.upload(attachment))) await this.options.surface.show(renderMessage(message, { inlineAttachment: true }), true);
  }

  /**
   * The question with its buttons. Its attachment (the whole plan of `deploy … --full`) is uploaded into the question's
   * thread, as for a final answer, so it can be read before clicking; without uploads, or when the upload fails, it is
   * shown in the question itself, cut to fit.
   */
  async confirm(confirmation: Confirmation): Promise<void> {
    this.confirmationAsked = true;
    const { attachment } = confirmation.message;
    const upload = attachment !== undefined && this.options.uploadFiles;
    let rendered: RenderedMessage;
    try {
      rendered = upload
        ? renderConfirmation({ ...confirmation, message: withAttachmentNote(confirmation.message, attachment) })
        : renderConfirmation(confirmation, { inlineAttachment: true });
    } catch (err) {
      this.options.logger?.error({ err }, 'confirmation cannot be shown as buttons');
      await this.sendEphemeral(
        renderMessage({
          tone: 'danger',
          title: 'This command needs a confirmation that Slack cannot show',
          blocks: [{ type: 'text', text: err instanceof Error ? err.message : String(err) }],
        }),
      );
      return;
    }
    this.shownPublicly = true;
    await this.options.surface.show(rendered, true);
    if (upload && !(await this.upload(attachment))) {
      await this.options.surface.show(renderConfirmation(confirmation, { inlineAttachment: true }), true);
    }
  }

  /** Uploads an attachment into the thread of the message shown last; false (logged) when Slack refused it. */
  private async upload(attachment: Attachment): Promise<boolean> {
    const ref = this.options.surface.messageRef;
    try {
      await this.options.api.uploadText(ref?.channel ?? this.options.channel, attachment.filename, attachment.content, ref?.ts);
      return true;
    } catch (err) {
      this.options.logger?.warn({ err }, 'file upload failed; showing the text inline instead');
      return false;
    }
  }

  /** Waits until every public message has been delivered (or given up on). */
  settled(): Promise<void> {
    return this.options.surface.settled();
  }

  private async sendEphemeral(rendered: RenderedMessage): Promise<void> {
    const { api, channel, user, responseUrl, logger } = this.options;
    const viaResponseUrl = () => responseUrl.post(rendered, { responseType: 'ephemeral', replaceOriginal: false, keep: 1 });
    const viaChat = async () => {
      try {
        await api.postEphemeral(channel, user, rendered);
        return true;
      } catch {
        return false;
      }
    };
    const [first, second] = this.options.ephemeralVia === 'response_url' ? [viaResponseUrl, viaChat] : [viaChat, viaResponseUrl];
    if ((await first()) || (await second())) return;
    logger?.error({ channel, user }, 'could not deliver an ephemeral message by response_url or chat.postEphemeral');
  }
}

/** The message with a line saying where its attachment went. */
function withAttachmentNote(message: Message, attachment: Attachment): Message {
  return { ...message, blocks: [...message.blocks, { type: 'context', text: `Full text attached as ${attachment.filename} (in the thread).` }] };
}
