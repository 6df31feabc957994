// The cluster subcommands end to end against the directory target, through the real commander program.
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerClusterCommands } from '../../src/cli/cluster-commands.js';

const dir = mkdtempSync(join(tmpdir(), 'jc-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<string> {
  const program = new Command('jenkins-chatops').exitOverride();
  registerClusterCommands(program);
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { lines.push(String(chunk)); return true; });
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return lines.join('');
}

describe('cluster subcommands on a directory', () => {
  it('deploy, re-deploy (no changes), status, scale, password, delete', async () => {
    expect(await run('deploy', 'ci', '--dir', dir, '--set', 'agents.containerCap=3')).toMatch(/\+ create StatefulSet\/ci[\s\S]*created admin Secret for ci[\s\S]*ready: manifests for ci written/);
    expect(await run('deploy', 'ci', '--dir', dir)).toMatch(/ci: no changes/);
    expect(await run('diff', 'ci', '--dir', dir, '--set', 'controller.replicas=0')).toMatch(/~ update StatefulSet\/ci \(jenkins\)\n\s+spec\.replicas: 1 → 0/);
    expect(await run('status', '--dir', dir)).toMatch(/dry run: files only[\s\S]*ci \(jenkins\): 0\/1 controller\(s\) ready/);
    expect(await run('scale', 'ci', '0', '--dir', dir)).toMatch(/kept jenkins-home-ci-0/);
    expect(await run('password', 'ci', '--dir', dir)).toMatch(/^user: admin\npassword: \S{20,}\n$/);
    expect(await run('delete', 'ci', '--dir', dir, '--yes')).toMatch(/deleted \d+ object\(s\) of ci/);
  });

  it('more than one controller needs --yes', async () => {
    await run('deploy', 'two', '--dir', dir);
    await expect(run('scale', 'two', '2', '--dir', dir)).rejects.toThrow(/independent Jenkins.*--yes/);
    expect(await run('scale', 'two', '2', '--dir', dir, '--yes')).toMatch(/ready/);
  });

  it('every subcommand has --help', async () => {
    for (const name of ['deploy', 'diff', 'status', 'scale', 'delete', 'password']) {
      await expect(run(name, '--help')).rejects.toMatchObject({ exitCode: 0 });
    }
  });
});
