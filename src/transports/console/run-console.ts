// The local console: the same commands as Slack, typed at a prompt (readline, with history) or piped in.
// Piped input runs each line and ends; the exit code says whether any command failed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Caller } from '../../commands/model.js';
import type { CommandRunner } from '../../commands/runner.js';
import { ConsoleReply } from './console-reply.js';

export interface ConsoleOptions {
  runner: CommandRunner;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean };
  /** Where the banner goes (stderr by default is fine; tests pass a buffer). */
  errorOutput?: NodeJS.WritableStream;
  /** Prompt and ask y/N; default: both input and output are terminals. */
  interactive?: boolean;
  /** Confirm every confirmation without asking (the only way to confirm with piped input). */
  yes?: boolean;
  banner?: string;
  /** Interactive history is kept here between sessions. */
  historyFile?: string;
  color?: boolean;
  caller?: Caller;
}

export const PROMPT = 'jenkins> ';
const HISTORY_SIZE = 500;
const EXIT_HINT = '(Ctrl-C clears the line; type exit or press Ctrl-D to leave)';

/** What the next line request ended with: a line, the end of input, or Ctrl-C. */
type Next = { kind: 'line'; text: string } | { kind: 'end' } | { kind: 'interrupt' };

export async function runConsole(options: ConsoleOptions): Promise<number> {
  const interactive = options.interactive ?? Boolean(options.input.isTTY && options.output.isTTY);
  const color = options.color ?? Boolean(options.output.isTTY && !process.env.NO_COLOR);
  const caller: Caller = options.caller ?? { userId: 'console', transport: 'console' };
  const rl = createInterface({
    input: options.input,
    output: interactive ? options.output : undefined,
    terminal: interactive,
    prompt: PROMPT,
    historySize: HISTORY_SIZE,
    history: interactive ? loadHistory(options.historyFile) : [],
  });
  const history = (): string[] => (rl as unknown as { history: string[] }).history;
  // Lines arrive as events; a request waits for the next one (or the end, or Ctrl-C). Nothing is lost between requests.
  const queued: Next[] = [];
  let waiting: ((next: Next) => void) | undefined;
  let ended = false;
  let answering = false;
  const deliver = (next: Next): void => {
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve(next);
    } else queued.push(next);
  };
  rl.on('line', (text: string) => deliver({ kind: 'line', text }));
  rl.on('close', () => {
    ended = true;
    deliver({ kind: 'end' });
  });
  // Ctrl-C never kills the console: at the prompt it clears the line, at a y/N question it answers no.
  rl.on('SIGINT', () => {
    if (!waiting) return;
    // Drop what was typed so far (end of line, then delete to its start).
    rl.write(null, { ctrl: true, name: 'e' });
    rl.write(null, { ctrl: true, name: 'u' });
    options.output.write('^C\n');
    deliver({ kind: 'interrupt' });
  });
  // y/N answers are not commands: keep them out of the history (in memory and in the file).
  rl.on('history', () => {
    if (answering) history().shift();
    else if (options.historyFile && interactive) saveHistory(options.historyFile, history());
  });
  const next = (): Promise<Next> => {
    const first = queued.shift();
    if (first) return Promise.resolve(first);
    if (ended) return Promise.resolve({ kind: 'end' });
    return new Promise((resolve) => { waiting = resolve; });
  };

  const write = (text: string) => options.output.write(text);
  if (options.banner) (options.errorOutput ?? options.output).write(`${options.banner}\n`);

  const ask = async (question: string): Promise<string | undefined> => {
    rl.setPrompt(question);
    rl.prompt();
    answering = true;
    try {
      const answer = await next();
      return answer.kind === 'line' ? answer.text : undefined;
    } finally {
      answering = false;
      rl.setPrompt(PROMPT);
    }
  };

  let failed = 0;
  for (;;) {
    if (interactive) rl.prompt();
    const got = await next();
    if (got.kind === 'end') break;
    if (got.kind === 'interrupt') {
      write(`${EXIT_HINT}\n`);
      continue;
    }
    const line = got.text.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line === 'exit' || line === 'quit') break;
    if (!interactive) write(`${PROMPT}${line}\n`);
    const reply = new ConsoleReply({ runner: options.runner, caller, write, color, ask: interactive ? ask : undefined, yes: options.yes ?? false });
    await options.runner.handle(line, caller, reply);
    if (reply.failed) failed += 1;
  }
  rl.close();
  return interactive || failed === 0 ? 0 : 1;
}

function loadHistory(file: string | undefined): string[] {
  if (!file || !existsSync(file)) return [];
  try {
    // readline keeps the newest entry first; the file keeps the oldest first, like a shell's.
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).reverse().slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

function saveHistory(file: string, history: string[]): void {
  try {
    writeFileSync(file, `${[...history].reverse().join('\n')}\n`, { mode: 0o600 });
  } catch {
    // History is a convenience; an unwritable home directory must not break the console.
  }
}
