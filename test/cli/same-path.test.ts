// One command layer for every front end: the same command typed in chat, at the console and on the command line
// goes through the same grammar, plan, confirmation and messages, so against the same (directory) target it prints
// the same text. Each front end gets its own temporary directory; paths are the only difference.
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { TokenSigner } from '../../src/commands/confirmation-token.js';
import { createCommandRunner } from '../../src/commands/create-runner.js';
import { Policy } from '../../src/commands/policy.js';
import { createOperations } from '../../src/operations/index.js';
import { DirectoryTarget } from '../../src/targets/directory/directory-target.js';
import { renderText } from '../../src/transports/console/render-text.js';
import { runConsole } from '../../src/transports/console/run-console.js';
import { alice, RecordingReply } from '../commands/recording-reply.js';
import { runCli } from '../helpers/cli.js';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'same-path-'));
  made.push(dir);
  return dir;
}

const runnerOn = (dir: string) => createCommandRunner({
  operations: createOperations(new DirectoryTarget(dir)),
  policy: new Policy({ deployers: { users: [alice.userId], groups: [] } }),
  signer: new TokenSigner('k'),
  logger: pino({ level: 'silent' }),
});

/** What the console prints for these lines (piped, so without the `jenkins> …` echo), paths replaced. */
async function atConsole(dir: string, lines: string[], yes = false): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
  input.end(`${lines.join('\n')}\n`);
  await runConsole({ runner: runnerOn(dir), input, output, errorOutput: new PassThrough(), yes });
  return anonymous(text.split('\n').filter((line) => !line.startsWith('jenkins> ')).join('\n'), dir);
}

/** The CLI in-process: stdout and stderr without the target line, paths replaced. */
async function atCli(dir: string, ...args: string[]) {
  const run = await runCli(...args, '--dir', dir);
  const stderr = run.stderr.split('\n').filter((line) => !line.startsWith('target: ')).join('\n');
  return { code: run.code, stdout: anonymous(run.stdout, dir), stderr: anonymous(stderr, dir) };
}

function anonymous(text: string, dir: string): string {
  return text.replaceAll(dir, '<dir>');
}

/** Every file under a directory with its content and mtime: "changes nothing" means this stays equal. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else out[path.slice(dir.length)] = `${statSync(path).mtimeMs} ${readFileSync(path, 'utf8')}`;
    }
  };
  walk(dir);
  return out;
}

describe('the same command through chat, the console and the CLI', () => {
  it('deploy ci replicas=2 --dry-run: the same plan, the same text', async () => {
    const [chatDir, consoleDir, cliDir, setDir] = [tempDir(), tempDir(), tempDir(), tempDir()];
    const chat = new RecordingReply();
    await runnerOn(chatDir).handle('deploy ci replicas=2 --dry-run', alice, chat);
    const consoleText = await atConsole(consoleDir, ['deploy ci replicas=2 --dry-run']);
    const cli = await atCli(cliDir, 'deploy', 'ci', 'replicas=2', '--dry-run');
    // The operator's --set reaches the same plan as the chat key.
    const viaSet = await atCli(setDir, 'deploy', 'ci', '--set', 'controller.replicas=2', '--dry-run');

    expect(chat.last.title).toBe('Dry run: deploying ci would change');
    expect(consoleText).toBe(renderText(chat.last));
    expect(cli).toEqual({ code: 0, stdout: consoleText, stderr: '' });
    expect(viaSet.stdout).toBe(consoleText);
    expect(readdirSync(cliDir)).toEqual([]);
  });

  it('scale ci 0: the same progress and result', async () => {
    const [consoleDir, cliDir] = [tempDir(), tempDir()];
    await atConsole(consoleDir, ['deploy ci']);
    await atCli(cliDir, 'deploy', 'ci');
    const consoleText = await atConsole(consoleDir, ['scale ci 0']);
    const cli = await atCli(cliDir, 'scale', 'ci', '0');
    expect(consoleText).toContain('✔ ci set to 0 controllers in its files (dry run: nothing ran)');
    expect(cli).toEqual({ code: 0, stdout: consoleText, stderr: '' });
  });

  it('delete ci: the same question, the same confirmation path (--yes), the same result', async () => {
    const [chatDir, consoleDir, cliDir] = [tempDir(), tempDir(), tempDir()];
    const chatRunner = runnerOn(chatDir);
    await chatRunner.handle('deploy ci', alice, new RecordingReply());
    await atConsole(consoleDir, ['deploy ci']);
    await atCli(cliDir, 'deploy', 'ci');

    const chat = new RecordingReply();
    await chatRunner.handle('delete ci', alice, chat);
    const consoleText = await atConsole(consoleDir, ['delete ci'], true);
    const cli = await atCli(cliDir, 'delete', 'ci', '--yes');

    const question = renderText(chat.confirmation!.message);
    expect(consoleText.startsWith(`${question}Delete: yes (--yes)\n`)).toBe(true);
    // The CLI asks on stderr (stdout may be piped) and prints the outcome on stdout: together, the console's text.
    expect(cli.code).toBe(0);
    expect(cli.stderr).toBe(`${question}Delete: yes (--yes)\n`);
    expect(cli.stderr + cli.stdout).toBe(consoleText);
    expect(cli.stdout).toContain('✔ ci deleted');
  });

  it('without --yes and without a terminal the CLI refuses what needs confirming: exit 2, the question, nothing changed', async () => {
    const dir = tempDir();
    await atCli(dir, 'deploy', 'ci');
    const before = snapshot(dir);
    const chat = new RecordingReply();
    const chatDir = tempDir();
    await runnerOn(chatDir).handle('deploy ci', alice, new RecordingReply());
    await runnerOn(chatDir).handle('delete ci --purge', alice, chat);

    const deleted = await atCli(dir, 'delete', 'ci', '--purge');
    expect(deleted.code).toBe(2);
    expect(deleted.stdout).toBe('');
    expect(deleted.stderr).toContain(renderText(chat.confirmation!.message));
    expect(deleted.stderr).toMatch(/✖ Not confirmed: nothing was changed\n.*re-run with --yes/);

    const changed = await atCli(dir, 'deploy', 'ci', 'replicas=3');
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/Apply these changes to ci\?[\s\S]*spec\.replicas: 1 → 3[\s\S]*re-run with --yes/);
    expect(snapshot(dir)).toEqual(before);

    // A new instance with several controllers is asked about too, on every front end.
    const created = await atCli(dir, 'deploy', 'big', 'replicas=2');
    expect(created.code).toBe(2);
    expect(created.stderr).toMatch(/Create big\?[\s\S]*independent Jenkins[\s\S]*re-run with --yes/);
    expect(snapshot(dir)).toEqual(before);
  });
});
