// deploy, diff, status, scale, delete, password: the cluster operations from a terminal.
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { formatOutcome, formatPlan, formatStatus } from '../commands/format.js';
import { ConnectionError } from '../kube/index.js';
import { selectTarget as selectKubeTarget, type SelectedTarget, type TargetSelection } from '../targets/index.js';
import type { Progress } from '../operations/target.js';
import { createOperations, UnknownInstanceError, type Operations } from '../operations/index.js';
import { deepMerge, mergeLayers, type Values } from '../instance/index.js';
import { UsageError } from './failure.js';
import { addValuesOptions, collectLayers, type ValuesOptions } from './values-options.js';

interface TargetOptions {
  context?: string;
  kubeconfig?: string;
  dir?: string;
  namespace?: string;
}

interface ChangeOptions extends TargetOptions, ValuesOptions {
  dryRun?: boolean;
  yes?: boolean;
  force?: boolean;
  wait?: boolean;
  timeout?: string;
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

const ACTOR = { id: 'cli', display: process.env.USER ?? 'cli' };

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

function operations(options: TargetOptions): Operations {
  const { target, note } = selectTarget({ dir: options.dir, context: options.context, kubeconfig: options.kubeconfig });
  if (note) process.stderr.write(`note: ${note}\n`);
  return createOperations(target);
}

function showProgress(step: Progress): void {
  out(`  · ${step.message}`);
}

function addTargetOptions(command: Command): Command {
  return command
    .option('--context <name>', 'kubeconfig context to use (default: the current context)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--dir <dir>', 'use the dry-run directory target at <dir> instead of a cluster')
    .option('-n, --namespace <ns>', 'namespace of the instance (default: where it was deployed, else the spec default)');
}

/** --values/--set as one values layer (without the defaults: those are applied when the spec is resolved). */
function changesFrom(options: ValuesOptions): Values[] {
  const layers = collectLayers(options);
  if (layers.length === 0) return [];
  const noDefaults = { defaults: {}, presets: new Map() };
  return [mergeLayers(layers, noDefaults)];
}

function instanceName(arg: string | undefined, changes: Values[]): string {
  const fromValues = changes.reduce<Values>((acc, c) => deepMerge(acc, c), {}).name;
  const name = arg ?? (typeof fromValues === 'string' ? fromValues : undefined);
  if (!name) throw new UsageError('name the instance: give it as an argument or set name in --values/--set');
  return name;
}

async function confirm(question: string, yes?: boolean): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) throw new UsageError(`${question} Re-run with --yes to confirm.`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new UsageError('cancelled');
  } finally {
    rl.close();
  }
}

function timeoutOf(options: ChangeOptions): number | undefined {
  if (options.timeout === undefined) return undefined;
  const seconds = Number(options.timeout);
  if (!Number.isInteger(seconds) || seconds <= 0) throw new UsageError(`--timeout must be a whole number of seconds, got ${options.timeout}`);
  return seconds;
}

/** Sets the exit code from how a wait ended: 1 when the instance did not become ready. */
function report(result: { outcome?: import('../operations/target.js').Outcome; plan: import('../operations/target.js').Plan; applied: boolean }): void {
  if (!result.applied && result.plan.empty) out(`${result.plan.instance}: no changes`);
  if (result.outcome) {
    out(formatOutcome(result.outcome));
    if (result.outcome.status !== 'ready') process.exitCode = 1;
  }
}

async function wrap(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof UnknownInstanceError) throw new UsageError(err.message);
    throw err;
  }
}

export function registerClusterCommands(program: Command): void {
  const deploy = program
    .command('deploy [name]')
    .summary('render an instance and apply it to the cluster (or the dry-run directory)')
    .description(
      'Render the instance (stored values of its last deploy, then --values files, then --set), show what would change, ' +
        'server-side apply the changed objects with field manager jenkins-chatops and wait until the controllers are ready. ' +
        'An unchanged spec changes nothing. Fields owned by another tool are reported, not overwritten, unless --force.',
    )
    .option('--dry-run', 'show the planned changes only; apply nothing')
    .option('--force', 'take over fields another field manager owns (server-side apply force)')
    .option('--no-wait', 'do not wait for the controllers to become ready')
    .option('--timeout <seconds>', 'how long to wait for ready (default 600)')
    .option('-y, --yes', 'confirm without asking (needed for more than one controller)');
  addTargetOptions(addValuesOptions(deploy)).action((name: string | undefined, options: ChangeOptions) => wrap(async () => {
    const changes = changesFrom(options);
    const instance = instanceName(name, changes);
    const ops = operations(options);
    out(`target: ${ops.target.description}`);
    const base = { instance, namespace: options.namespace, changes, actor: ACTOR, force: options.force };
    const preview = await ops.preview(base);
    out(formatPlan(preview.plan));
    if (options.dryRun || preview.plan.empty) return;
    if (preview.bundle.spec.controller.replicas > 1) {
      await confirm(`${instance} will run ${preview.bundle.spec.controller.replicas} controllers: each is an independent Jenkins sharing no jobs or UI-made configuration.`, options.yes);
    }
    const result = await ops.deploy({ ...base, wait: options.wait, timeoutSeconds: timeoutOf(options), onProgress: showProgress });
    if (result.adminSecret === 'created') out(`created admin Secret for ${instance} (see: jenkins-chatops password ${instance})`);
    report(result);
  }));

  const diff = program
    .command('diff [name]')
    .summary('show what a deploy would change, changing nothing')
    .description('Compare the rendered instance with what the target holds (a server-side dry-run apply on a cluster) and list created and changed fields.');
  addTargetOptions(addValuesOptions(diff)).action((name: string | undefined, options: ChangeOptions) => wrap(async () => {
    const changes = changesFrom(options);
    const instance = instanceName(name, changes);
    const ops = operations(options);
    const preview = await ops.preview({ instance, namespace: options.namespace, changes, actor: ACTOR });
    out(formatPlan(preview.plan));
  }));

  addTargetOptions(
    program
      .command('status [name]')
      .summary('controllers, volumes, URLs, agents and JCasC revision of one or every instance')
      .description('Show each instance: StatefulSet replicas, controller pods (phase, ready, restarts, node, age), volume claims, where to open Jenkins, agent pods and the JCasC revision loaded vs desired.'),
  ).action((name: string | undefined, options: TargetOptions) => wrap(async () => {
    const ops = operations(options);
    out(`target: ${ops.target.description}`);
    const all = await ops.status(name, options.namespace);
    if (all.length === 0) out('no instances');
    for (const status of all) out(formatStatus(status));
  }));

  addTargetOptions(
    program
      .command('scale <name> <count>')
      .summary('set the number of controllers (0 hibernates), or the agent caps with --agents/--template')
      .description(
        'Controllers: 0 stops Jenkins and keeps its data; more than one needs --yes (each controller is an independent Jenkins). ' +
          'Scaling down keeps the volumes. With --agents, <count> is the cloud containerCap (0 = unlimited); with --template T, ' +
          'it is that pod template\'s instanceCap. Agent caps take effect by a JCasC reload, without restarting the controller.',
      )
      .option('--agents', 'set the Kubernetes cloud containerCap instead of the controller count')
      .option('--template <name>', "set this pod template's instanceCap")
      .option('-y, --yes', 'confirm more than one controller without asking'),
  ).action((name: string, count: string, options: TargetOptions & { agents?: boolean; template?: string; yes?: boolean }) => wrap(async () => {
    const n = Number(count);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`<count> must be a whole number ≥ 0, got ${count}`);
    const ops = operations(options);
    out(`target: ${ops.target.description}`);
    if (options.agents || options.template) {
      let containerCap = n;
      if (options.template) {
        const stored = await ops.target.loadValues(name, options.namespace);
        const agents = mergeLayers(stored ? [{ values: stored }] : []).agents as { containerCap?: number } | undefined;
        containerCap = agents?.containerCap ?? 0;
      }
      const result = await ops.scaleAgents({
        instance: name, namespace: options.namespace, containerCap, actor: ACTOR, onProgress: showProgress,
        ...(options.template ? { template: options.template, instanceCap: n } : {}),
      });
      report(result);
      return;
    }
    if (n > 1) await confirm(`Scale ${name} to ${n} controllers? Each is an independent Jenkins: they share no jobs, builds or UI-made configuration.`, options.yes);
    const result = await ops.scaleControllers({ instance: name, namespace: options.namespace, replicas: n, actor: ACTOR, wait: true, onProgress: showProgress });
    report(result);
  }));

  addTargetOptions(
    program
      .command('delete <name>')
      .summary('remove an instance; volumes, their data and the admin Secret stay unless --purge')
      .description('Delete every object of the instance except its namespace. Volume claims, PersistentVolumes and the admin Secret are kept (a later deploy reuses them) unless --purge.')
      .option('--purge', 'also delete the volume claims, PersistentVolumes and admin Secret (the Jenkins home is lost)')
      .option('-y, --yes', 'confirm without asking'),
  ).action((name: string, options: TargetOptions & { purge?: boolean; yes?: boolean }) => wrap(async () => {
    const ops = operations(options);
    await confirm(`Delete ${name} from ${ops.target.description}${options.purge ? ' INCLUDING its data (--purge)' : ''}?`, options.yes);
    const result = await ops.delete({ instance: name, namespace: options.namespace, purge: !!options.purge, actor: ACTOR, onProgress: showProgress });
    out(`deleted ${result.deleted.length} object(s) of ${name}`);
    if (result.kept.length) out(`kept: ${result.kept.join(', ')}`);
  }));

  addTargetOptions(
    program
      .command('password <name>')
      .summary("print the instance's admin user and password")
      .description('Read the admin Secret created at the first deploy (never rotated by later deploys) and print the user and password.'),
  ).action((name: string, options: TargetOptions) => wrap(async () => {
    const ops = operations(options);
    const { user, password } = await ops.password(name, options.namespace);
    out(`user: ${user}\npassword: ${password}`);
  }));
}
