// Opt-in (`npm run test:e2e`): deploy, status, scale and delete a real instance on the cluster KUBECONFIG names
// (kind or minikube). Skipped, saying so, when no cluster is configured.
import { afterAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { ClusterTarget } from '../../src/targets/cluster/cluster-target.js';
import { findCluster } from '../../src/kube/connection.js';
import { createOperations } from '../../src/operations/index.js';

const connection = findCluster();
const namespace = 'jenkins-chatops-e2e';
const instance = 'e2e';
const actor = { id: 'e2e' };

if (!connection) {
  console.log('e2e: no cluster configured (KUBECONFIG / ~/.kube/config / in-cluster): skipping the cluster suite. Create one with `kind create cluster` and re-run `npm run test:e2e`.');
}

const suite = connection ? describe : describe.skip;

suite(`cluster operations against ${connection?.description ?? 'no cluster'}`, () => {
  nock.enableNetConnect();
  const ops = connection ? createOperations(new ClusterTarget(connection.kubeConfig, { description: connection.description })) : undefined!;
  afterAll(async () => {
    await ops.delete({ instance, namespace, purge: true, actor }).catch(() => undefined);
    nock.disableNetConnect();
  });

  it('deploys, re-deploys without changes, reports status, hibernates and deletes', async () => {
    const first = await ops.deploy({ instance, namespace, changes: [{ controller: { resources: { requests: { cpu: '250m', memory: '1Gi' } } } }], actor, timeoutSeconds: 900, onProgress: (s) => console.log(`  · ${s.message}`) });
    expect(first.outcome?.status).toBe('ready');

    const again = await ops.deploy({ instance, namespace, changes: [], actor });
    expect(again.plan.empty).toBe(true);

    const [status] = await ops.status(instance, namespace);
    expect(status).toMatchObject({ exists: true, replicas: { desired: 1, ready: 1 } });
    expect(status!.urls.at(-1)).toBe(`http://${instance}.${namespace}.svc.cluster.local:8080/`);

    const agents = await ops.scaleAgents({ instance, namespace, containerCap: 3, actor });
    expect(agents.outcome?.status).not.toBe('failed');

    const hibernated = await ops.scaleControllers({ instance, namespace, replicas: 0, actor });
    expect(hibernated.outcome?.status).toBe('ready');

    const removed = await ops.delete({ instance, namespace, purge: false, actor });
    expect(removed.kept).toEqual(expect.arrayContaining([`PersistentVolumeClaim/jenkins-home-${instance}-0`]));
  }, 1_200_000);
});
