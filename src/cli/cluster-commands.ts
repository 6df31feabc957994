// deploy, diff, status, scale, delete, password from a terminal. Commander parses argv; each action maps it onto the
// command the chat grammar produces (plus what only an operator gives: namespace, values files, --set, --no-wait)
// and hands it to the same runner as Slack and the console: same authorization, plan, confirmation, messages and
// audit. Output is the console's text; confirmations are the console's y/N (asked on stderr) or --yes.
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
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
import { addValuesOptions, collectLayers, type ValuesOptions } from './values-options.js';

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

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function addTargetOptions(command: Command): Command {
  return command
    .option('--context <name>', 'kubeconfig context to use (default: the current context)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--dir <dir>', 'use the dry-run directory target at <dir> instead of a cluster')
    .option('-n, --namespace <ns>', 'namespace of the instance (default: where it was deployed, else the spec default)');
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

/** The command line as given, for the audit trail and the confirmation. */
function commandLine(command: Command): string {
  // Commander keeps the argv it parsed on the program (not in its typings).
  const raw = (command.parent as unknown as { rawArgs?: unknown } | null)?.rawArgs;
  return ['jenkins-chatops', ...(Array.isArray(raw) ? raw.map(String) : [command.name(), ...command.args])].join(' ');
}

function action<A extends unknown[]>(build: (...args: A) => { command: ParsedCommand; options: RunOptions }) {
  return async (...args: unknown[]): Promise<void> => {
    const self = args[args.length - 1] as Command;
    const { command, options } = build(...(args.slice(0, -1) as A));
    process.exitCode = await runParsed(command, options, commandLine(self));
  };
}

/** `deploy [name] [key=value…]`: a first word with `=` is a setting, not a name. */
function splitName(name: string | undefined, settings: string[]): { name: string | undefined; settings: string[] } {
  return name?.includes('=') ? { name: undefined, settings: [name, ...settings] } : { name, settings };
}

function deployLike(verb: 'deploy' | 'diff', rawName: string | undefined, rawSettings: string[], options: ChangeOptions): ParsedCommand {
  const { name, settings } = splitName(rawName, rawSettings);
  const values = valuesLayers(options);
  const instance = instanceName(name, values);
  const flags = verb === 'deploy' ? [...(options.dryRun ? ['--dry-run'] : []), ...(options.force ? ['--force'] : [])] : [];
  const parsed = grammar([verb, instance, ...settings, ...(options.preset ?? []).flatMap((p) => ['--preset', p]), ...flags]);
  const extra: OperatorInput = { ...(values.length ? { values } : {}), ...(verb === 'deploy' && options.wait === false ? { wait: false } : {}) };
  return withOperator(parsed, operator(options, extra));
}

export function registerClusterCommands(program: Command): void {
  const deploy = program
    .command('deploy [name] [settings...]')
    .summary('render an instance and apply it to the cluster (or the dry-run directory)')
    .description(
      'Render the instance (stored values of its last deploy, then --values files, then --set, then key=value settings as in chat), ' +
        'show what would change, server-side apply the changed objects with field manager jenkins-chatops and wait until the controllers are ready. ' +
        'A new instance is deployed at once; a change to an existing one shows the plan and asks (y/N, or --yes). ' +
        'An unchanged spec changes nothing. Fields owned by another tool are reported, not overwritten, unless --force.',
    )
    .option('--preset <preset>', 'make the pod templates these presets, in order (repeatable)', collect)
    .option('--dry-run', 'show the planned changes only; apply nothing')
    .option('--force', 'take over fields another field manager owns (server-side apply force)')
    .option('--no-wait', 'do not wait for the controllers to become ready')
    .option('--timeout <seconds>', 'how long to wait for ready (default 600)')
    .option('-y, --yes', 'confirm without asking (needed without a terminal)');
  addTargetOptions(addValuesOptions(deploy)).action(action((name: string | undefined, settings: string[], options: ChangeOptions) => (
    { command: deployLike('deploy', name, settings, options), options }
  )));

  const diff = program
    .command('diff [name] [settings...]')
    .summary('show what a deploy would change, changing nothing')
    .description('Compare the rendered instance with what the target holds (a server-side dry-run apply on a cluster) and list created and changed fields.')
    .option('--preset <preset>', 'make the pod templates these presets, in order (repeatable)', collect);
  addTargetOptions(addValuesOptions(diff)).action(action((name: string | undefined, settings: string[], options: ChangeOptions) => (
    { command: deployLike('diff', name, settings, options), options }
  )));

  addTargetOptions(
    program
      .command('status [name]')
      .summary('controllers, volumes, URLs, agents and JCasC revision of one or every instance')
      .description('Show each instance: StatefulSet replicas, controller pods (phase, ready, restarts, node, age), volume claims, where to open Jenkins, agent pods and the JCasC revision loaded vs desired.'),
  ).action(action((name: string | undefined, options: TargetOptions) => (
    { command: withOperator(grammar(['status', ...(name === undefined ? [] : [name])]), operator(options)), options }
  )));

  addTargetOptions(
    program
      .command('scale <name> <count>')
      .summary('set the number of controllers (0 hibernates), or the agent caps with --agents/--template')
      .description(
        'Controllers: 0 stops Jenkins and keeps its data; more than one asks first (y/N, or --yes): each controller is an independent Jenkins. ' +
          'Scaling down keeps the volumes. With --agents, <count> is the cloud containerCap (0 = unlimited); with --template T, ' +
          'it is that pod template\'s instanceCap (at least 1). Agent caps take effect by a JCasC reload, without restarting the controller.',
      )
      .option('--agents', 'set the Kubernetes cloud containerCap instead of the controller count')
      .option('--template <name>', "set this pod template's instanceCap")
      .option('-y, --yes', 'confirm more than one controller without asking'),
  ).action(action((name: string, count: string, options: RunOptions & { agents?: boolean; template?: string }) => {
    if (options.agents && options.template !== undefined) throw new UsageError('give --agents or --template, not both');
    const what = options.agents ? ['agents'] : options.template !== undefined ? ['template', options.template] : [];
    return { command: withOperator(grammar(['scale', name, ...what, count]), operator(options)), options };
  }));

  addTargetOptions(
    program
      .command('delete <name>')
      .summary('remove an instance; volumes, their data and the admin Secret stay unless --purge')
      .description('Delete every object of the instance except its namespace. Volume claims, PersistentVolumes and the admin Secret are kept (a later deploy reuses them) unless --purge. Always asks first (y/N, or --yes).')
      .option('--purge', 'also delete the volume claims, PersistentVolumes and admin Secret (the Jenkins home is lost)')
      .option('-y, --yes', 'confirm without asking'),
  ).action(action((name: string, options: RunOptions & { purge?: boolean }) => (
    { command: withOperator(grammar(['delete', name, ...(options.purge ? ['--purge'] : [])]), operator(options)), options }
  )));

  addTargetOptions(
    program
      .command('password <name>')
      .summary("print the instance's admin user and password")
      .description('Read the admin Secret created at the first deploy (never rotated by later deploys) and print the user and password.'),
  ).action(action((name: string, options: TargetOptions) => (
    { command: withOperator(grammar(['password', name]), operator(options)), options }
  )));
}
