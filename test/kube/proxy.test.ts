import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { KubeClient } from '../../src/kube/client.js';
import { bypassesProxy, proxyFromEnvironment } from '../../src/kube/proxy.js';
import { destroySharedAgents, usePooledAgents } from '../../src/kube/transport.js';
import { json, kubeConfigFor, startApiServer, startProxy, type Loopback } from './loopback.js';
import { withoutNock } from './nock-off.js';

withoutNock();
const servers: Loopback[] = [];
afterEach(async () => {
  destroySharedAgents();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => destroySharedAgents());

describe('proxy from the environment, as Go net/http ProxyFromEnvironment', () => {
  it('HTTPS_PROXY for https servers, HTTP_PROXY for http ones; uppercase before lowercase; no scheme means http', () => {
    const env = { HTTPS_PROXY: 'http://secure-proxy:3128', http_proxy: 'plain-proxy:8080' };
    expect(proxyFromEnvironment('https://api.example:6443', env)).toBe('http://secure-proxy:3128');
    expect(proxyFromEnvironment('http://api.example:8080', env)).toBe('http://plain-proxy:8080');
    expect(proxyFromEnvironment('https://api.example:6443', { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:1' })).toBe('http://upper:1');
    expect(proxyFromEnvironment('https://api.example:6443', { HTTP_PROXY: 'http://only-http:1' })).toBeUndefined();
    expect(proxyFromEnvironment('https://api.example:6443', {})).toBeUndefined();
  });

  it.each([
    ['api.example', '6443', 'api.example', true],
    ['api.example', '6443', 'example', true], // a domain matches itself and its subdomains
    ['example', '6443', 'example', true],
    ['notexample', '6443', 'example', false],
    ['kubernetes.default.svc', '443', '.svc', true], // a leading dot: subdomains only
    ['svc', '443', '.svc', false],
    ['api.example', '6443', '*.example', true],
    ['api.example', '6443', 'api.example:6443', true],
    ['api.example', '6443', 'api.example:443', false], // a port in NO_PROXY must match
    ['10.1.2.3', '443', '10.1.2.3', true],
    ['10.1.2.3', '443', '10.0.0.0/8', true],
    ['11.1.2.3', '443', '10.0.0.0/8', false],
    ['192.0.2.7', '443', '192.0.2.0/24', true],
    ['fd00::5', '443', 'fd00::/64', true],
    ['api.example', '6443', '*', true],
    ['api.example', '6443', ' other.example , API.EXAMPLE ', true], // spaces, case
    ['api.example', '6443', '', false],
    ['127.0.0.1', '6443', '', true], // Go never proxies loopback or localhost
    ['localhost', '6443', '', true],
    ['::1', '6443', '', true],
  ])('NO_PROXY: %s:%s with %j → bypass %s', (host, port, noProxy, bypass) => {
    expect(bypassesProxy(host, port, noProxy)).toBe(bypass);
  });

  it('NO_PROXY and no_proxy both count', () => {
    expect(proxyFromEnvironment('https://api.internal:6443', { HTTPS_PROXY: 'http://p:1', NO_PROXY: '.internal' })).toBeUndefined();
    expect(proxyFromEnvironment('https://api.internal:6443', { HTTPS_PROXY: 'http://p:1', no_proxy: 'internal' })).toBeUndefined();
    expect(proxyFromEnvironment('https://api.outside:6443', { HTTPS_PROXY: 'http://p:1', NO_PROXY: '.internal' })).toBe('http://p:1');
  });
});

describe('API calls go through the proxy the environment or kubeconfig names', () => {
  async function apiServer() {
    const api = await startApiServer((_req, res) => json(res, 200, { kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: [{ metadata: { name: 'n1' } }] }));
    servers.push(api);
    return api;
  }
  async function proxy() {
    const p = await startProxy();
    servers.push(p);
    return p;
  }
  const once = { attempts: 1 };

  // The server's name resolves nowhere, and 192.0.2.0/24 is TEST-NET-1 (never routed): only the test proxy, which
  // sends everything to 127.0.0.1, can reach the API server under those names.
  it('the environment proxy is used for a server not in NO_PROXY', async () => {
    const [api, p] = [await apiServer(), await proxy()];
    for (const server of [`http://apiserver.example.test:${api.port}`, `http://192.0.2.10:${api.port}`]) {
      const kc = usePooledAgents(kubeConfigFor(server), { HTTP_PROXY: p.url, NO_PROXY: 'localhost,.svc' });
      const nodes = await new KubeClient(kc, once).listNodes();
      expect(nodes.items.map((n) => n.metadata?.name)).toEqual(['n1']);
    }
    expect(p.targets).toEqual([`apiserver.example.test:${api.port}`, `192.0.2.10:${api.port}`]);
    expect(api.requests).toHaveLength(2);
  });

  it('a server in NO_PROXY is reached directly', async () => {
    const [api, p] = [await apiServer(), await proxy()];
    // By name suffix and by CIDR: a direct attempt cannot reach these, so the calls fail, and the proxy saw nothing.
    for (const [server, noProxy] of [[`http://apiserver.example.test:${api.port}`, '.example.test'], [`http://192.0.2.10:${api.port}`, '192.0.2.0/24']] as const) {
      const kc = usePooledAgents(kubeConfigFor(server), { HTTP_PROXY: p.url, NO_PROXY: `localhost,${noProxy}` });
      await expect(new KubeClient(kc, once, { requestTimeoutMs: 500 }).listNodes()).rejects.toThrow(/Kubernetes API/);
    }
    // 127.0.0.1 in NO_PROXY: direct, and it works.
    const kc = usePooledAgents(kubeConfigFor(api.url), { HTTP_PROXY: p.url, NO_PROXY: '127.0.0.1' });
    await expect(new KubeClient(kc, once).listNodes()).resolves.toMatchObject({ items: [{ metadata: { name: 'n1' } }] });
    expect(p.connections).toBe(0);
    expect(api.requests).toHaveLength(1);
  });

  it("the kubeconfig cluster's proxy-url wins over the environment (and over NO_PROXY)", async () => {
    const [api, fromKubeconfig, fromEnv] = [await apiServer(), await proxy(), await proxy()];
    const server = `http://apiserver.example.test:${api.port}`;
    for (const noProxy of ['', '.example.test']) {
      destroySharedAgents(); // a fresh agent each time, so each call opens its own tunnel
      const kc = usePooledAgents(kubeConfigFor(server, { proxyUrl: fromKubeconfig.url }), { HTTP_PROXY: fromEnv.url, NO_PROXY: noProxy });
      await expect(new KubeClient(kc, once).listNodes()).resolves.toMatchObject({ items: [{ metadata: { name: 'n1' } }] });
    }
    expect(fromKubeconfig.targets).toEqual([`apiserver.example.test:${api.port}`, `apiserver.example.test:${api.port}`]);
    expect(fromEnv.connections).toBe(0);
  });

  it('proxied calls keep their tunnel through the proxy alive', async () => {
    const [api, p] = [await apiServer(), await proxy()];
    const kc = usePooledAgents(kubeConfigFor(`http://apiserver.example.test:${api.port}`), { HTTP_PROXY: p.url });
    const client = new KubeClient(kc, once);
    for (let i = 0; i < 4; i++) await client.listNodes();
    // hpagent tunnels with CONNECT (for http servers too): one tunnel, four requests through it.
    expect(api.requests).toHaveLength(4);
    expect(p.targets).toEqual([`apiserver.example.test:${api.port}`]);
    expect(p.connections).toBe(1);
    expect(api.connections).toBe(1);
  });
});
