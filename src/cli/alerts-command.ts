// `jenkins-chatops alerts`: replay a watch stream (file or stdin) and print the alerts it contains, or watch the
// cluster live and post to Slack (print without Slack).
// Only commander is loaded to declare it: a replay loads the replayer alone (no Kubernetes client, Slack or metrics),
// and --watch loads the alerter when it starts.
import { createReadStream, existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import type { ReplayFormat, ReplayResult } from '../alerts/replay/replayer.js';
import { UsageError } from './failure.js';

interface AlertsOptions {
  replay?: string;
  stdin?: boolean;
  watch?: boolean;
  format: string;
  namespace?: string[];
  kubeconfig?: string;
  context?: string;
}

export interface ReplayIo {
  stdin: Readable;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

const defaultIo = (): ReplayIo => ({
  stdin: process.stdin,
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
});

/** `alerts --replay FILE | --stdin`: exported so tests (and scripts) can run it without a child process. */
export async function runAlertsReplay(options: { file?: string; stdin?: boolean; format?: string }, io: ReplayIo = defaultIo()): Promise<ReplayResult> {
  const format = (options.format ?? 'text') as ReplayFormat;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format ${options.format} is not supported; use text or json`);
  if (Boolean(options.file) === Boolean(options.stdin)) throw new UsageError('give exactly one of --replay FILE or --stdin');
  if (options.file && !existsSync(options.file)) throw new UsageError(`--replay ${options.file}: no such file`);
  const input = options.file ? createReadStream(options.file, 'utf8') : io.stdin;
  const { replayStream } = await import('../alerts/replay/replayer.js');
  const result = await replayStream(input, { format, write: io.stdout });
  for (const s of result.skipped.slice(0, 20)) io.stderr(`line ${s.line}: skipped (${s.why})`);
  if (result.skipped.length > 20) io.stderr(`… and ${result.skipped.length - 20} more skipped lines`);
  if (result.events === 0 && result.lines > 0) {
    io.stderr('no watch events found: expected one {"type": "ADDED|MODIFIED|DELETED", "object": {...}} JSON per line, as from kubectl get --raw \'/api/v1/pods?watch=1\'');
  }
  return result;
}

async function runWatch(options: AlertsOptions): Promise<void> {
  const { findCluster } = await import('../kube/connection.js');
  const { alertConfigFromEnv, startAlerter } = await import('../alerts/index.js');
  const { createLogger } = await import('../observability/index.js');
  const connection = findCluster({ ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), ...(options.context ? { context: options.context } : {}) });
  if (!connection) throw new UsageError('no cluster configured: run inside a pod, or set KUBECONFIG / --kubeconfig');
  const config = alertConfigFromEnv(process.env, options.namespace?.length ? { namespaces: options.namespace } : {});
  const logger = createLogger({ name: 'alerts' });
  logger.info({ cluster: connection.description, namespaces: config.namespaces, slack: Boolean(config.slackToken) }, 'alerts: started');
  // Runs until SIGINT/SIGTERM: failed watches are retried forever, their state on /readyz and /metrics (HEALTH_PORT).
  const { runAlertsWatch } = await import('./alerts-watch.js');
  const { startHealthServer } = await import('../observability/index.js');
  await runAlertsWatch({ kubeConfig: connection.kubeConfig, config, startAlerter, startHealthServer, logger });
}

export function registerAlertsCommand(program: Command): void {
  program
    .command('alerts')
    .summary('replay a pod watch stream as alerts, or watch the cluster and post alerts')
    .description(
      'Turn pod and event changes into alerts (crashed, crash-loop, unschedulable, …). --replay/--stdin read a watch ' +
        'stream as the API server sends it for ?watch=1 (one {"type","object"} JSON per line, pods and events mixed) and ' +
        'print every alert, one per line, e.g. kubectl get --raw \'/api/v1/pods?watch=1\' | jenkins-chatops alerts --stdin. ' +
        '--watch watches the cluster and posts to Slack when SLACK_BOT_TOKEN and ALERT_CHANNEL (or ALERT_ROUTES) are set, else prints.',
    )
    .option('--replay <file>', 'replay a watch stream saved in a file')
    .option('--stdin', 'replay a watch stream read from standard input')
    .option('--format <format>', 'output of --replay/--stdin: text or json', 'text')
    .option('--watch', 'watch the cluster live (only the Lease holder posts when several replicas run)')
    .option('-n, --namespace <namespace...>', 'namespaces to watch with --watch (default ALERT_NAMESPACES, else jenkins)')
    .option('--kubeconfig <file>', 'kubeconfig for --watch')
    .option('--context <name>', 'kubeconfig context for --watch')
    .action(async (options: AlertsOptions) => {
      const modes = [options.replay !== undefined, options.stdin === true, options.watch === true].filter(Boolean).length;
      if (modes !== 1) throw new UsageError('choose one of --replay FILE, --stdin or --watch');
      if (options.watch) return runWatch(options);
      await runAlertsReplay({ ...(options.replay ? { file: options.replay } : { stdin: true }), format: options.format });
    });
}
