// Credentials name Secrets the user creates; the plan checks them on the strict API server before anything is
// written: a missing Secret or key, or a Secret jenkins-chatops made, is a plan error naming it — never its values.
import { describe, expect, it } from '@jest/globals';
import { load } from 'js-yaml';
import type { Values } from '../../src/instance/index.js';
import { CredentialSecretError } from '../../src/targets/cluster/credential-secrets.js';
import { createOperations } from '../../src/operations/index.js';
import { bundle, strictServer, targetOn, writes } from './strict-cluster.js';
import type { Loose } from '../helpers/render.js';

const spec: Values = {
  name: 'ci',
  credentials: [
    { id: 'git-bot', type: 'usernamePassword', secret: 'git-bot' },
    { id: 'deploy-key', type: 'sshPrivateKey', secret: 'deploy-key', description: 'read-only deploy key' },
  ],
};

const secret = (name: string, data: Record<string, string>, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
  metadata: { name, namespace: 'jenkins', labels },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
});

describe('credential Secrets at plan time', () => {
  it('deploys once the Secrets exist: the controller mounts them key by key, JCasC reads them', async () => {
    const server = await strictServer();
    server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins' } });
    server.put(secret('git-bot', { username: 'bot', password: 'hunter2' }), 'kubectl-create');
    server.put(secret('deploy-key', { username: 'git', privateKey: 'KEY' }), 'kubectl-create');
    const result = await targetOn(server).apply(bundle(spec), spec);
    expect(result.applied).toBe(true);
    const volume = server.get('StatefulSet', 'jenkins', 'ci')!.spec.template.spec.volumes.find((v: Loose) => v.name === 'admin-secret');
    expect(volume.projected.sources.map((s: Loose) => s.secret.name)).toEqual(['ci-admin', 'git-bot', 'deploy-key', 'deploy-key']);
    const casc = load(server.get('ConfigMap', 'jenkins', 'ci-casc')!.data['jenkins.yaml']) as Loose;
    expect(casc.credentials.system.domainCredentials[0].credentials.map((c: Loose) => Object.keys(c)[0])).toEqual(['usernamePassword', 'basicSSHUserPrivateKey']);
    // The bot never wrote to the user's Secrets.
    expect(writes(server).filter((w) => /\/secrets\/(git-bot|deploy-key)/.test(w))).toEqual([]);
  });

  it('a missing Secret, or a key it lacks, fails the plan naming both; nothing is written and no value is shown', async () => {
    const server = await strictServer();
    server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins' } });
    server.put(secret('git-bot', { user: 'bot', password: 'hunter2' }), 'kubectl-create');
    server.clearRequests();
    const error = (await targetOn(server).apply(bundle(spec), spec).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(CredentialSecretError);
    expect(error.message).toContain('credential git-bot (usernamePassword): Secret jenkins/git-bot has no key username; a usernamePassword credential reads keys username, password');
    expect(error.message).toContain('credential deploy-key: Secret jenkins/deploy-key does not exist; create it with keys username, privateKey (and optionally passphrase)');
    expect(error.message).not.toMatch(/hunter2|Ym90|aHVudGVyMg/);
    expect(writes(server)).toEqual([]);
    // diff is the same plan: the same refusal, still nothing written.
    await expect(targetOn(server).diff(bundle(spec))).rejects.toThrow(CredentialSecretError);
    expect(writes(server)).toEqual([]);
  });

  it("refuses a Secret jenkins-chatops made (another instance's admin password), even from the command line", async () => {
    const server = await strictServer();
    server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins' } });
    const target = targetOn(server);
    await target.ensureAdminSecret(bundle({ name: 'prod' }));
    const stolen: Values = { name: 'ci', credentials: [{ id: 'x', type: 'usernamePassword', secret: 'prod-admin' }] };
    server.clearRequests();
    const error = (await target.apply(bundle(stolen), stolen).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(CredentialSecretError);
    expect(error.message).toMatch(/credential x: Secret jenkins\/prod-admin is one jenkins-chatops made for an instance/);
    expect(writes(server)).toEqual([]);
  });

  it('a Secret deleted between the preview and the agreed deploy stops the deploy (the preview is not reused blindly)', async () => {
    const server = await strictServer();
    server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins' } });
    server.put(secret('git-bot', { username: 'bot', password: 'hunter2' }), 'kubectl-create');
    server.put(secret('deploy-key', { username: 'git', privateKey: 'KEY' }), 'kubectl-create');
    const ops = createOperations(targetOn(server));
    const request = { instance: 'ci', changes: [{ credentials: spec.credentials }], actor: { id: 'cli' }, wait: false };
    await ops.preview(request);
    server.remove('Secret', 'jenkins', 'deploy-key');
    server.clearRequests();
    await expect(ops.deploy(request)).rejects.toThrow(/credential deploy-key: Secret jenkins\/deploy-key does not exist/);
    expect(server.get('StatefulSet', 'jenkins', 'ci')).toBeUndefined();
  });
});
