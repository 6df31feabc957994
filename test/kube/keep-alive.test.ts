import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { KubeClient } from '../../src/kube/client.js';
import { destroySharedAgents, sharedAgentCount } from '../../src/kube/transport.js';
import { json, kubeConfigFor, startApiServer, type Loopback } from './loopback.js';
import { withoutNock } from './nock-off.js';

withoutNock();
const servers: Loopback[] = [];
afterEach(async () => {
  destroySharedAgents();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => destroySharedAgents());

function pods(res: import('node:http').ServerResponse, url: URL): void {
  if (url.searchParams.get('watch') === 'true') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(`${JSON.stringify({ type: 'ADDED', object: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'ci-0', namespace: 'ci' } } })}\n`);
    return; // a watch stays open; the client ends it
  }
  json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: [] });
}

describe('one keep-alive connection pool per process', () => {
  it('sequential API calls use one connection, also across clients of the same cluster', async () => {
    const api = await startApiServer((_req, res, url) => pods(res, url));
    servers.push(api);
    const client = new KubeClient(kubeConfigFor(api.url));
    for (let i = 0; i < 5; i++) await client.listPods('ci', 'app=x');
    await client.readService('ci', 'missing');
    // A second client (a second KubeConfig) of the same cluster and credentials shares the pool.
    const other = new KubeClient(kubeConfigFor(api.url));
    for (let i = 0; i < 3; i++) await other.listNodes();
    expect(api.requests).toHaveLength(9);
    expect(api.connections).toBe(1);
    expect(sharedAgentCount()).toBe(1);
  });

  it('the Watch takes its connection from the same pool', async () => {
    const api = await startApiServer((_req, res, url) => pods(res, url));
    servers.push(api);
    const client = new KubeClient(kubeConfigFor(api.url));
    await client.listPods('ci', 'app=x');
    await expect(client.waitForPodEvent('ci', 'app=x', '7', 5000)).resolves.toBe('event');
    expect(api.requests.map((r) => r.split('?')[0])).toEqual(['/api/v1/namespaces/ci/pods', '/api/v1/namespaces/ci/pods']);
    expect(api.connections).toBe(1);
  });

  it('different credentials get their own pool (connections are never shared across TLS identities)', async () => {
    const api = await startApiServer((_req, res, url) => pods(res, url));
    servers.push(api);
    const a = kubeConfigFor(api.url);
    const b = kubeConfigFor(api.url);
    // Same server, but another TLS server name: an agent option differs, so the pool differs.
    b.clusters[0] = { ...b.clusters[0]!, tlsServerName: 'other.example' };
    await new KubeClient(a).listNodes();
    await new KubeClient(b).listNodes();
    expect(sharedAgentCount()).toBe(2);
    expect(api.connections).toBe(2);
  });
});
