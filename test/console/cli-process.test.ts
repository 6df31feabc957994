// The real CLI entry as a child process with piped stdin: `jenkins-chatops start --console --dir <tmp>`.
// It is built first (tsc to a private folder inside the repo, so node_modules and casc/ resolve as in dist/).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const build = join(repo, 'node_modules', '.cache', 'jenkins-chatops-console-test');
const entry = join(build, 'src', 'cli', 'main.js');

beforeAll(async () => {
  await new Promise<void>((done) => {
    // Type errors elsewhere in the tree do not stop tsc from emitting; only a missing entry is fatal.
    execFile(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repo, 'tsconfig.build.json'), '--outDir', build], { cwd: repo }, () => done());
  });
  if (!existsSync(entry)) throw new Error(`the build did not produce ${entry}`);
}, 180_000);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function startConsole(args: string[], stdin: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  return runEntry(['start', ...args], stdin, extraEnv);
}

function runEntry(args: string[], stdin: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  const home = mkdtempSync(join(tmpdir(), 'console-home-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, ...extraEnv };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [entry, ...args], { cwd: home, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('npm start without Slack tokens: the console as a child process', () => {
  it('runs piped commands against the directory target, refuses confirmations without --yes and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-target-'));
    const run = await startConsole(['--dir', dir], 'deploy ci service=NodePort\nstatus ci\ndelete ci\n');
    expect(run.stderr).toContain(`jenkins-chatops console: target directory ${dir}`);
    expect(run.stderr).toContain('This is a dry-run directory');
    expect(run.stdout).toContain('jenkins> deploy ci service=NodePort\nDeploying ci…\n');
    expect(run.stdout).toContain('✔ ci written as files (dry run: nothing runs)');
    expect(run.stdout).not.toContain('ready');
    expect(run.stdout).toContain('jenkins> status ci\n');
    expect(run.stdout).toContain('Delete ci?');
    expect(run.stdout).toContain('✖ Not confirmed: nothing was changed');
    expect(run.stdout).not.toContain('\x1b[');
    expect(run.code).toBe(1);
    expect(readdirSync(join(dir, 'ci', 'manifests')).some((f) => /^\d\d-statefulset-ci\.yaml$/.test(f))).toBe(true);
  });

  it('confirms with --yes and exits 0 when every command succeeded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-target-'));
    await startConsole(['--dir', dir], 'deploy ci\n');
    const run = await startConsole(['--yes', '--dir', dir], 'deploy ci replicas=0\ndelete ci --purge\n');
    expect(run.stdout).toContain('Deploy: yes (--yes)');
    expect(run.stdout).toContain('✔ ci deleted');
    expect(run.code).toBe(0);
    expect(existsSync(join(dir, 'ci', 'manifests', '09-statefulset-ci.yaml'))).toBe(false);
  });

  it('uses the console with --console even when Slack tokens are set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-target-'));
    const run = await startConsole(['--console', '--dir', dir], 'help deploy\n', { SLACK_BOT_TOKEN: 'xoxb-not-a-real-token', SLACK_APP_TOKEN: 'xapp-not-a-real-token' });
    expect(run.stdout).toContain('i deploy <name> [key=value …] [--preset <preset>] [--dry-run]');
    expect(run.code).toBe(0);
  });
});

describe('the cluster subcommands as a child process (no terminal)', () => {
  it('print the console\'s text, and refuse a confirmation without --yes with exit 2, changing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-target-'));
    const deployed = await runEntry(['deploy', 'ci', '--dir', dir], '');
    expect(deployed.code).toBe(0);
    expect(deployed.stdout).toContain('Deploying ci…\n');
    expect(deployed.stdout).toContain('✔ ci written as files (dry run: nothing runs)');
    expect(deployed.stdout).not.toContain('\x1b[');

    const refused = await runEntry(['delete', 'ci', '--dir', dir], 'y\n');
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('Delete ci?');
    expect(refused.stderr).toContain('re-run with --yes');
    expect(readdirSync(join(dir, 'ci', 'manifests')).some((f) => /^\d\d-statefulset-ci\.yaml$/.test(f))).toBe(true);

    const deleted = await runEntry(['delete', 'ci', '--yes', '--dir', dir], '');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain('✔ ci deleted');
    expect(existsSync(join(dir, 'ci', 'manifests', '09-statefulset-ci.yaml'))).toBe(false);
  });
});
