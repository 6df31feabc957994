// Runs console lines against a directory target in-process (the console's own text, no child process).
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { createCommandRunner } from '../../src/commands/create-runner.js';
import { TokenSigner } from '../../src/commands/confirmation-token.js';
import { createOperations } from '../../src/operations/index.js';
import { DirectoryTarget } from '../../src/targets/directory/directory-target.js';
import { runConsole } from '../../src/transports/console/run-console.js';

export async function runConsoleScript(dir: string, script: string): Promise<string> {
  const runner = createCommandRunner({ operations: createOperations(new DirectoryTarget(dir)), signer: new TokenSigner('k'), logger: pino({ level: 'silent' }) });
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (c: Buffer) => { out += c.toString('utf8'); });
  input.end(script);
  await runConsole({ runner, input, output, errorOutput: new PassThrough(), interactive: false, color: false });
  return out;
}
