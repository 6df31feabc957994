#!/usr/bin/env node
// The jenkins-chatops command line: one program, one subcommand per job. Each subcommand lives in its own file.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerRenderCommand } from './render-command.js';
import { registerClusterCommands } from './cluster-commands.js';
import { registerAlertsCommand } from './alerts-command.js';
import { registerStartCommand } from './start-command.js';
import { reportFailure } from './failure.js';

export function buildProgram(): Command {
  const program = new Command('jenkins-chatops')
    .description('Run Jenkins on Kubernetes from Slack: render JCasC and manifests, deploy them, watch the pods.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerStartCommand(program);
  registerRenderCommand(program);
  registerClusterCommands(program);
  registerAlertsCommand(program);
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
