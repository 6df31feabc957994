#!/usr/bin/env node
// The jenkins-chatops command line: one program, one subcommand per job. Each subcommand is declared in its own file
// and loads what it needs only when it runs (dynamic import), so `render`, `--help` and `--version` never load the
// Kubernetes client, Bolt, the alert stack or prom-client.
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerRenderCommand } from './render-command.js';
import { registerClusterCommands } from './cluster-register.js';
import { registerAlertsCommand } from './alerts-command.js';
import { registerStartCommand } from './start-command.js';
import { reportFailure } from './failure.js';

/** Kept in step with EXIT_CODES in src/commands/messages.ts (a test compares them). */
export const EXIT_STATUS_HELP = [
  'Exit status (every command):',
  '  0  done',
  '  1  the operation failed, or the instance did not become ready',
  '  2  bad usage or refused input: bad arguments, settings or spec; not allowed; not confirmed (no --yes)',
  '  3  not found: no such instance (in the namespace given), or no such pod template',
].join('\n');

/** The version in the package.json next to src/ (tests) or dist/ (built). */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'jenkins-chatops' && pkg.version) return pkg.version;
    } catch {
      // not here: look one folder up
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

export function buildProgram(): Command {
  const program = new Command('jenkins-chatops')
    .description('Run Jenkins on Kubernetes from Slack: render JCasC and manifests, deploy them, watch the pods.')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\n${EXIT_STATUS_HELP}`)
    .exitOverride();
  registerStartCommand(program);
  registerRenderCommand(program);
  registerClusterCommands(program);
  registerAlertsCommand(program);
  for (const sub of program.commands) sub.addHelpText('after', `\n${EXIT_STATUS_HELP}`);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors with 1 → our convention is 2.
      return err.exitCode === 0 ? 0 : 2;
    }
    return reportFailure(err);
  }
}

// Run only when executed (bin link, `node dist/src/cli/main.js`), not when imported by tests.
const entry = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (entry === fileURLToPath(import.meta.url)) {
  // `jenkins-chatops render | head`: a reader that stops early is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
