// deploy, diff, status, scale, delete, password from a terminal, run (cluster-register.ts declares them; this file is
// loaded only when one runs). Commander parses argv; each action maps it onto the command the chat grammar produces (plus what only an operator gives: namespace, values files, --set, --no-wait)
// and hands it to the same runner as Slack and the console: same authorization, plan, confirmation, messages and
// audit. Output is the console's text; confirmations are the console's y/N (asked on stderr) or --yes.
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { TokenSigner } from '../commands/confirmation-token.js';
import { createCommandRunner } from '../commands/create-runner.js';
import { parseWords, UsageError as GrammarUsageError, type OperatorInput, type ParsedCommand } from '../commands/grammar.js';
import { KeyError } from '../commands/keys.js';
import type { Caller } from '../commands/model.js';
import { Policy } from '../commands/policy.js';
import { ConnectionError } from '../kube/index.js';
import { createLogger } from '../observability/logger.js';
import { createOperations } from '../operations/index.js';
import { selectTarget as selectKubeTarget, type SelectedTarget, type TargetSelection } from '../targets/index.js';
import { deepMerge, mergeLayers, type Values } from '../instance/index.js';
import { ConsoleReply } from '../transports/console/console-reply.js';
import { UsageError } from './failure.js';
import { collectLayers, type ValuesOptions } from './values-options.js';

interface TargetOptions {
  context?: string;
  kubeconfig?: string;
  dir?: string;
  namespace?: string;
}

interface RunOptions extends TargetOptions {
  yes?: boolean;
  timeout?: string;
}

interface ChangeOptions extends RunOptions, ValuesOptions {
  dryRun?: boolean;
  full?: boolean;
  force?: boolean;
  wait?: boolean;
  preset?: string[];
}

/** Shared with the console and the bot: a bad --context/--kubeconfig is a usage error (exit 2). */
export function selectTarget(selection: TargetSelection = {}): SelectedTarget {
  try {
    return selectKubeTarget(selection);
  } catch (err) {
    if (err instanceof ConnectionError) throw new UsageError(err.message);
    throw err;
  }
}

/** The chat grammar over argv words: the same parsed command, the same checks; its complaints are usage errors here. */
function grammar(words: string[]): ParsedCommand {
  try {
    return parseWords(words);
  } catch (err) {
    if (err instanceof GrammarUsageError || err instanceof KeyError) throw new UsageError(err.message);
    throw err;
  }
}

/** --values/--set as one values layer (without the defaults: those are applied when the spec is resolved). */
function valuesLayers(options: ValuesOptions): Values[] {
  const layers = collectLayers(options);
  if (layers.length === 0) return [];
  const noDefaults = { defaults: {}, presets: new Map() };
  return [mergeLayers(layers, noDefaults)];
}

function instanceName(arg: string | undefined, layers: Values[]): string {
  const fromValues = layers.reduce<Values>((acc, c) => deepMerge(acc, c), {}).name;
  const name = arg ?? (typeof fromValues === 'string' ? fromValues : undefined);
  if (!name) throw new UsageError('name the instance: give it as an argument or set name in --values/--set');
  return name;
}

function operator(options: TargetOptions, extra: OperatorInput = {}): OperatorInput | undefined {
  const input: OperatorInput = { ...(options.namespace ? { namespace: options.namespace } : {}), ...extra };
  return Object.keys(input).length ? input : undefined;
}

function withOperator(command: ParsedCommand, input: OperatorInput | undefined): ParsedCommand {
  return input && command.name !== 'help' && command.name !== 'templates' ? { ...command, operator: input } : command;
}

function timeoutOf(options: RunOptions): number | undefined {
  if (options.timeout === undefined) return undefined;
  const seconds = Number(options.timeout);
  if (!Number.isInteger(seconds) || seconds <= 0) throw new UsageError(`--timeout must be a whole number of seconds, got ${options.timeout}`);
  return seconds;
}

/** y/N on the terminal: the question on stderr (stdout may be piped), the answer from stdin. */
async function askOnTerminal(question: string): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await new Promise<string | undefined>((resolve) => {
      rl.once('close', () => resolve(undefined));
      rl.on('SIGINT', () => rl.close());
      rl.question(question).then(resolve, () => resolve(undefined));
    });
  } finally {
    rl.close();
  }
}

/** Runs one parsed command through the shared runner as the `cli` caller; resolves to the exit code (exitCodeFor). */
async function runParsed(command: ParsedCommand, options: RunOptions, text: string): Promise<number> {
  const waitTimeoutSeconds = timeoutOf(options);
  const { target, note } = selectTarget({ dir: options.dir, context: options.context, kubeconfig: options.kubeconfig });
  if (note) process.stderr.write(`note: ${note}\n`);
  process.stderr.write(`target: ${target.description}\n`);
  const runner = createCommandRunner({
    operations: createOperations(target),
    // The operator at their own terminal, with their own credentials (like the console).
    policy: new Policy(),
    // Confirmations are answered in this process: a private key, and no button-size limit on the token.
    signer: new TokenSigner(randomBytes(32), undefined, undefined, Number.POSITIVE_INFINITY),
    // Logs and the audit trail go to stderr, quiet unless LOG_LEVEL says so (the messages already say what failed).
    logger: createLogger({ level: process.env.LOG_LEVEL ?? 'error', destination: process.stderr }),
    ...(waitTimeoutSeconds ? { waitTimeoutSeconds } : {}),
  });
  const caller: Caller = { userId: 'cli', ...(process.env.USER ? { userName: process.env.USER } : {}), transport: 'cli' };
  const reply = new ConsoleReply({
    runner,
    caller,
    write: (chunk) => process.stdout.write(chunk),
    writeQuestion: (chunk) => process.stderr.write(chunk),
    color: Boolean(process.stdout.isTTY && !process.env.NO_COLOR),
    ask: process.stdin.isTTY ? askOnTerminal : undefined,
    yes: options.yes ?? false,
    notConfirmedHint: 'No terminal to answer y/N: re-run with --yes to confirm.',
  });
  await runner.run(command, caller, reply, text);
  return reply.exitCode;
}

/** `deploy [name] [key=value…]`: a first word with `=` is a setting, not a name. */
function splitName(name: string | undefined, settings: string[]): { name: string | undefined; settings: string[] } {
  return name?.includes('=') ? { name: undefined, settings: [name, ...settings] } : { name, settings };
}

function deployLike(verb: 'deploy' | 'diff', rawName: string | undefined, rawSettings: string[], options: ChangeOptions): ParsedCommand {
  const { name, settings } = splitName(rawName, rawSettings);
  const values = valuesLayers(options);
  const instance = instanceName(name, values);
  const flags = [
    ...(verb === 'deploy' && options.dryRun ? ['--dry-run'] : []),
    ...(verb === 'deploy' && options.force ? ['--force'] : []),
    ...(options.full ? ['--full'] : []),
  ];
  const parsed = grammar([verb, instance, ...settings, ...(options.preset ?? []).flatMap((p) => ['--preset', p]), ...flags]);
  const extra: OperatorInput = { ...(values.length ? { values } : {}), ...(verb === 'deploy' && options.wait === false ? { wait: false } : {}) };
  return withOperator(parsed, operator(options, extra));
}

export type ClusterVerb = 'deploy' | 'diff' | 'status' | 'scale' | 'delete' | 'password';

/** What commander parsed for one cluster subcommand, as the shared runner's parsed command. */
function build(verb: ClusterVerb, args: unknown[]): { command: ParsedCommand; options: RunOptions } {
  switch (verb) {
    case 'deploy':
    case 'diff': {
      const [name, settings, options] = args as [string | undefined, string[], ChangeOptions];
      return { command: deployLike(verb, name, settings, options), options };
    }
    case 'status': {
      const [name, options] = args as [string | undefined, TargetOptions];
      return { command: withOperator(grammar(['status', ...(name === undefined ? [] : [name])]), operator(options)), options };
    }
    case 'scale': {
      const [name, count, options] = args as [string, string, RunOptions & { agents?: boolean; template?: string }];
      if (options.agents && options.template !== undefined) throw new UsageError('give --agents or --template, not both');
      const what = options.agents ? ['agents'] : options.template !== undefined ? ['template', options.template] : [];
      return { command: withOperator(grammar(['scale', name, ...what, count]), operator(options)), options };
    }
    case 'delete': {
      const [name, options] = args as [string, RunOptions & { purge?: boolean }];
      return { command: withOperator(grammar(['delete', name, ...(options.purge ? ['--purge'] : [])]), operator(options)), options };
    }
    case 'password': {
      const [name, options] = args as [string, TargetOptions];
      return { command: withOperator(grammar(['password', name]), operator(options)), options };
    }
  }
}

/** Runs one cluster subcommand (the arguments commander gave its action, without the Command); resolves to the exit code. */
export async function runClusterCommand(verb: ClusterVerb, args: unknown[], line: string): Promise<number> {
  const { command, options } = build(verb, args);
  return runParsed(command, options, line);
}
