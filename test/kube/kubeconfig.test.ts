import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCluster } from '../../src/kube/connection.js';

const dir = mkdtempSync(join(tmpdir(), 'jc-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, body: { clusters?: [string, string][]; users?: [string, string][]; contexts?: [string, string, string][]; current?: string }): string {
  const path = join(dir, name);
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  for (const [n, server] of body.clusters ?? []) lines.push(`- name: ${n}`, `  cluster: { server: "${server}" }`);
  lines.push('users:');
  for (const [n, token] of body.users ?? []) lines.push(`- name: ${n}`, `  user: { token: ${token} }`);
  lines.push('contexts:');
  for (const [n, cluster, user] of body.contexts ?? []) lines.push(`- name: ${n}`, `  context: { cluster: ${cluster}, user: ${user} }`);
  if (body.current) lines.push(`current-context: ${body.current}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** A fake pod filesystem with a service-account token, and the env a pod gets. */
const podRoot = join(dir, 'pod');
mkdirSync(join(podRoot, 'var/run/secrets/kubernetes.io/serviceaccount'), { recursive: true });
for (const f of ['token', 'ca.crt', 'namespace']) writeFileSync(join(podRoot, 'var/run/secrets/kubernetes.io/serviceaccount', f), f === 'namespace' ? 'ci' : 'x');
const podEnv = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

const home = join(dir, 'home');
mkdirSync(join(home, '.kube'), { recursive: true });
kubeconfig('home/.kube/config', { clusters: [['home', 'https://home.example:6443']], users: [['me', 't']], contexts: [['home', 'home', 'me']], current: 'home' });
const explicit = kubeconfig('explicit', { clusters: [['explicit', 'https://explicit.example:6443']], users: [['me', 't']], contexts: [['explicit', 'explicit', 'me']], current: 'explicit' });
const envFile = kubeconfig('env', { clusters: [['env', 'https://env.example:6443']], users: [['me', 't']], contexts: [['env', 'env', 'me']], current: 'env' });

describe('which kubeconfig, like kubectl (client-go clientcmd loading rules)', () => {
  it('--kubeconfig wins over KUBECONFIG, ~/.kube/config and the service account', () => {
    const found = findCluster({ kubeconfig: explicit, env: { ...podEnv, KUBECONFIG: envFile }, home, rootPrefix: podRoot })!;
    expect(found.source).toBe('kubeconfig');
    expect(found.description).toBe('cluster explicit (https://explicit.example:6443)');
  });

  it('KUBECONFIG wins over ~/.kube/config and over the in-cluster service account', () => {
    const found = findCluster({ env: { ...podEnv, KUBECONFIG: envFile }, home, rootPrefix: podRoot })!;
    expect(found.source).toBe('kubeconfig');
    expect(found.description).toBe('cluster env (https://env.example:6443)');
  });

  it('~/.kube/config wins over the in-cluster service account', () => {
    expect(findCluster({ env: podEnv, home, rootPrefix: podRoot })!.description).toBe('cluster home (https://home.example:6443)');
  });

  it('the service account only when no kubeconfig yields a config (missing files, or files without clusters and contexts)', () => {
    const nowhere = join(dir, 'nohome');
    expect(findCluster({ env: podEnv, home: nowhere, rootPrefix: podRoot })!.source).toBe('in-cluster');
    expect(findCluster({ env: { ...podEnv, KUBECONFIG: join(dir, 'missing') }, home, rootPrefix: podRoot })!.source).toBe('in-cluster');
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    const bare = kubeconfig('bare', {});
    expect(findCluster({ env: { ...podEnv, KUBECONFIG: `${empty}:${bare}` }, home, rootPrefix: podRoot })!.source).toBe('in-cluster');
    // Not in a pod (no KUBERNETES_SERVICE_PORT): nothing.
    expect(findCluster({ env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' }, home: nowhere, rootPrefix: podRoot })).toBeUndefined();
  });

  it('merged files: for a duplicate cluster, user or context name the FIRST file wins; the first current-context wins', () => {
    const first = kubeconfig('first', {
      clusters: [['shared', 'https://first.example:6443']], users: [['admin', 'first-token']], contexts: [['work', 'shared', 'admin']],
    });
    const second = kubeconfig('second', {
      clusters: [['shared', 'https://second.example:6443'], ['extra', 'https://extra.example:6443']],
      users: [['admin', 'second-token']], contexts: [['work', 'extra', 'admin'], ['other', 'extra', 'admin']], current: 'work',
    });
    const third = kubeconfig('third', { clusters: [['third', 'https://third.example:6443']], users: [['t', 't']], contexts: [['third', 'third', 't']], current: 'third' });
    const { kubeConfig } = findCluster({ env: { KUBECONFIG: [first, second, third].join(':') }, home })!;
    // current-context comes from the first file that sets one (second), not the last (third).
    expect(kubeConfig.getCurrentContext()).toBe('work');
    // ...but the context "work" itself is the first file's: cluster "shared", which is also the first file's.
    expect(kubeConfig.getCurrentCluster()!.server).toBe('https://first.example:6443');
    expect(kubeConfig.getCurrentUser()!.token).toBe('first-token');
    expect(kubeConfig.getClusters().map((c) => c.name)).toEqual(['shared', 'extra', 'third']);
    expect(kubeConfig.getContexts().map((c) => c.name)).toEqual(['work', 'other', 'third']);
  });

  it('--context without any kubeconfig is an error, never a silent fall back to the dry-run directory', () => {
    const nowhere = join(dir, 'nohome');
    expect(findCluster({ env: {}, home: nowhere })).toBeUndefined();
    expect(() => findCluster({ context: 'prod', env: {}, home: nowhere })).toThrow('context "prod" was asked for, but no kubeconfig was found');
  });

  it('a file that cannot be parsed is named in the error', () => {
    const broken = join(dir, 'broken');
    writeFileSync(broken, 'clusters: [ {');
    expect(() => findCluster({ env: { KUBECONFIG: `${envFile}:${broken}` }, home })).toThrow(`cannot read kubeconfig ${broken}`);
  });
});
