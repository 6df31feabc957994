import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import { KubeClient } from '../../src/kube/client.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { destroySharedAgents, RequestTimeoutError, withRequestTimeout } from '../../src/kube/transport.js';
import { json, kubeConfigFor, startApiServer, type Loopback } from './loopback.js';

const servers: Loopback[] = [];
const hanging: ServerResponse[] = [];
afterEach(async () => {
  for (const res of hanging.splice(0)) res.destroy();
  destroySharedAgents();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => destroySharedAgents());

const noSleep = { sleep: async () => {}, random: () => 0 };

describe('every API request has a deadline', () => {
  it('a server that never answers: the request is aborted, retried, then reported with verb, resource and timeout', async () => {
    const aborted: string[] = [];
    const api = await startApiServer((req, res) => {
      hanging.push(res);
      req.on('close', () => aborted.push(req.url ?? ''));
    });
    servers.push(api);
    const client = new KubeClient(kubeConfigFor(api.url), { attempts: 3, ...noSleep }, { requestTimeoutMs: 150 });
    const started = Date.now();
    const err = await client.listPods('ci', 'app=jenkins').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as Error).message).toMatch(/^the Kubernetes API did not answer the request to list pods in namespace ci within 150 ms \(tried 3 times\)/);
    expect(api.requests).toHaveLength(3);
    // The client really hung up each time (not just stopped waiting).
    await new Promise((r) => setTimeout(r, 50));
    expect(aborted).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a body that stalls after the headers also times out', async () => {
    const api = await startApiServer((_req, res) => {
      hanging.push(res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"kind":"NodeList","items":[');
    });
    servers.push(api);
    const client = new KubeClient(kubeConfigFor(api.url), { attempts: 1, ...noSleep }, { requestTimeoutMs: 150 });
    await expect(client.listNodes()).rejects.toThrow('did not answer the request to list nodes within 150 ms (tried 1 time)');
  });

  it('a timed-out attempt is retried like other transient failures and can succeed', async () => {
    let calls = 0;
    const api = await startApiServer((_req, res) => {
      if (++calls === 1) return void hanging.push(res);
      json(res, 200, { kind: 'Service', apiVersion: 'v1', metadata: { name: 'ci', namespace: 'ci' } });
    });
    servers.push(api);
    const client = new KubeClient(kubeConfigFor(api.url), { attempts: 3, ...noSleep }, { requestTimeoutMs: 150 });
    await expect(client.readService('ci', 'ci')).resolves.toMatchObject({ metadata: { name: 'ci' } });
    expect(calls).toBe(2);
  });

  it('the API objects used directly get the default deadline too', async () => {
    const api = await startApiServer((_req, res) => void hanging.push(res));
    servers.push(api);
    const client = new KubeClient(kubeConfigFor(api.url), { attempts: 1 }, { requestTimeoutMs: 150 });
    await expect(client.core.listNode()).rejects.toThrow(/aborted/i);
  });

  it('withRequestTimeout ends an attempt that makes no request at all, and leaves fast ones alone', async () => {
    await expect(withRequestTimeout(50, () => new Promise(() => {}))).rejects.toBeInstanceOf(RequestTimeoutError);
    await expect(withRequestTimeout(50, async () => 'ok')).resolves.toBe('ok');
    await expect(withRequestTimeout(0, async () => 'no deadline')).resolves.toBe('no deadline');
  });
});
