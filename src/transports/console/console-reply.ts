// How a terminal answers a running command: progress as checklist lines, results as text, and confirmations as a
// y/N question (or `--yes`, or a refusal when no one can answer). The console and the CLI both use it, so a command
// reads and confirms the same at the `jenkins>` prompt and on the command line.
import { exitCodeFor, worstExitCode, type ExitCode } from '../../commands/messages.js';
import type { Caller, Confirmation, Message, Reply } from '../../commands/model.js';
import type { CommandRunner } from '../../commands/runner.js';
import { renderBlock, renderText } from './render-text.js';

export interface ConsoleReplyOptions {
  runner: CommandRunner;
  caller: Caller;
  /** Progress and results. */
  write: (text: string) => void;
  /** Questions, the answer given by --yes, and a refusal to confirm (default: `write`; the CLI: stderr). */
  writeQuestion?: (text: string) => void;
  color: boolean;
  /** Puts a y/N question to the user; undefined when there is no one to ask (piped input, no terminal). */
  ask: ((question: string) => Promise<string | undefined>) | undefined;
  /** Confirm every confirmation without asking. */
  yes: boolean;
  /** Says how to confirm when no one can be asked. */
  notConfirmedHint?: string;
}

const PIPED_HINT = 'Piped input cannot answer y/N; run with --yes to confirm such commands.';

/** Prints progress as new checklist lines (a terminal cannot edit a message), then the result. */
export class ConsoleReply implements Reply {
  /** The exit code the messages so far call for: see `exitCodeFor` and `worstExitCode`. */
  exitCode: ExitCode = 0;
  private title: string | undefined;
  private printedSteps: string[] = [];

  constructor(private readonly options: ConsoleReplyOptions) {}

  get failed(): boolean {
    return this.exitCode !== 0;
  }

  async progress(message: Message): Promise<void> {
    if (message.title !== this.title) {
      this.title = message.title;
      this.options.write(`${message.title}\n`);
    }
    const steps = message.blocks.find((b) => b.type === 'list');
    const items = steps?.type === 'list' ? steps.items : [];
    const fresh = items.slice(this.printedSteps.length);
    if (fresh.length) this.options.write(`${renderBlock({ type: 'list', items: fresh }).join('\n')}\n`);
    this.printedSteps = items;
  }

  async result(message: Message): Promise<void> {
    this.note(message);
    this.options.write(this.render(this.withoutPrintedSteps(message)));
  }

  async confirm(confirmation: Confirmation): Promise<void> {
    const { runner, caller, ask, yes } = this.options;
    const question = this.options.writeQuestion ?? this.options.write;
    question(this.render(confirmation.message));
    if (yes) {
      question(`${confirmation.confirmLabel}: yes (--yes)\n`);
      await runner.confirm(confirmation.token, caller, this);
      return;
    }
    if (!ask) {
      const refusal: Message = {
        tone: 'danger',
        title: 'Not confirmed: nothing was changed',
        blocks: [{ type: 'context', text: this.options.notConfirmedHint ?? PIPED_HINT }],
        failure: 'refused',
      };
      this.note(refusal);
      question(this.render(refusal));
      return;
    }
    const answer = await ask(`${confirmation.confirmLabel}? [y/N] `);
    if (answer !== undefined && /^y(es)?$/i.test(answer.trim())) await runner.confirm(confirmation.token, caller, this);
    else await runner.cancel(confirmation.token, caller, this);
  }

  private note(message: Message): void {
    this.exitCode = worstExitCode(this.exitCode, exitCodeFor(message));
  }

  private render(message: Message): string {
    return renderText(message, { color: this.options.color });
  }

  /** The result repeats the checklist for transports that replace the progress message; here it is on screen already. */
  private withoutPrintedSteps(message: Message): Message {
    const [first, ...rest] = message.blocks;
    if (this.printedSteps.length && first?.type === 'list' && first.items.join('\n') === this.printedSteps.join('\n')) {
      return { ...message, blocks: rest };
    }
    return message;
  }
}
