// Watches through client-node's Watch (ADDED/MODIFIED/DELETED, BOOKMARK, 410 Expired, timeoutSeconds), and the
// test hooks: request log, injected status codes, connection resets, latency, auto ticking.
import { afterEach, describe, expect, it } from '@jest/globals';
import { ApiException, CoreV1Api, makeInformer, Watch, type V1Pod } from '@kubernetes/client-node';
import { startApiServer, type ApiServerOptions, type TestApiServer } from '../index.js';

// Registered by the suite that imports this file; the describe keeps its hooks to its own tests.
describe('watches and test hooks', () => {
  let server: TestApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(options: ApiServerOptions = {}) {
    server = await startApiServer(options);
    return { server, core: server.kubeConfig().makeApiClient(CoreV1Api), watch: new Watch(server.kubeConfig()) };
  }

  type Seen = Array<{ type: string; name?: string; rv?: string; code?: number }>;

  async function until(cond: () => boolean, ms = 2000): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  describe('watch', () => {
    it('streams ADDED, MODIFIED and DELETED from a resourceVersion, filtered by label selector', async () => {
      const { core, watch } = await start();
      const list = await core.listNamespacedConfigMap({ namespace: 'default' });
      const seen: Seen = [];
      const req = await watch.watch('/api/v1/namespaces/default/configmaps', { resourceVersion: list.metadata!.resourceVersion, labelSelector: 'app=x' },
        (type, obj) => seen.push({ type, name: obj.metadata?.name }), () => undefined);
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'a', labels: { app: 'x' } } } });
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'b', labels: { app: 'y' } } } });
      await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { metadata: { name: 'a', labels: { app: 'x' } }, data: { k: 'v' } } });
      // Leaving the selector is a DELETED for this watch.
      await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { metadata: { name: 'a', labels: { app: 'z' } } } });
      await until(() => seen.length >= 3);
      req.abort();
      expect(seen).toEqual([{ type: 'ADDED', name: 'a' }, { type: 'MODIFIED', name: 'a' }, { type: 'DELETED', name: 'a' }]);
    });

    it('sends BOOKMARK on ticks when asked, and ERROR 410 Expired for a version older than the history', async () => {
      const { server, watch } = await start({ watchHistory: 5 });
      const seen: Seen = [];
      const req = await watch.watch('/api/v1/namespaces/default/pods', { resourceVersion: String(server.registry.store.rv), allowWatchBookmarks: true },
        (type, obj) => seen.push({ type, rv: obj.metadata?.resourceVersion }), () => undefined);
      await until(() => server.openWatches === 1);
      server.tick();
      await until(() => seen.length === 1);
      req.abort();
      expect(seen).toEqual([{ type: 'BOOKMARK', rv: String(server.registry.store.rv) }]);

      const errors: Seen = [];
      let done: unknown = 'pending';
      await watch.watch('/api/v1/namespaces/default/pods', { resourceVersion: '1' },
        (type, obj) => errors.push({ type, code: obj.code }), (err) => { done = err; });
      await until(() => done !== 'pending');
      expect(errors).toEqual([{ type: 'ERROR', code: 410 }]);
    });

    it('ends the stream after timeoutSeconds, and on closeWatches()', async () => {
      const { server, watch } = await start();
      let ended = false;
      await watch.watch('/api/v1/pods', { timeoutSeconds: 1 }, () => undefined, () => { ended = true; });
      await until(() => ended, 3000);
      let cut = false;
      await watch.watch('/api/v1/pods', {}, () => undefined, () => { cut = true; });
      await until(() => server.openWatches === 1);
      server.closeWatches();
      await until(() => cut);
    });
  });

  it('serves a client-node informer: list, then watch from the list\'s resourceVersion', async () => {
    const { server, core } = await start();
    const informer = makeInformer<V1Pod>(server.kubeConfig(), '/api/v1/namespaces/default/pods', () => core.listNamespacedPod({ namespace: 'default' }));
    const added: string[] = [];
    informer.on('add', (pod) => added.push(pod.metadata!.name!));
    informer.on('error', () => undefined);
    await informer.start();
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'seen' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } });
    await until(() => added.includes('seen'));
    await informer.stop();
    expect(server.requests.map((r) => r.verb).slice(0, 2)).toEqual(['list', 'watch']);
    expect(server.requests.find((r) => r.verb === 'watch')?.query.resourceVersion).toMatch(/^\d+$/);
  });

  describe('test hooks', () => {
    it('logs every request with verb, path, query, content type and body', async () => {
      const { server, core } = await start();
      server.clearRequests();
      await core.createNamespacedConfigMap({ namespace: 'default', fieldManager: 'me', body: { metadata: { name: 'logged' } } });
      await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'a=b' });
      expect(server.requests.map((r) => [r.method, r.verb, r.path, r.status])).toEqual([
        ['POST', 'create', '/api/v1/namespaces/default/configmaps', 201],
        ['GET', 'list', '/api/v1/namespaces/default/configmaps', 200],
      ]);
      expect(server.requests[0]).toMatchObject({ query: { fieldManager: 'me' }, contentType: 'application/json' });
      expect(JSON.parse(server.requests[0]!.body!)).toMatchObject({ metadata: { name: 'logged' } });
      expect(server.requests[1]!.query).toEqual({ labelSelector: 'a=b' });
    });

    it('injects status codes for the next N matching requests, then answers normally', async () => {
      const { server, core } = await start();
      server.fault({ verb: 'list', path: '/api/v1/namespaces/default/pods', status: 503, times: 2 });
      for (let i = 0; i < 2; i++) {
        const err = await core.listNamespacedPod({ namespace: 'default' }).catch((e: unknown) => e);
        expect((err as ApiException<unknown>).code).toBe(503);
        expect(JSON.parse((err as ApiException<string>).body)).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
      }
      await expect(core.listNamespacedPod({ namespace: 'default' })).resolves.toMatchObject({ items: [] });
    });

    it('resets connections and adds latency', async () => {
      const { server, core } = await start();
      server.fault({ verb: 'GET', path: /\/configmaps$/, reset: true });
      await expect(core.listNamespacedConfigMap({ namespace: 'default' })).rejects.toThrow();
      server.setLatency(30);
      const t0 = Date.now();
      await core.listNamespacedConfigMap({ namespace: 'default' });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    });

    it('a 429 fault carries Retry-After (header and details); a lost answer stores the write but resets the connection, dry runs pass', async () => {
      const { server, core } = await start();
      server.fault({ verb: 'list', path: '/api/v1/namespaces/default/configmaps', status: 429, retryAfterSeconds: 7 });
      const res = await fetch(`${server.url}/api/v1/namespaces/default/configmaps`);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(await res.json()).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 7 } });

      server.fault({ verb: 'POST', path: '/api/v1/namespaces/default/configmaps', loseAnswer: true });
      await expect(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'x' } }, dryRun: 'All' })).resolves.toBeDefined();
      expect(server.get('ConfigMap', 'default', 'x')).toBeUndefined();
      await expect(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'x' } } })).rejects.toThrow();
      expect(server.get('ConfigMap', 'default', 'x')).toBeDefined();
    });

    it('auto mode ticks on a real interval', async () => {
      const { server, core } = await start({ auto: 5 });
      await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'auto' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } });
      await until(() => server.get('Pod', 'default', 'auto')?.status?.phase === 'Running');
    });
  });
});
