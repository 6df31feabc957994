// The command pipeline every transport runs: parse → authorize → plan → confirm (when needed) → execute with
// progress → result, auditing every mutating command on the way.
import { pino, type Logger } from 'pino';
import type { Operations } from '../operations/api.js';
import { loadSources, type SpecSources } from '../instance/index.js';
import { pinoAuditSink, type AuditEvent, type AuditResult, type AuditSink } from './audit.js';
import { digestOf, signerFromEnv, type TokenSigner } from './confirmation-token.js';
import { isMutating, parseCommand, type ParsedCommand } from './grammar.js';
import { remove } from './handlers/delete.js';
import { deploy, diff } from './handlers/deploy.js';
import { helpMessage } from './handlers/help.js';
import { casc, password, templates } from './handlers/read-only.js';
import { scale } from './handlers/scale.js';
import { status } from './handlers/status.js';
import { answer, type HandlerContext, type Planned } from './handlers/types.js';
import { errorMessage, message, messageForError } from './messages.js';
import type { Caller, Message, Reply } from './model.js';
import { Policy } from './policy.js';
import { adminImages, BoundsError } from './bounds.js';
import { ProgressChecklist } from './progress.js';
import type { OperatorRunner } from './runner.js';

export interface RunnerOptions {
  operations: Operations;
  /** Who may do what; default: read-only open, mutating commands only from the console and the CLI. */
  policy?: Policy;
  /** Signs confirmation tokens; default from CHATOPS_SIGNING_KEY / SLACK_SIGNING_SECRET / random. */
  signer?: TokenSigner;
  /** Receives every mutating command's record; default: pino logs. */
  audit?: AuditSink;
  logger?: Logger;
  sources?: SpecSources;
  waitTimeoutSeconds?: number;
}

export function createCommandRunner(options: RunnerOptions): OperatorRunner {
  const logger = options.logger ?? pino({ name: 'jenkins-chatops' });
  const policy = options.policy ?? new Policy();
  const signer = options.signer ?? signerFromEnv();
  const audit = options.audit ?? pinoAuditSink(logger);
  const log = logger.child({ component: 'commands' });

  const record = async (caller: Caller, command: ParsedCommand, text: string, result: AuditResult, detail?: string) => {
    if (!isMutating(command)) return;
    const event: AuditEvent = {
      at: new Date().toISOString(),
      user: caller.userId,
      ...(caller.userName ? { userName: caller.userName } : {}),
      transport: caller.transport,
      ...(caller.channel ? { channel: caller.channel } : {}),
      command: command.name,
      ...('instance' in command && command.instance ? { instance: command.instance } : {}),
      text,
      result,
      ...(detail ? { detail } : {}),
    };
    try {
      await audit(event);
    } catch (err) {
      log.error({ err: errorText(err) }, 'audit sink failed');
    }
  };

  const context = (caller: Caller): HandlerContext => {
    const sources = options.sources ?? loadSources();
    return {
      ops: options.operations,
      caller,
      actor: { id: caller.userId, ...(caller.userName ? { display: caller.userName } : {}) },
      sources,
      waitTimeoutSeconds: options.waitTimeoutSeconds ?? 600,
      ...(policy.bounds(caller) ? { bounds: { for: (instance: string) => policy.boundsFor(instance), trustedImages: adminImages(sources) } } : {}),
    };
  };

  const plan = (command: ParsedCommand, caller: Caller): Promise<Planned> => {
    const ctx = context(caller);
    switch (command.name) {
      case 'help': return Promise.resolve(answer(helpMessage(command.topic)));
      case 'deploy': return deploy(command, ctx);
      case 'diff': return diff(command, ctx);
      case 'scale': return scale(command, ctx);
      case 'status': return status(command, ctx);
      case 'casc': return casc(command, ctx);
      case 'templates': return templates(command, ctx);
      case 'delete': return remove(command, ctx);
      case 'password': return password(command, ctx);
    }
  };

  /** Runs a change with one evolving progress message, then the result; audits how it ended. */
  const execute = async (planned: Extract<Planned, { kind: 'run' | 'confirm' }>, command: ParsedCommand, text: string, caller: Caller, reply: Reply) => {
    const checklist = new ProgressChecklist(planned.title, reply, (err) => log.warn({ err: errorText(err) }, 'progress update failed'));
    checklist.start();
    let result: Message;
    try {
      const done = await planned.execute(checklist.sink);
      result = { ...done, blocks: [...checklist.stepsBlock(), ...done.blocks] };
    } catch (err) {
      const failure = messageForError(err);
      result = { ...failure, blocks: [...checklist.stepsBlock(), ...failure.blocks] };
    }
    await checklist.settled();
    await reply.result(result);
    await record(caller, command, text, result.tone === 'danger' ? 'failed' : 'done', result.title);
  };

  /** Authorizes; on refusal answers the user and returns undefined. */
  const authorize = async (command: ParsedCommand, text: string, caller: Caller, reply: Reply): Promise<ParsedCommand | undefined> => {
    const decision = policy.authorize(caller, command);
    if (!decision.allowed) {
      await reply.result(errorMessage('Not allowed', [{ type: 'text', text: decision.reason }], 'refused'));
      await record(caller, command, text, 'denied', decision.reason);
      return undefined;
    }
    return command;
  };

  /** Parses and authorizes; on failure answers the user and returns undefined. */
  const admit = async (text: string, caller: Caller, reply: Reply): Promise<ParsedCommand | undefined> => {
    let command: ParsedCommand;
    try {
      command = parseCommand(text);
    } catch (err) {
      await reply.result(messageForError(err));
      return undefined;
    }
    return authorize(command, text, caller, reply);
  };

  const planSafely = async (command: ParsedCommand, text: string, caller: Caller, reply: Reply): Promise<Planned | undefined> => {
    try {
      return await plan(command, caller);
    } catch (err) {
      const failure = messageForError(err);
      await reply.result(failure);
      // Leaving the admin's bounds is a denial like an unauthorized user: audited as one.
      await record(caller, command, text, err instanceof BoundsError ? 'denied' : 'failed', err instanceof BoundsError ? err.message : failure.title);
      return undefined;
    }
  };

  /** Plan → answer, run, or ask (with a signed token that carries the command: its text, or itself when not text). */
  const proceed = async (command: ParsedCommand, text: string, parsed: boolean, caller: Caller, reply: Reply) => {
    const planned = await planSafely(command, text, caller, reply);
    if (!planned) return;
    if (planned.kind === 'answer') {
      await reply.result(planned.message);
      await record(caller, command, text, planned.message.tone === 'danger' ? 'failed' : 'done', planned.message.title);
      return;
    }
    if (planned.kind === 'run') {
      await execute(planned, command, text, caller, reply);
      return;
    }
    let token: string;
    try {
      token = signer.sign({
        command: text,
        ...(parsed ? { parsed: command } : {}),
        user: caller.userId,
        plan: digestOf(planned.plan),
        ...(caller.channel ? { channel: caller.channel } : {}),
      });
    } catch (err) {
      await reply.result(messageForError(err));
      return;
    }
    await reply.confirm({ message: planned.message, confirmLabel: planned.confirmLabel, cancelLabel: 'Cancel', token });
    await record(caller, command, text, 'awaiting-confirmation');
  };

  return {
    async handle(rawText, caller, reply) {
      const text = rawText.trim();
      const command = await admit(text, caller, reply);
      if (!command) return;
      await proceed(command, text, false, caller, reply);
    },

    async run(parsedCommand, caller, reply, text) {
      const command = await authorize(parsedCommand, text, caller, reply);
      if (!command) return;
      await proceed(command, text, true, caller, reply);
    },

    async confirm(token, caller, reply) {
      const verified = signer.verify(token);
      if (!verified.ok) {
        await reply.result(errorMessage('Not done', [{ type: 'text', text: verified.reason }], 'refused'));
        log.warn({ user: caller.userId, reason: verified.reason }, 'confirmation refused');
        return;
      }
      const { claims } = verified;
      const command = claims.parsed ? await authorize(claims.parsed, claims.command, caller, reply) : await admit(claims.command, caller, reply);
      if (!command) return;
      if (claims.user !== caller.userId) {
        const reason = `only the person who asked (${claims.user}) can confirm this; run the command yourself if you want it`;
        await reply.result(errorMessage('Not done', [{ type: 'text', text: reason }], 'refused'));
        await record(caller, command, claims.command, 'refused', reason);
        return;
      }
      const planned = await planSafely(command, claims.command, caller, reply);
      if (!planned) return;
      if (planned.kind !== 'confirm' || digestOf(planned.plan) !== claims.plan) {
        const reason = 'already done, or the instance changed since this was asked; run the command again to see the current plan';
        await reply.result(message('warning', 'Not done', [{ type: 'text', text: reason }], { ephemeral: true, failure: 'refused' }));
        await record(caller, command, claims.command, 'refused', reason);
        return;
      }
      await execute(planned, command, claims.command, caller, reply);
    },

    async cancel(token, caller, reply) {
      const verified = signer.verify(token);
      if (!verified.ok) {
        await reply.result(errorMessage('Nothing to cancel', [{ type: 'text', text: verified.reason }], 'refused'));
        return;
      }
      const { claims } = verified;
      let command: ParsedCommand | undefined = claims.parsed;
      try {
        command ??= parseCommand(claims.command);
      } catch {
        command = undefined;
      }
      if (claims.user !== caller.userId) {
        await reply.result(errorMessage('Not cancelled', [{ type: 'text', text: `only the person who asked (${claims.user}) can answer this` }], 'refused'));
        return;
      }
      // Not a failure in chat (info), but the command was not carried out: a CLI that asked ends refused.
      await reply.result(message('info', 'Cancelled: nothing was changed', [{ type: 'context', text: claims.command }], { failure: 'refused' }));
      if (command) await record(caller, command, claims.command, 'cancelled');
    },
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
