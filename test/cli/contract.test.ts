// The newcomer's stumbles on the command line (issue 14): one exit-code contract, --version, presets as `templates`
// lists them, a wrong template name, -n honoured by status, a memory size without a unit, and dry runs on the
// directory target that say what really happened.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { EXIT_CODES, EXIT_CODES_HELP } from '../../src/commands/messages.js';
import { EXIT_STATUS_HELP } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'jc-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (...args: string[]) => runCli(...args, '--dir', dir);

describe('the exit-code contract', () => {
  it('is 3 for "no such instance" on every command that names one, 0 when found', async () => {
    expect((await at('deploy', 'ci')).code).toBe(0);
    for (const args of [['status', 'nope'], ['password', 'nope'], ['scale', 'nope', '0'], ['scale', 'nope', '3', '--agents'], ['delete', 'nope', '--yes']]) {
      const run = await at(...args);
      expect({ args, code: run.code }).toEqual({ args, code: EXIT_CODES.notFound });
      expect(run.stdout).toContain('No instance named nope');
    }
    expect((await at('status', 'ci')).code).toBe(0);
  });

  it('is 2 for bad usage and refused input, and documented the same in --help and in messages.ts', async () => {
    expect((await at('scale', 'ci', 'many')).code).toBe(2);
    expect((await runCli('frobnicate')).code).toBe(2);
    expect((await at('deploy', 'ci', 'controller.replicas=-1')).code).toBe(2);
    const help = await runCli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(EXIT_STATUS_HELP);
    expect((await runCli('status', '--help')).stdout).toContain('3  not found');
    for (const line of ['0 done', '1 the operation failed', '2 bad usage', '3 not found']) expect(EXIT_CODES_HELP).toContain(line);
  });

  it('--version prints the package version and exits 0', async () => {
    const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = await runCli(flag);
      expect(run).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    }
  });
});

describe('names as the newcomer reads them', () => {
  it('`templates` lists each preset by the name --preset takes, and the listed template name works too', async () => {
    // (`templates` is a chat/console command: through the console.)
    const { runConsoleScript } = await import('./console-script.js');
    const out = await runConsoleScript(dir, 'templates\n');
    expect(out).toMatch(/• jnlp: template "default", label "jenkins-agent"/);
    for (const preset of ['jnlp', 'default']) {
      const run = await at('deploy', 'ci', '--preset', preset, '--dry-run');
      expect({ preset, code: run.code }).toEqual({ preset, code: 0 });
    }
    expect((await at('deploy', 'ci', '--preset', 'nosuch', '--dry-run')).code).toBe(2);
  });

  it('a wrong template name is answered as such (exit 3), naming the templates the instance has', async () => {
    const run = await at('scale', 'ci', '4', '--template', 'jnlp');
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('ci has no pod template named jnlp');
    expect(run.stdout).toContain('Its pod templates: default.');
    expect(run.stdout).not.toContain('No instance named');
  });

  it('status -n other does not show an instance that lives in another namespace', async () => {
    const run = await at('status', 'ci', '-n', 'other');
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('No instance named ci in namespace other');
    expect(run.stdout).toContain('ci lives in namespace jenkins');
    expect((await at('status', '-n', 'other')).stdout).toContain('No Jenkins instances in namespace other');
    expect((await at('status', 'ci', '-n', 'jenkins')).code).toBe(0);
    expect((await at('password', 'ci', '-n', 'other')).code).toBe(3);
  });

  it('a memory size without a unit (bytes) is refused with the spellings meant', async () => {
    for (const setting of ['agent.memory=500', 'agent.memory.limit=512', 'agents.templates[0].resources.requests.memory=1.5']) {
      const run = await at('deploy', 'ci', setting, '--dry-run');
      expect({ setting, code: run.code }).toEqual({ setting, code: 2 });
      expect(run.stdout + run.stderr).toMatch(/a memory size needs a unit: [\d.]+ alone means [\d.]+ bytes\. Write [\d.]+Mi/);
    }
    expect((await at('deploy', 'ci', 'agent.memory=500Mi', '--dry-run')).code).toBe(0);
  });
});

describe('dry runs on the directory target say what happened', () => {
  it('deploy writes files (never "ready"), diff and status say nothing runs', async () => {
    const deployed = await at('deploy', 'dry');
    expect(deployed.stdout).toContain('✔ dry written as files (dry run: nothing runs)');
    expect(deployed.stdout).not.toMatch(/created and ready|\bready\b/);
    const diff = await at('diff', 'dry');
    expect(diff.stdout).toContain('The files of dry in the dry-run directory already match');
    expect(diff.stdout).not.toContain('The cluster already matches');
    const status = await at('status', 'dry');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('dry: files only, nothing runs');
    expect(status.stdout).not.toMatch(/0\/1|not ready|not loaded yet/);
  });
});

describe('the directory target after a scale-down', () => {
  it('keeps each volume file once, and no manifest number repeats (scale 2 → 0 → 2)', async () => {
    const seed = join(process.cwd(), 'examples', 'seed-install.yaml');
    const files = () => readdirSync(join(dir, 'jenkins', 'manifests'));
    expect((await at('deploy', '-f', seed)).code).toBe(0);
    expect((await at('scale', 'jenkins', '2', '--yes')).code).toBe(0);
    for (const replicas of ['0', '2']) {
      expect((await at('scale', 'jenkins', replicas, '--yes')).code).toBe(0);
      const numbers = files().map((f) => f.slice(0, f.indexOf('-')));
      expect({ replicas, repeated: numbers.filter((n, i) => numbers.indexOf(n) !== i) }).toEqual({ replicas, repeated: [] });
      const volumes = files().filter((f) => f.includes('-persistentvolume-')).map((f) => f.replace(/^\d+-/, ''));
      expect(volumes).toEqual(['persistentvolume-jenkins.jenkins-home-0.yaml', 'persistentvolume-jenkins.jenkins-home-1.yaml']);
    }
  });
});

describe('render --out', () => {
  it('prints the folder it wrote without a double slash, whether --out ends in / or not', async () => {
    for (const out of [join(dir, 'deploy-repo/'), join(dir, 'deploy-repo2')]) {
      const run = await runCli('render', '-f', join(process.cwd(), 'examples', 'team-ci.yaml'), '--out', out);
      expect(run.code).toBe(0);
      expect(run.stdout).not.toContain('//');
      expect(run.stdout).toMatch(/ to \S+deploy-repo2?\/ci\/\n/);
    }
  });
});
