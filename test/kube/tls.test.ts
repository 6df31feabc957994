// The same guarantees over TLS, with a certificate the client really verifies: one handshake for many calls, and
// HTTPS_PROXY tunnels (CONNECT) for https servers.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../src/kube/client.js';
import { destroySharedAgents, usePooledAgents } from '../../src/kube/transport.js';
import { listen, startProxy, type Proxy } from './loopback.js';
import { withoutNock } from './nock-off.js';

withoutNock();

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const describeTls = hasOpenssl() ? describe : describe.skip;

describeTls('over TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jc-tls-'));
  let server: Server;
  let port = 0;
  let cert = '';
  const counts = { tcp: 0, handshakes: 0, requests: 0 };
  const sockets = new Set<Socket>();
  let proxy: Proxy;

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=apiserver', '-addext', 'subjectAltName=DNS:apiserver.example.test,IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (_req, res) => {
      counts.requests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: [{ metadata: { name: 'n1' } }] }));
    });
    server.keepAliveTimeout = 60_000;
    server.on('connection', (s: Socket) => { counts.tcp++; sockets.add(s); });
    server.on('secureConnection', () => counts.handshakes++);
    port = await listen(server);
    proxy = await startProxy();
  });
  afterAll(async () => {
    destroySharedAgents();
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
    await proxy.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function kubeConfig(serverUrl: string): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'tls', server: serverUrl, caData: Buffer.from(cert).toString('base64') }],
      users: [{ name: 'me', token: 'not-a-real-token' }],
      contexts: [{ name: 'tls', cluster: 'tls', user: 'me' }],
      currentContext: 'tls',
    });
    return kc;
  }

  it('many calls, one TLS handshake', async () => {
    const before = { ...counts };
    const client = new KubeClient(usePooledAgents(kubeConfig(`https://127.0.0.1:${port}`), {}));
    for (let i = 0; i < 6; i++) await client.listNodes();
    expect(counts.requests - before.requests).toBe(6);
    expect(counts.handshakes - before.handshakes).toBe(1);
    expect(counts.tcp - before.tcp).toBe(1);
  });

  it('HTTPS_PROXY tunnels to an https server, the certificate is still verified end to end', async () => {
    destroySharedAgents();
    const before = { ...counts };
    const kc = usePooledAgents(kubeConfig(`https://apiserver.example.test:${port}`), { HTTPS_PROXY: proxy.url, HTTP_PROXY: 'http://127.0.0.1:9' });
    const client = new KubeClient(kc);
    for (let i = 0; i < 3; i++) await client.listNodes();
    expect(proxy.targets).toEqual([`apiserver.example.test:${port}`]);
    expect(counts.requests - before.requests).toBe(3);
    expect(counts.handshakes - before.handshakes).toBe(1);
  });
});
