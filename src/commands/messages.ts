// Message builders shared by the handlers: errors, plans as readable lists, short values.
import { fieldChangeLines, isDocumentChange, shortValue as short, truncate, unifiedDiff, type DiffOptions } from './format.js';
import { BusyError, ClusterChangedError, type Plan } from '../operations/target.js';
import { UnknownInstanceError } from '../operations/index.js';
import { SpecError } from '../instance/index.js';
import { COMMANDS, commandHelp, UsageError } from './grammar.js';
import { KeyError } from './keys.js';
import { BoundsError } from './bounds.js';
import type { Attachment, Block, Failure, Message, Tone } from './model.js';

/** Slack shows at most 50 blocks and ~3,000 characters a section; keep lists and values short. */
export const MAX_LIST_ITEMS = 40;

export function message(tone: Tone, title: string, blocks: Block[] = [], extra: Partial<Message> = {}): Message {
  return { tone, title, blocks, ...extra };
}

export function errorMessage(title: string, blocks: Block[] = [], failure: Failure = 'operation'): Message {
  return { tone: 'danger', title, blocks, ephemeral: true, failure };
}

/** The exit-code contract of every command and front end (README "Exit codes", `--help`). */
export const EXIT_CODES = {
  done: 0,
  /** The operation ran and failed, or the instance did not become ready. */
  failed: 1,
  /** Bad usage or refused input: bad command, option, setting or spec; not allowed; not confirmed. */
  usage: 2,
  /** No such instance (or pod template of an instance). */
  notFound: 3,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

export const EXIT_CODES_HELP = 'Exit status: 0 done; 1 the operation failed (or the instance did not become ready); ' +
  '2 bad usage or refused input (bad arguments, settings or spec, not allowed, not confirmed); 3 not found (no such instance or template).';

/**
 * The one rule from a message to a process exit code (the CLI; the console counts non-zero as failed):
 * 3 when what was named does not exist, 2 when the input was refused (bad command or settings, spec errors, not
 * allowed, not confirmed), 1 when the operation ran and failed or did not become ready (and any other `danger`),
 * else 0 — warnings such as "not every controller is ready" in a status are information.
 */
export function exitCodeFor(message: Message): ExitCode {
  if (message.failure === 'not-found') return EXIT_CODES.notFound;
  if (message.failure === 'input' || message.failure === 'refused') return EXIT_CODES.usage;
  if (message.failure === 'operation' || message.tone === 'danger') return EXIT_CODES.failed;
  return EXIT_CODES.done;
}

/** Several messages' codes as one: the first failure that is not "failed" says more (a refusal, a missing instance). */
export function worstExitCode(a: ExitCode, b: ExitCode): ExitCode {
  if (a === 0) return b;
  if (b === 0) return a;
  return a === EXIT_CODES.failed ? b : a;
}

/** Turns any error a command meets into what the user should read. */
export function messageForError(err: unknown): Message {
  if (err instanceof UsageError) {
    const usage = err.command ? [`Usage: ${commandHelp(err.command).usage}`] : COMMANDS.map((c) => c.usage);
    return errorMessage(capitalize(err.message), [
      { type: 'code', text: usage.join('\n') },
      { type: 'context', text: err.command ? `Type \`help ${err.command}\` for details.` : 'Type `help` for details.' },
    ], 'input');
  }
  if (err instanceof KeyError) return errorMessage(capitalize(err.message), [{ type: 'context', text: 'Type `help keys` for the list of keys.' }], 'input');
  if (err instanceof SpecError) {
    const heading = err.message.split('\n')[0]!.replace(/:$/, '');
    return errorMessage(capitalize(heading), [
      { type: 'list', items: limit(err.issues.map((i) => `${i.path}: ${i.message}${i.value === undefined ? '' : ` (got ${typeof i.value === 'string' ? truncate(JSON.stringify(i.value), 120) : short(i.value)})`}`)) },
      { type: 'context', text: 'Nothing was changed. Type `help keys` for the keys deploy accepts.' },
    ], 'input');
  }
  if (err instanceof UnknownInstanceError) return errorMessage(capitalize(err.message), [], 'not-found');
  if (err instanceof BoundsError) {
    return errorMessage('Not allowed', [
      { type: 'text', text: `\`${truncate(err.key, 200)}\` = \`${truncate(err.value, 200)}\`: ${err.rule}.` },
      { type: 'context', text: 'Nothing was changed. The bot\'s admin sets these bounds (README: Authorization).' },
    ], 'refused');
  }
  if (err instanceof ClusterChangedError) {
    return {
      tone: 'warning', title: `${err.instance} changed since the preview`, ephemeral: true, failure: 'operation',
      blocks: [
        { type: 'list', items: limit(err.objects) },
        { type: 'context', text: 'Nothing was applied: what you agreed to is no longer what a deploy would do. Run the command again to see the current plan.' },
      ],
    };
  }
  if (err instanceof BusyError) {
    return { tone: 'warning', title: `${err.instance} is busy`, blocks: [{ type: 'text', text: err.message }], ephemeral: true, failure: 'operation' };
  }
  const text = err instanceof Error ? err.message : String(err);
  return errorMessage('The command failed', [{ type: 'text', text: truncate(text, 2500) }]);
}

const refOf = (change: Plan['changes'][number]): string => `${change.kind}/${change.name}${change.namespace ? ` (${change.namespace})` : ''}`;

/**
 * A plan as one readable line per changed object and per changed field (indented; long values shown around the
 * change). Documents (the JCasC text) are not listed field by field: `planBlocks` shows them as a unified diff.
 */
export function planItems(plan: Plan, options: DiffOptions = {}): string[] {
  const items: string[] = [];
  for (const change of plan.changes) {
    if (change.action === 'unchanged') continue;
    items.push(`${change.action} ${refOf(change)}`);
    if (change.action !== 'update') continue;
    for (const field of change.fields) {
      if (isDocumentChange(field)) items.push(`    ${field.path}: changed (diff below)`);
      else items.push(...fieldChangeLines(field, '    ', options));
    }
  }
  return options.full ? items : limit(items);
}

/** The text file `--full` attaches: every object, every field, every JCasC line, nothing cut. */
export function planText(plan: Plan): string {
  const out: string[] = [];
  for (const change of plan.changes) {
    if (change.action === 'unchanged') continue;
    out.push(`${change.action} ${refOf(change)}`);
    if (change.action !== 'update') continue;
    for (const field of change.fields) {
      if (!isDocumentChange(field)) {
        out.push(...fieldChangeLines(field, '    ', { full: true }));
        continue;
      }
      out.push(`--- ${change.kind}/${change.name} ${field.path} (live)`, `+++ ${change.kind}/${change.name} ${field.path} (new)`);
      out.push(...unifiedDiff(String(field.before ?? ''), String(field.after ?? ''), { full: true }).lines);
    }
  }
  return `${out.join('\n')}\n`;
}

/**
 * A plan as message blocks: the list of objects and fields, then each changed document (the JCasC) as a unified
 * diff with context. Lists and diffs are kept short; `full` attaches the whole plan as `plan.diff` instead (Slack
 * uploads it as a file or snippet; a terminal prints it).
 */
export function planBlocks(plan: Plan, options: DiffOptions & { command?: string } = {}): { blocks: Block[]; attachment?: Attachment } {
  const blocks: Block[] = [{ type: 'list', items: planItems(plan) }];
  if (options.full) return { blocks, attachment: { filename: 'plan.diff', content: planText(plan) } };
  let omitted = 0;
  for (const change of plan.changes) {
    if (change.action !== 'update') continue;
    for (const field of change.fields.filter(isDocumentChange)) {
      const diff = unifiedDiff(String(field.before ?? ''), String(field.after ?? ''));
      omitted += diff.omitted;
      blocks.push({ type: 'code', language: 'diff', text: [`--- ${change.kind}/${change.name} ${field.path}`, ...diff.lines].join('\n') });
    }
  }
  const cutList = planItems(plan).length < planItems(plan, { full: true }).length;
  if (omitted > 0 || cutList) {
    const what = omitted > 0 ? `${omitted} more diff line${omitted === 1 ? '' : 's'}` : 'more changes';
    blocks.push({ type: 'context', text: `… ${what} not shown: \`${options.command ?? 'diff <name>'} --full\` shows the whole plan.` });
  }
  return { blocks };
}

export function changedObjectCount(plan: Plan): number {
  return plan.changes.filter((c) => c.action !== 'unchanged').length;
}

export function limit(items: string[], max = MAX_LIST_ITEMS): string[] {
  return items.length <= max ? items : [...items.slice(0, max - 1), `… and ${items.length - max + 1} more`];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
