// hostPath agent volumes against the agents' namespace's Pod Security level: refused at plan time where admission would
// refuse every agent pod (baseline/restricted), accepted where the admin runs agents in a privileged namespace.
import { describe, expect, it } from '@jest/globals';
import { PodSecurityError } from '../../src/targets/cluster/pod-security-check.js';
import { bundle, strictServer, targetOn, writes } from './strict-cluster.js';

const cache = { agents: { templates: [{ preset: 'jnlp', volumes: [{ type: 'hostPath', hostPath: '/data/jenkins/m2', mountPath: '/m2' }] }] } };
const namespace = (labels?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins', ...(labels ? { labels } : {}) } });

describe('hostPath agent volumes and Pod Security', () => {
  it('a namespace jenkins-chatops would create (baseline) refuses them at plan time, naming the volume and the way out', async () => {
    const server = await strictServer();
    const err = await targetOn(server).apply(bundle(cache), { name: 'ci', ...cache }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(PodSecurityError);
    expect((err as Error).message).toMatch(/agents\.templates\[0\]\.volumes\[0\] \(hostPath \/data\/jenkins\/m2\): namespace jenkins enforces Pod Security "baseline"/);
    expect((err as Error).message).toMatch(/pod-security\.kubernetes\.io\/enforce=privileged/);
    expect(writes(server)).toEqual([]);
  });

  it.each([
    ['restricted', { 'pod-security.kubernetes.io/enforce': 'restricted' }, true],
    ['privileged', { 'pod-security.kubernetes.io/enforce': 'privileged' }, false],
    ['unlabelled (the cluster default)', undefined, false],
  ])('an existing %s namespace', async (_, labels, refused) => {
    const server = await strictServer();
    server.put(namespace(labels), 'kubectl');
    const outcome = await targetOn(server).apply(bundle(cache), { name: 'ci', ...cache }).then(() => 'applied', (e: unknown) => e);
    if (refused) expect(outcome).toBeInstanceOf(PodSecurityError);
    else expect(outcome).toBe('applied');
  });

  it('other agent volumes are not affected', async () => {
    const server = await strictServer();
    const scratch = { agents: { templates: [{ preset: 'jnlp', volumes: [{ type: 'emptyDir', mountPath: '/scratch' }] }] } };
    await expect(targetOn(server).apply(bundle(scratch), { name: 'ci', ...scratch })).resolves.toMatchObject({ applied: true });
  });
});
