// What the cluster target trusts, on the strict API server: only stored values and Secrets the bot itself wrote for
// the instance (its ownership labels AND its field manager), only in the namespaces it manages, and stored YAML
// only within the limits of what it ever writes.
import { describe, expect, it } from '@jest/globals';
import { instanceLabels, LABEL_SPEC } from '../../src/instance/naming.js';
import { valuesYaml } from '../../src/targets/stored-values.js';
import { bundle, strictServer, targetOn, values } from './strict-cluster.js';

/** A look-alike of the bot's stored values, written by someone else (another field manager). */
function spoofedSpec(namespace: string, instance: string, text: string) {
  return {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: `${instance}-spec`, namespace, labels: { ...instanceLabels(instance, 'spec'), [LABEL_SPEC]: instance } },
    data: { 'values.yaml': text },
  };
}

describe('stored values', () => {
  it('a look-alike written by another client, or outside the managed namespaces, is neither read nor blocks the instance', async () => {
    const server = await strictServer();
    for (const ns of ['jenkins', 'other']) server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const target = targetOn(server, [], { namespaces: ['jenkins'] });
    await target.apply(bundle(), values);
    server.put(spoofedSpec('other', 'ci', valuesYaml({ name: 'ci', controller: { adminSecret: 'prod-admin' } })), 'kubectl');
    server.put(spoofedSpec('jenkins', 'dev', valuesYaml({ name: 'dev', namespace: 'kube-system' })), 'kubectl');
    // The bot's own instance is found once, with its own values; the copies are invisible.
    expect(await target.loadValues('ci')).toEqual(values);
    expect(await target.loadValues('ci', 'other')).toBeUndefined();
    expect(await target.loadValues('dev')).toBeUndefined();
    expect(await target.listInstances()).toEqual(['ci']);
    // Without a managed list (the operator's command line), the look-alike in `other` still does not count.
    expect(await targetOn(server).loadValues('ci')).toEqual(values);
  });

  it('refuses an alias bomb or an oversized document at once, with words instead of a stuck process', async () => {
    const server = await strictServer();
    server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins' } });
    const target = targetOn(server);
    await target.apply(bundle(), values);
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
    const cm = server.get('ConfigMap', 'jenkins', 'ci-spec')!;
    server.put({ ...cm, data: { 'values.yaml': bomb } }, 'jenkins-chatops');
    await expect(target.loadValues('ci', 'jenkins')).rejects.toThrow(/does not hold values jenkins-chatops wrote/);
    server.put({ ...cm, data: { 'values.yaml': `name: ci\nx: "${'y'.repeat(300 * 1024)}"\n` } }, 'jenkins-chatops');
    await expect(target.loadValues('ci', 'jenkins')).rejects.toThrow(/more than the 262144 jenkins-chatops ever writes/);
  });
});

describe("the instance's Secrets", () => {
  it('password reads only the admin Secret the bot created for the instance', async () => {
    const server = await strictServer();
    server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins' } });
    const target = targetOn(server);
    // Stored values naming someone else's Secret (as an old version allowed from chat).
    const pointed = { name: 'ci', controller: { adminSecret: 'prod-admin' } };
    await target.apply(bundle(pointed), pointed);
    server.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'prod-admin', namespace: 'jenkins', labels: instanceLabels('prod', 'admin') }, stringData: { 'jenkins-admin-password': 'prod-secret' } }, 'kubectl');
    await expect(target.readAdminPassword('ci', 'jenkins')).rejects.toThrow(/was not created by jenkins-chatops for ci, so it is not read/);
    // Its own Secret is read.
    await target.apply(bundle(), values);
    await target.ensureAdminSecret(bundle());
    expect((await target.readAdminPassword('ci', 'jenkins')).user).toBe('admin');
  });

  it('delete --purge leaves a Secret the bot did not create', async () => {
    const server = await strictServer();
    server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins' } });
    const target = targetOn(server);
    const pointed = { name: 'ci', controller: { adminSecret: 'prod-admin' } };
    await target.apply(bundle(pointed), pointed);
    server.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'prod-admin', namespace: 'jenkins' }, stringData: { x: 'y' } }, 'kubectl');
    const result = await target.delete(bundle(pointed), { purge: true });
    expect(server.get('Secret', 'jenkins', 'prod-admin')).toBeDefined();
    expect(result.kept).toContain('Secret/prod-admin (not created by jenkins-chatops for ci)');
  });
});
