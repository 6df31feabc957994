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

const PROMPT = 'jenkins> ';
const HISTORY_SIZE = 500;

export async function runConsole(options: ConsoleOptions): Promise<number> {
  const interactive = options.interactive ?? Boolean(options.input.isTTY && options.output.isTTY);
  const color = options.color ?? Boolean(options.output.isTTY && !process.env.NO_COLOR);
  const caller: Caller = options.caller ?? { userId: 'console', transport: 'console' };
  const rl = createInterface({
    input: options.input,
    output: interactive ? options.output : undefined,
    terminal: interactive,
    historySize: HISTORY_SIZE,
    history: interactive ? loadHistory(options.historyFile) : [],
  });
  if (interactive && options.historyFile) {
    const file = options.historyFile;
    rl.on('history', (history: string[]) => saveHistory(file, history));
  }
  rl.on('SIGINT', () => rl.close());
  const lines = rl[Symbol.asyncIterator]();
  const write = (text: string) => options.output.write(text);
  if (options.banner) (options.errorOutput ?? options.output).write(`${options.banner}\n`);

  const ask = async (question: string): Promise<string | undefined> => {
    rl.setPrompt(question);
    rl.prompt();
    const next = await lines.next();
    rl.setPrompt(PROMPT);
    return next.done ? undefined : String(next.value);
  };

  let failed = 0;
  for (;;) {
    if (interactive) rl.prompt();
    const next = await lines.next();
    if (next.done) break;
    const line = String(next.value).trim();
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
