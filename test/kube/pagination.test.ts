import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { KubeClient } from '../../src/kube/client.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { destroySharedAgents } from '../../src/kube/transport.js';
import { json, kubeConfigFor, startApiServer, type Loopback } from './loopback.js';

const servers: Loopback[] = [];
afterEach(async () => {
  destroySharedAgents();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => destroySharedAgents());

const noSleep = { sleep: async () => {}, random: () => 0 };

/** Pages `names` like the API server: `limit` items per page, an opaque continue token, 410 for expired tokens. */
async function pagingServer(kind: string, names: string[], options: { expire?: (token: string, listNumber: number) => boolean } = {}) {
  let lists = 0;
  const api = await startApiServer((_req, res, url) => {
    const limit = Number(url.searchParams.get('limit') ?? names.length);
    const token = url.searchParams.get('continue');
    if (!token) lists++;
    if (token && options.expire?.(token, lists)) {
      return json(res, 410, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410,
        message: 'The provided continue parameter is too old to display a consistent list result.' });
    }
    const start = token ? Number(Buffer.from(token, 'base64').toString()) : 0;
    const page = names.slice(start, start + limit);
    const next = start + limit < names.length ? Buffer.from(String(start + limit)).toString('base64') : undefined;
    json(res, 200, {
      kind: `${kind}List`, apiVersion: 'v1',
      metadata: { resourceVersion: '42', ...(next ? { continue: next, remainingItemCount: names.length - start - limit } : {}) },
      items: page.map((name) => ({ kind, apiVersion: 'v1', metadata: { name, namespace: 'ci' } })),
    });
  });
  servers.push(api);
  return api;
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `item-${i}`);

describe('lists read every page', () => {
  it('listPods asks for pages of pageSize with limit + continue and returns all items', async () => {
    const api = await pagingServer('Pod', names(7));
    const client = new KubeClient(kubeConfigFor(api.url), noSleep, { pageSize: 3 });
    const list = await client.listPods('ci', 'app=jenkins');
    expect(list.items.map((p) => p.metadata?.name)).toEqual(names(7));
    expect(list.metadata?._continue).toBeUndefined();
    expect(list.metadata?.resourceVersion).toBe('42');
    expect(api.requests).toHaveLength(3);
    const queries = api.requests.map((r) => new URL(r, 'http://x').searchParams);
    expect(queries.map((q) => q.get('limit'))).toEqual(['3', '3', '3']);
    expect(queries.map((q) => q.get('continue'))).toEqual([null, 'Mw==', 'Ng==']);
    expect(queries.every((q) => q.get('labelSelector') === 'app=jenkins')).toBe(true);
  });

  it('the default page size is 500 and every list of the client pages', async () => {
    const api = await pagingServer('Node', names(1001));
    const client = new KubeClient(kubeConfigFor(api.url), noSleep);
    expect((await client.listNodes()).items).toHaveLength(1001);
    expect((await client.listClaims('ci')).items).toHaveLength(1001);
    expect((await client.listConfigMapsEverywhere('app=jenkins')).items).toHaveLength(1001);
    expect(api.requests).toHaveLength(9);
    expect(api.requests.every((r) => r.includes('limit=500'))).toBe(true);
  });

  it('an expired continue token (410) restarts the list once from the beginning', async () => {
    const api = await pagingServer('Pod', names(5), { expire: (_token, listNumber) => listNumber === 1 });
    const client = new KubeClient(kubeConfigFor(api.url), noSleep, { pageSize: 2 });
    const list = await client.listPods('ci', 'app=jenkins');
    // No duplicates from the abandoned first pass.
    expect(list.items.map((p) => p.metadata?.name)).toEqual(names(5));
    expect(api.requests.map((r) => new URL(r, 'http://x').searchParams.get('continue'))).toEqual([null, 'Mg==', null, 'Mg==', 'NA==']);
  });

  it('a second expiry is reported, not looped on', async () => {
    const api = await pagingServer('Pod', names(5), { expire: () => true });
    const client = new KubeClient(kubeConfigFor(api.url), noSleep, { pageSize: 2 });
    const err = await client.listPods('ci', 'app=jenkins').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).status).toBe(410);
    expect(api.requests).toHaveLength(4);
  });

  it('a 410 on the first page (no continue token) is not a restart case', async () => {
    const api = await startApiServer((_req, res) => json(res, 410, { kind: 'Status', code: 410, reason: 'Gone', message: 'gone' }));
    servers.push(api);
    const client = new KubeClient(kubeConfigFor(api.url), noSleep, { pageSize: 2 });
    await expect(client.listNodes()).rejects.toMatchObject({ status: 410 });
    expect(api.requests).toHaveLength(1);
  });
});
