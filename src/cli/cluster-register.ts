// deploy, diff, status, scale, delete, password as commander declares them (for parsing and `--help`). Declaring
// them loads nothing but commander: the runner, the targets and the Kubernetes client are imported by the action,
// from cluster-commands.ts, only when one of these commands runs.
import type { Command } from 'commander';
import type { ClusterVerb } from './cluster-commands.js';
import { addValuesOptions } from './values-flags.js';
import { builtBundle } from './built-bundle.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function addTargetOptions(command: Command): Command {
  return command
    .option('--context <name>', 'kubeconfig context to use (default: the current context)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--dir <dir>', 'use the dry-run directory target at <dir> instead of a cluster')
    .option('-n, --namespace <ns>', 'namespace of the instance (default: where it was deployed, else the spec default)');
}

/** The command line as given, for the audit trail and the confirmation. */
function commandLine(command: Command): string {
  // Commander keeps the argv it parsed on the program (not in its typings).
  const raw = (command.parent as unknown as { rawArgs?: unknown } | null)?.rawArgs;
  return ['jenkins-chatops', ...(Array.isArray(raw) ? raw.map(String) : [command.name(), ...command.args])].join(' ');
}

function action(verb: ClusterVerb) {
  return async (...args: unknown[]): Promise<void> => {
    const self = args[args.length - 1] as Command;
    const { runClusterCommand } = await builtBundle<typeof import('./cluster-commands.js')>('cluster-commands.bundle.js', 'cluster-commands.js', () => import('./cluster-commands.js'));
    process.exitCode = await runClusterCommand(verb, args.slice(0, -1), commandLine(self));
  };
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
    .option('--full', 'show the whole plan: every changed field and the complete JCasC diff, nothing cut')
    .option('--force', 'take over fields another field manager owns (server-side apply force)')
    .option('--no-wait', 'do not wait for the controllers to become ready')
    .option('--timeout <seconds>', 'how long to wait for ready (default 600)')
    .option('-y, --yes', 'confirm without asking (needed without a terminal)');
  addTargetOptions(addValuesOptions(deploy)).action(action('deploy'));

  const diff = program
    .command('diff [name] [settings...]')
    .summary('show what a deploy would change, changing nothing')
    .description('Compare the rendered instance with what the target holds (a server-side dry-run apply on a cluster) and list created and changed fields, with a unified diff of the JCasC.')
    .option('--preset <preset>', 'make the pod templates these presets, in order (repeatable)', collect)
    .option('--full', 'show the whole plan: every changed field and the complete JCasC diff, nothing cut');
  addTargetOptions(addValuesOptions(diff)).action(action('diff'));

  addTargetOptions(
    program
      .command('status [name]')
      .summary('controllers, volumes, URLs, agents and JCasC revision of one or every instance')
      .description('Show each instance: StatefulSet replicas, controller pods (phase, ready, restarts, node, age), volume claims, where to open Jenkins, agent pods and the JCasC revision loaded vs desired. Exit status 3 when the named instance does not exist (in the namespace given with -n).'),
  ).action(action('status'));

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
  ).action(action('scale'));

  addTargetOptions(
    program
      .command('delete <name>')
      .summary('remove an instance; volumes, their data and the admin Secret stay unless --purge')
      .description('Delete every object of the instance except its namespace. Volume claims, PersistentVolumes and the admin Secret are kept (a later deploy reuses them) unless --purge. Always asks first (y/N, or --yes).')
      .option('--purge', 'also delete the volume claims, PersistentVolumes and admin Secret (the Jenkins home is lost)')
      .option('-y, --yes', 'confirm without asking'),
  ).action(action('delete'));

  addTargetOptions(
    program
      .command('password <name>')
      .summary("print the instance's admin user and password")
      .description('Read the admin Secret created at the first deploy (never rotated by later deploys) and print the user and password.'),
  ).action(action('password'));
}
