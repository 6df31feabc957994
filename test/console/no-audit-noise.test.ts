// A failed command at the console reads as one message: no raw JSON audit line on stderr (logs at warn level).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { createCommandRunner } from '../../src/commands/create-runner.js';
import { TokenSigner } from '../../src/commands/confirmation-token.js';
import { runConsole } from '../../src/transports/console/run-console.js';
import { FakeOperations } from '../commands/fake-operations.js';

function run(level: string, script: string) {
  let logs = '';
  const logStream = new PassThrough();
  logStream.on('data', (c: Buffer) => { logs += c.toString('utf8'); });
  const runner = createCommandRunner({ operations: new FakeOperations(), signer: new TokenSigner('k'), logger: pino({ level }, logStream) });
  const input = new PassThrough();
  const output = new PassThrough();
  output.resume();
  input.end(script);
  return runConsole({ runner, input, output, errorOutput: new PassThrough(), interactive: false }).then((code) => ({ code, logs: () => logs }));
}

describe('audit lines at the console', () => {
  it('a failed or refused command logs nothing at the console\'s warn level', async () => {
    const { code, logs } = await run('warn', 'deploy ci controller.replicas=-1\npassword nope\ndeploy ci --preset nosuch\n');
    expect(code).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(logs()).toBe('');
  });

  it('LOG_LEVEL=info shows the audit trail, failures included', async () => {
    const { logs } = await run('info', 'deploy ci controller.replicas=-1\n');
    await new Promise((r) => setImmediate(r));
    expect(logs()).toContain('"result":"failed"');
  });
});
