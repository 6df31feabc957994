// The cluster subcommands end to end against the directory target, through the real program (main), as a user at a
// shell sees them: what is printed, the exit code, and what is on disk.
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'jc-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Files are numbered in apply order, and the count before the StatefulSet depends on the settings (one Service per
// controller): find it by kind and name.
const statefulSet = (name: string) => {
  const folder = join(dir, name, 'manifests');
  const file = existsSync(folder) ? readdirSync(folder).find((f) => f.endsWith(`-statefulset-${name}.yaml`)) : undefined;
  return file ? join(folder, file) : join(folder, `(no StatefulSet of ${name})`);
};
const replicasOf = (name: string) => /replicas: (\d+)/.exec(readFileSync(statefulSet(name), 'utf8'))?.[1];

describe('cluster subcommands on a directory', () => {
  it('deploy, re-deploy (no changes), diff, status, scale, password, delete', async () => {
    const deployed = await runCli('deploy', 'ci', '--dir', dir, '--set', 'agents.containerCap=3');
    expect(deployed.code).toBe(0);
    expect(deployed.stdout).toMatch(/✓ wrote \d+-statefulset-ci\.yaml \(create\)[\s\S]*✔ ci written as files \(dry run: nothing runs\)/);
    expect(deployed.stdout).toMatch(/Admin password: +generated: `password ci` shows it/);
    expect(deployed.stderr).toContain(`target: directory ${dir}`);

    const again = await runCli('deploy', 'ci', '--dir', dir);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toMatch(/ci already has these settings: nothing to change/);

    const diff = await runCli('diff', 'ci', '--dir', dir, '--set', 'controller.replicas=0');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/update StatefulSet\/ci \(jenkins\)\n\s+spec\.replicas: 1 → 0/);
    expect(replicasOf('ci')).toBe('1');

    const status = await runCli('status', '--dir', dir);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/ci \(namespace jenkins\)/);
    expect(status.stdout).toMatch(/ci: files only, nothing runs[\s\S]*Controllers: +1 once applied \(none runs now\)/);

    const hibernated = await runCli('scale', 'ci', '0', '--dir', dir);
    expect(hibernated.code).toBe(0);
    expect(hibernated.stdout).toMatch(/kept jenkins-home-ci-0[\s\S]*✔ ci set to 0 controllers in its files \(dry run: nothing ran\)/);
    expect(replicasOf('ci')).toBe('0');

    const password = await runCli('password', 'ci', '--dir', dir);
    expect(password.code).toBe(0);
    expect(password.stdout).toMatch(/User: +admin\n +Password: +\S{20,}\n/);

    const deleted = await runCli('delete', 'ci', '--dir', dir, '--yes');
    expect(deleted.code).toBe(0);
    expect(deleted.stderr).toMatch(/Delete ci\?[\s\S]*Delete: yes \(--yes\)/);
    expect(deleted.stdout).toMatch(/✔ ci deleted/);
    expect(existsSync(statefulSet('ci'))).toBe(false);
  });

  it('keeps the containerCap when a template cap is set (the scale handler, as in chat)', async () => {
    await runCli('deploy', 'caps', '--dir', dir, '--set', 'agents.containerCap=7');
    const set = await runCli('scale', 'caps', '4', '--template', 'default', '--dir', dir);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('✔ caps: at most 4 default agent pods');
    const stored = readFileSync(join(dir, 'caps', 'values.yaml'), 'utf8');
    expect(stored).toMatch(/containerCap: 7/);
    expect(stored).toMatch(/instanceCap: 4/);
  });

  it('more than one controller asks first: refused without a terminal or --yes (exit 2), done with --yes', async () => {
    await runCli('deploy', 'two', '--dir', dir);
    const refused = await runCli('scale', 'two', '2', '--dir', dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Scale two to 2 controllers\?[\s\S]*independent Jenkins[\s\S]*Not confirmed: nothing was changed[\s\S]*re-run with --yes/);
    expect(replicasOf('two')).toBe('1');
    const done = await runCli('scale', 'two', '2', '--dir', dir, '--yes');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/✔ two scaled to 2 controllers as files \(dry run: nothing runs\)/);
    expect(replicasOf('two')).toBe('2');
  });

  it('bad input exits 2 and changes nothing; an unknown instance exits 3', async () => {
    const badCount = await runCli('scale', 'ci', 'many', '--dir', dir);
    expect(badCount.code).toBe(2);
    expect(badCount.stderr).toMatch(/replicas must be a whole number/);
    const badSpec = await runCli('deploy', 'bad', '--dir', dir, '--set', 'controller.replicas=abc');
    expect(badSpec.code).toBe(2);
    expect(badSpec.stdout).toMatch(/controller\.replicas: .*whole number/);
    expect(existsSync(join(dir, 'bad'))).toBe(false);
    const unknown = await runCli('password', 'nobody', '--dir', dir);
    expect(unknown.code).toBe(3);
    expect(unknown.stdout).toContain('No instance named nobody');
  });

  it('every subcommand has --help', async () => {
    for (const name of ['deploy', 'diff', 'status', 'scale', 'delete', 'password']) {
      const help = await runCli(name, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: jenkins-chatops ${name}`);
    }
  });
});
