import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { createCommandRunner } from '../../src/commands/create-runner.js';
import { TokenSigner } from '../../src/commands/confirmation-token.js';
import { runConsole } from '../../src/transports/console/run-console.js';
import { renderText } from '../../src/transports/console/render-text.js';
import { FakeOperations } from '../commands/fake-operations.js';

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
  return () => text;
}

async function consoleRun(script: string, options: { yes?: boolean; interactive?: boolean; ops?: FakeOperations } = {}) {
  const ops = options.ops ?? new FakeOperations();
  const runner = createCommandRunner({ operations: ops, signer: new TokenSigner('k'), logger: pino({ level: 'silent' }) });
  const input = new PassThrough();
  const output = new PassThrough();
  const banner = new PassThrough();
  const out = collect(output);
  const err = collect(banner);
  input.end(script);
  const code = await runConsole({ runner, input, output, errorOutput: banner, banner: 'console on fake', interactive: options.interactive ?? false, yes: options.yes ?? false });
  return { code, out: out(), err: err(), ops };
}

describe('renderText', () => {
  it('renders a message as plain text without ANSI codes unless asked for colour', () => {
    const message = { tone: 'success' as const, title: 'ci ready', blocks: [
      { type: 'fields' as const, fields: [{ label: 'URL', value: 'http://ci' }, { label: 'Controllers', value: '1' }] },
      { type: 'list' as const, items: ['create StatefulSet/ci', '    spec.replicas: 1 → 2'] },
      { type: 'code' as const, text: 'a\nb' },
      { type: 'context' as const, text: 'note' },
    ], attachment: { filename: 'jenkins.yaml', content: 'jenkins: {}\n' } };
    expect(renderText(message)).toBe([
      '✔ ci ready',
      '  URL:         http://ci',
      '  Controllers: 1',
      '  • create StatefulSet/ci',
      '      spec.replicas: 1 → 2',
      '    a',
      '    b',
      '  note',
      '--- jenkins.yaml ---',
      'jenkins: {}',
      '--- end of jenkins.yaml ---',
      '',
    ].join('\n'));
    expect(renderText(message)).not.toContain('\x1b[');
    expect(renderText(message, { color: true })).toContain('\x1b[32m✔ ci ready\x1b[0m');
  });
});

describe('runConsole with piped input', () => {
  it('runs each line, printing progress as a checklist and then the result; exit code 0', async () => {
    const { code, out, err } = await consoleRun('deploy ci\n# a comment\n\nstatus ci\n');
    expect(code).toBe(0);
    expect(err).toBe('console on fake\n');
    expect(out).toContain('jenkins> deploy ci\nDeploying ci…\n  ✓ applied 3 objects\n  ✓ pod ci-0 scheduled on node-1\n  ✓ ci-0 is ready\n✔ ci created and ready\n');
    // The checklist is printed once, not repeated by the result.
    expect(out.match(/ci-0 is ready/g)).toHaveLength(1);
    expect(out).toContain('jenkins> status ci\n✔ ci: 1/1 controller ready\n');
  });

  it('refuses confirmations without --yes and exits non-zero', async () => {
    const ops = new FakeOperations();
    await consoleRun('deploy ci\n', { ops });
    const { code, out } = await consoleRun('delete ci\nstatus ci\n', { ops });
    expect(code).toBe(1);
    expect(out).toContain('Delete ci?');
    expect(out).toContain('✖ Not confirmed: nothing was changed');
    expect(out).toContain('run with --yes');
    expect(ops.instances.has('ci')).toBe(true);
  });

  it('confirms with --yes', async () => {
    const ops = new FakeOperations();
    await consoleRun('deploy ci\n', { ops });
    const { code, out } = await consoleRun('delete ci\n', { ops, yes: true });
    expect(code).toBe(0);
    expect(out).toContain('Delete: yes (--yes)\n');
    expect(out).toContain('✔ ci deleted');
    expect(ops.instances.has('ci')).toBe(false);
  });

  it('exits non-zero when a command fails', async () => {
    const { code, out } = await consoleRun('help\nlaunch ci\n');
    expect(code).toBe(1);
    expect(out).toContain("✖ Unknown command 'launch'");
  });
});

describe('runConsole interactively', () => {
  it('asks y/N and cancels on anything but yes', async () => {
    const ops = new FakeOperations();
    await consoleRun('deploy ci\n', { ops });
    const { out } = await consoleRun('delete ci\nn\nscale ci 2\ny\n', { ops, interactive: true });
    expect(out).toContain('Delete? [y/N] ');
    expect(out).toContain('Cancelled: nothing was changed');
    expect(ops.instances.has('ci')).toBe(true);
    expect(out).toContain('Scale to 2? [y/N] ');
    expect(out).toContain('ci scaled to 2 controllers and ready');
    expect(ops.calls).toContain('scale ci 2');
  });
});
