// `jenkins-chatops render`: what a user gets on disk or on stdout, and what happens with bad input.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadAll } from 'js-yaml';
import { runCli } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'render-'));

describe('jenkins-chatops render', () => {
  it('writes the default install as jenkins.yaml plus manifests in apply order', async () => {
    const out = tmp();
    const run = await runCli('render', '--out', out);
    expect(run.code).toBe(0);
    // The object list grows with the templates: check the order and the numbering, not a fixed count.
    const files = readdirSync(join(out, 'jenkins', 'manifests'));
    expect(run.stdout).toMatch(new RegExp(`rendered jenkins \\(${files.length} objects, JCasC revision [0-9a-f]{16}\\)`));
    expect(files.map((f) => f.slice(0, 2))).toEqual(files.map((_f, i) => String(i).padStart(2, '0')));
    expect(files[0]).toBe('00-namespace-jenkins.yaml');
    expect(files.at(-1)).toMatch(/^\d\d-statefulset-jenkins\.yaml$/);
    for (const object of ['serviceaccount-jenkins', 'role-jenkins-agents', 'configmap-jenkins-casc', 'persistentvolume-jenkins.jenkins-home-0', 'service-jenkins', 'service-jenkins-agent']) {
      expect(files.some((f) => f.endsWith(`-${object}.yaml`))).toBe(true);
    }
    expect(files.findIndex((f) => f.includes('-persistentvolume-'))).toBeLessThan(files.findIndex((f) => f.includes('-statefulset-')));
    expect(readFileSync(join(out, 'jenkins', 'jenkins.yaml'), 'utf8')).toContain('kubernetes:');
  });

  it('prints one multi-document stream without --out, layering values files and --set', async () => {
    const dir = tmp();
    const base = join(dir, 'base.yaml');
    const team = join(dir, 'team.yaml');
    writeFileSync(base, 'name: base\nnamespace: ci\n');
    writeFileSync(team, 'name: team\ncontroller:\n  replicas: 2\n');
    const run = await runCli('render', '--values', base, '-f', team, '--set', 'controller.replicas=0', '--set', 'agents.templates[0].jnlpImage=registry/jnlp:1');
    expect(run.code).toBe(0);
    const docs = loadAll(run.stdout) as Array<{ kind: string; metadata: { name: string; namespace?: string }; spec?: { replicas?: number } }>;
    const sts = docs.find((d) => d.kind === 'StatefulSet')!;
    expect(sts.metadata).toMatchObject({ name: 'team', namespace: 'ci' });
    expect(sts.spec!.replicas).toBe(0);
    expect(run.stdout).toContain('image: "registry/jnlp:1"');
  });

  it('exits 2 with every problem on stderr and writes nothing for an invalid spec', async () => {
    const out = join(tmp(), 'never');
    const run = await runCli('render', '--out', out, '--set', 'controller.replicas=-1', '--set', 'service.type=Ingress');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('controller.replicas: replicas must be 0 (hibernate) or more (got -1)');
    expect(run.stderr).toContain('service.type: service.type must be ClusterIP, NodePort or LoadBalancer (got "Ingress")');
    expect(existsSync(out)).toBe(false);
    expect(run.stdout).toBe('');
  });

  it('exits 2 for a missing values file and for a malformed --set', async () => {
    expect((await runCli('render', '--values', '/nonexistent/values.yaml')).stderr).toMatch(/\/nonexistent\/values\.yaml: no such values file/);
    const bad = await runCli('render', '--set', 'replicas');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/path=value/);
  });

  it('documents every flag in --help', async () => {
    const run = await runCli('render', '--help');
    expect(run.code).toBe(0);
    for (const flag of ['--out', '--values', '--set']) expect(run.stdout).toContain(flag);
  });
});
