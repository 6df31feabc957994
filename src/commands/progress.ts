// One evolving progress message per command: every Progress step from Operations appends a line to a checklist
// and the transport replaces its single progress message with the new list (Slack: chat.update of one message).
import type { Progress, ProgressSink } from '../operations/target.js';
import { limit } from './messages.js';
import type { Block, Message, Reply } from './model.js';

export class ProgressChecklist {
  private readonly steps: string[] = [];
  private posting: Promise<void> = Promise.resolve();

  constructor(private readonly title: string, private readonly reply: Reply, private readonly onError: (err: unknown) => void = () => {}) {}

  /** Hand this to Operations; it is synchronous, posts are queued in order. */
  readonly sink: ProgressSink = (progress: Progress) => {
    this.steps.push(progress.message);
    this.post();
  };

  /** Posts the first state of the message ("Deploying ci…") before any step arrives. */
  start(): void {
    this.post();
  }

  /** The steps so far, as a block to keep in the final result. */
  stepsBlock(): Block[] {
    return this.steps.length === 0 ? [] : [{ type: 'list', items: limit(this.steps.map((s) => `✓ ${s}`)) }];
  }

  /** Waits for queued posts, so the result always comes after the last progress update. */
  async settled(): Promise<void> {
    await this.posting;
  }

  private post(): void {
    const snapshot = this.render();
    this.posting = this.posting.then(() => this.reply.progress(snapshot)).catch(this.onError);
  }

  private render(): Message {
    return { tone: 'info', title: this.title, blocks: [...this.stepsBlock(), { type: 'context', text: 'working…' }] };
  }
}
