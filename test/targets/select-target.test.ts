import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCluster } from '../../src/kube/connection.js';
import { selectTarget } from '../../src/cli/cluster-commands.js';
import { UsageError } from '../../src/cli/failure.js';

const dir = mkdtempSync(join(tmpdir(), 'jc-conn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const kubeconfig = join(dir, 'config');
writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters:
- name: kind
  cluster: { server: "https://127.0.0.1:6443" }
- name: prod
  cluster: { server: "https://prod.example:6443" }
users:
- name: me
  user: { token: not-a-real-token }
contexts:
- name: kind-kind
  context: { cluster: kind, user: me }
- name: prod
  context: { cluster: prod, user: me }
current-context: kind-kind
`);

describe('finding the cluster', () => {
  it('no kubeconfig anywhere and not in a pod: no cluster', () => {
    expect(findCluster({ env: {}, home: join(dir, 'nohome') })).toBeUndefined();
  });

  it('merges every file of a colon-separated KUBECONFIG, like kubectl (the first current-context wins)', () => {
    const staging = join(dir, 'staging');
    writeFileSync(staging, `apiVersion: v1
kind: Config
clusters:
- name: staging
  cluster: { server: "https://staging.example:6443" }
users:
- name: ci
  user: { token: not-a-real-token }
contexts:
- name: staging
  context: { cluster: staging, user: ci }
current-context: staging
`);
    const env = { KUBECONFIG: [join(dir, 'missing'), kubeconfig, staging].join(':') };
    expect(findCluster({ env })!.description).toBe('cluster kind-kind (https://127.0.0.1:6443)');
    expect(findCluster({ env, context: 'staging' })!.description).toBe('cluster staging (https://staging.example:6443)');
  });

  it('KUBECONFIG with its current context, or the context asked for', () => {
    expect(findCluster({ env: { KUBECONFIG: kubeconfig } })!.description).toBe('cluster kind-kind (https://127.0.0.1:6443)');
    expect(findCluster({ env: { KUBECONFIG: kubeconfig }, context: 'prod' })!.description).toBe('cluster prod (https://prod.example:6443)');
  });

  it('an unknown context lists the available ones', () => {
    expect(() => findCluster({ kubeconfig, context: 'staging' })).toThrow('context "staging" is not in ' + kubeconfig + '; available: kind-kind, prod');
  });

  it('selectTarget: --dir wins; no cluster falls back to ./.jenkins-chatops with a note; bad input is a UsageError', () => {
    expect(selectTarget({ dir: join(dir, 'out'), kubeconfig }).target.kind).toBe('directory');
    const fallback = selectTarget({ env: {}, home: join(dir, 'nohome') });
    expect(fallback.target.kind).toBe('directory');
    expect(fallback.note).toMatch(/no cluster configured.*\.\/\.jenkins-chatops/);
    expect(selectTarget({ kubeconfig }).target.kind).toBe('cluster');
    expect(() => selectTarget({ kubeconfig: join(dir, 'missing') })).toThrow(UsageError);
  });
});
