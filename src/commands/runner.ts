// The one entry point every transport calls. Implemented in this folder; transports only depend on this interface.
import type { ParsedCommand } from './grammar.js';
import type { Caller, Reply } from './model.js';

export interface CommandRunner {
  /**
   * Runs one command line as typed after `/jenkins` (e.g. `deploy ci replicas=1 --dry-run`).
   * Resolves when the command has finished (long work reports through `reply.progress` first).
   * Never throws for user errors: they become an ephemeral `reply.result` with tone `danger`.
   */
  handle(text: string, caller: Caller, reply: Reply): Promise<void>;
  /** A click on a confirmation's confirm button; `token` is Confirmation.token, verified and honoured at most once. */
  confirm(token: string, caller: Caller, reply: Reply): Promise<void>;
  /** A click on cancel. */
  cancel(token: string, caller: Caller, reply: Reply): Promise<void>;
}

/**
 * The runner with a second door for front ends that parse their own syntax (the CLI, with commander): they hand over
 * the command the chat grammar would produce (plus operator input), and it goes through the same authorization,
 * plan, confirmation, progress, messages and audit. Chat text only ever enters through `handle`.
 */
export interface OperatorRunner extends CommandRunner {
  /** `text` is how the command was given (audit trail, confirmation token), e.g. the CLI's argv. */
  run(command: ParsedCommand, caller: Caller, reply: Reply, text: string): Promise<void>;
}
