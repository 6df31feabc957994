// `start`: the Slack bot when Slack tokens are set, otherwise (or with --console) the local console, both running
// the same commands against the target chosen like the other subcommands do (cluster, else a dry-run directory).
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { AuditSink } from '../commands/audit.js';
import type { createCommandRunner } from '../commands/create-runner.js';
import type { Policy } from '../commands/policy.js';
import type { Target } from '../operations/target.js';
import type { Logger } from '../observability/logger.js';
import type { KubeConfig } from '@kubernetes/client-node';

// Declaring `start` loads only commander (`--help` and `render` stay fast); what it runs is imported when it starts.
// (One after the other: Jest's ESM loader cannot link overlapping module graphs imported concurrently.)
const load = async () => {
  const token = await import('../commands/confirmation-token.js');
  const runner = await import('../commands/create-runner.js');
  const policy = await import('../commands/policy.js');
  const consoleModule = await import('../transports/console/run-console.js');
  const operations = await import('../operations/index.js');
  const logger = await import('../observability/logger.js');
  const alerts = await import('../alerts/index.js');
  const cluster = await import('./cluster-commands.js');
  // Only the settings reader: Bolt itself is loaded when the bot really starts.
  const slackConfig = await import('../transports/slack/config.js');
  return {
    signerFromEnv: token.signerFromEnv,
    createCommandRunner: runner.createCommandRunner,
    loadPolicy: policy.loadPolicy,
    runConsole: consoleModule.runConsole,
    createOperations: operations.createOperations,
    createLogger: logger.createLogger,
    alertConfigFromEnv: alerts.alertConfigFromEnv,
    startAlerter: alerts.startAlerter,
    selectTarget: cluster.selectTarget,
    hasSlackTokens: slackConfig.hasSlackTokens,
  };
};
let deps: Awaited<ReturnType<typeof load>>;

interface StartOptions {
  console?: boolean;
  yes?: boolean;
  dir?: string;
  context?: string;
  kubeconfig?: string;
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Start the Slack bot when SLACK_BOT_TOKEN is set (with SLACK_APP_TOKEN for Socket Mode or SLACK_SIGNING_SECRET for HTTP), else the local console')
    .option('--console', 'start the local console even when Slack tokens are set')
    .option('--yes', 'console: confirm every confirmation without asking (needed to confirm with piped input)')
    .option('--dir <dir>', 'use the dry-run directory target at <dir> instead of a cluster')
    .option('--context <name>', 'kubeconfig context to use (default: the current context)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .action(async (options: StartOptions) => {
      process.exitCode = await start(options);
    });
}


async function start(options: StartOptions): Promise<number> {
  deps = await load();
  const { selectTarget, hasSlackTokens, loadPolicy } = deps;
  const bot = !options.console && hasSlackTokens();
  // The bot (and a console held to a policy file) looks for instances only in the managed namespaces: its RBAC
  // reaches no further, and a look-alike elsewhere must not count.
  // Read once: the same policy bounds the target's search and the commands.
  const policy = loadPolicy();
  const managed = bot || process.env.CHATOPS_AUTH_FILE ? { cluster: { namespaces: policy.managedNamespaces } } : {};
  const { target, note, kubeConfig } = selectTarget({ dir: options.dir, context: options.context, kubeconfig: options.kubeconfig, ...managed });
  if (bot) {
    // The bot's exit code (0 after a clean stop) is not "no Slack": only undefined means the transport is missing.
    const exitCode = await startBot(target, kubeConfig, policy);
    if (exitCode !== undefined) return exitCode;
    process.stderr.write('note: the Slack transport is not available in this build; starting the console instead\n');
  }
  return startConsole(target, options, note, policy);
}

async function startConsole(target: Target, options: StartOptions, note: string | undefined, policy: Policy): Promise<number> {
  const { createLogger, createCommandRunner, createOperations, signerFromEnv, runConsole } = deps;
  // The console prints results on stdout; logs (and the audit trail) go to stderr, quiet unless LOG_LEVEL says so.
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', destination: process.stderr });
  const runner = createCommandRunner({ operations: createOperations(target), policy, signer: signerFromEnv(), logger });
  const lines = [`jenkins-chatops console: target ${target.description}`];
  if (target.kind === 'directory') lines.push('This is a dry-run directory: files are written there, nothing runs on a cluster.');
  if (note) lines.push(`note: ${note}`);
  lines.push('Type `help` for the commands, `exit` to leave.');
  return runConsole({
    runner,
    input: process.stdin,
    output: process.stdout,
    errorOutput: process.stderr,
    yes: options.yes ?? false,
    banner: lines.join('\n'),
    historyFile: process.env.JENKINS_CHATOPS_HISTORY ?? join(homedir(), '.jenkins-chatops_history'),
  });
}

interface SlackModule {
  startSlackBot(options: {
    runner: (slack: { auditSink: AuditSink }) => ReturnType<typeof createCommandRunner>;
    logger?: Logger;
    metrics?: unknown;
  }): Promise<{ isReady(): boolean; stop(): Promise<void> }>;
}

/**
 * Runs the bot until SIGTERM/SIGINT, then stops taking commands, lets running ones finish and returns 0; undefined
 * when the Slack transport is missing from this build. The bot reaches Slack in the background (retrying while it
 * cannot), so the health server answers at once and /readyz says whether Slack is there.
 */
async function startBot(target: Target, kubeConfig: KubeConfig | undefined, policy: Policy): Promise<number | undefined> {
  const { createLogger, createCommandRunner, createOperations, signerFromEnv, alertConfigFromEnv, startAlerter } = deps;
  let slack: SlackModule;
  try {
    // Imported lazily: the console must work without the Slack transport (and without loading Bolt).
    const specifier = '../transports/slack/index.js';
    slack = (await import(specifier)) as SlackModule;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
  // Listen for the stop signal first: a SIGTERM while starting must stop the bot too, not kill it mid-start.
  const stopRequested = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const { createMetrics, startHealthServer } = await import('../observability/index.js');
  const logger = createLogger();
  const metrics = createMetrics({ defaultMetrics: true });
  const operations = createOperations(target);
  logger.info({ target: target.description, channels: policy.config.channels }, 'starting the Slack bot');
  const bot = await slack.startSlackBot({
    logger,
    metrics,
    runner: ({ auditSink }) => createCommandRunner({
      operations,
      policy,
      signer: signerFromEnv(),
      logger,
      // The Slack sink logs each record (pino) and posts it to ALERT_CHANNEL.
      audit: auditSink,
    }),
  });
  // Pod alerts need a cluster to watch; only the replica holding the alert Lease watches and posts.
  const alerter = kubeConfig
    ? startAlerter({ kubeConfig, config: alertConfigFromEnv(), registry: metrics.registry, logger: logger.child({ component: 'alerts' }) })
    : undefined;
  if (!alerter) logger.warn('no cluster configured: pod alerts are off');
  const health = await startHealthServer({
    registry: metrics.registry,
    readiness: { slack: () => bot.isReady(), ...(alerter ? { alerts: () => alerter.healthy } : {}) },
    logger,
  });
  const signal = await stopRequested;
  // Stop taking commands and let running ones finish, hand the alert Lease over, then stop answering probes.
  logger.info({ signal }, 'stopping');
  await Promise.all([bot.stop(), alerter?.stop()]);
  await health.close();
  logger.info('stopped');
  return 0;
}
