// The console at a terminal, typed key by key: Ctrl-C at a y/N question, the prompt, and what goes into the history.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { createCommandRunner } from '../../src/commands/create-runner.js';
import { TokenSigner } from '../../src/commands/confirmation-token.js';
import { runConsole } from '../../src/transports/console/run-console.js';
import { FakeOperations } from '../commands/fake-operations.js';

/** A console session at a (fake) terminal: type a line, wait for the console to print something. */
function session(ops: FakeOperations, historyFile?: string) {
  const runner = createCommandRunner({ operations: ops, signer: new TokenSigner('k'), logger: pino({ level: 'silent' }) });
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
  const done = runConsole({ runner, input, output, errorOutput: new PassThrough(), interactive: true, color: false, ...(historyFile ? { historyFile } : {}) });
  const waitFor = async (text: string, from = 0): Promise<void> => {
    for (let i = 0; i < 200; i += 1) {
      if (out.indexOf(text, from) >= 0) return;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`console never printed ${JSON.stringify(text)}; it printed:\n${out}`);
  };
  return { input, done, waitFor, out: () => out };
}

describe('the interactive console', () => {
  it('Ctrl-C at a y/N question cancels it and the console keeps answering', async () => {
    const ops = new FakeOperations();
    const s = session(ops);
    await s.waitFor('jenkins> ');
    s.input.write('deploy ci\n');
    await s.waitFor('created');
    s.input.write('delete ci\n');
    await s.waitFor('Delete? [y/N] ');
    s.input.write('\x03');
    await s.waitFor('Cancelled: nothing was changed');
    const mark = s.out().length;
    s.input.write('status ci\n');
    await s.waitFor('ci:', mark);
    s.input.end();
    expect(await s.done).toBe(0);
    expect(ops.instances.has('ci')).toBe(true);
  });

  it('Ctrl-C at the prompt clears the line and says how to leave', async () => {
    const s = session(new FakeOperations());
    await s.waitFor('jenkins> ');
    s.input.write('stat\x03');
    await s.waitFor('Ctrl-D');
    s.input.write('help\n');
    await s.waitFor('commands');
    s.input.end();
    await s.done;
    expect(s.out()).not.toContain('unknown command');
  });

  it('shows the same prompt before and after a question', async () => {
    const ops = new FakeOperations();
    const s = session(ops);
    await s.waitFor('jenkins> ');
    s.input.write('deploy ci\n');
    await s.waitFor('created');
    s.input.write('delete ci\n');
    await s.waitFor('[y/N] ');
    s.input.write('n\n');
    await s.waitFor('Cancelled');
    s.input.end();
    await s.done;
    // Every prompt readline drew is `jenkins> ` (or the question): never the default `> `.
    const plain = s.out().replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
    const prompts = [...plain.matchAll(/(\S*)> /g)].map((m) => m[0]);
    expect(prompts.length).toBeGreaterThanOrEqual(3);
    expect(new Set(prompts)).toEqual(new Set(['jenkins> ']));
  });

  it('keeps y/n answers out of the history', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-history-'));
    const file = join(dir, 'history');
    const ops = new FakeOperations();
    const s = session(ops, file);
    await s.waitFor('jenkins> ');
    s.input.write('deploy ci\n');
    await s.waitFor('created');
    s.input.write('delete ci\n');
    await s.waitFor('[y/N] ');
    s.input.write('y\n');
    await s.waitFor('deleted');
    s.input.write('status\n');
    await s.waitFor('instances');
    s.input.end();
    await s.done;
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toEqual(['deploy ci', 'delete ci', 'status']);
  });
});
