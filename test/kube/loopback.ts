// Loopback servers for the kube plumbing tests: a tiny API server that counts connections, and a forward proxy.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

export interface Loopback {
  server: Server;
  port: number;
  url: string;
  /** TCP connections accepted so far. */
  connections: number;
  /** Request URLs (path + query) in arrival order. */
  requests: string[];
  close(): Promise<void>;
}

export async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function closer(server: Server, sockets: Set<Socket>): () => Promise<void> {
  return () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
}

/** An HTTP server on 127.0.0.1 that answers with `handler`; it keeps connections alive like the API server. */
export async function startApiServer(handler: Handler): Promise<Loopback> {
  const sockets = new Set<Socket>();
  const state = { connections: 0, requests: [] as string[] };
  const server = createServer((req, res) => {
    state.requests.push(req.url ?? '');
    handler(req, res, new URL(req.url ?? '/', 'http://apiserver'));
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    server, port, url: `http://127.0.0.1:${port}`,
    get connections() { return state.connections; },
    get requests() { return state.requests; },
    close: closer(server, sockets),
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export interface Proxy extends Loopback {
  /** Hosts (host:port) the proxy was asked for. */
  targets: string[];
}

/**
 * A forward proxy (CONNECT tunnels, and plain HTTP requests with absolute URLs) that sends every request to 127.0.0.1 on
 * the asked port, whatever the host name: a server name that resolves nowhere is reachable only through it.
 */
export async function startProxy(): Promise<Proxy> {
  const sockets = new Set<Socket>();
  const state = { connections: 0, requests: [] as string[], targets: [] as string[] };
  const server = createServer((req, res) => {
    const target = new URL(req.url ?? '/');
    state.requests.push(req.url ?? '');
    state.targets.push(target.host);
    const upstream = httpRequest({ host: '127.0.0.1', port: target.port, method: req.method, path: target.pathname + target.search, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const [host, port] = (req.url ?? '').split(':');
    state.targets.push(`${host}:${port}`);
    const upstream = connect(Number(port), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.on('connection', (socket: Socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    server, port, url: `http://127.0.0.1:${port}`,
    get connections() { return state.connections; },
    get requests() { return state.requests; },
    get targets() { return state.targets; },
    close: closer(server, sockets),
  };
}

/** A kubeconfig for `server` (plain http needs insecure-skip-tls-verify in client-node 1.4). */
export function kubeConfigFor(server: string, extra: { proxyUrl?: string } = {}): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'test', server, skipTLSVerify: true, ...(extra.proxyUrl ? { proxyUrl: extra.proxyUrl } : {}) }],
    users: [{ name: 'me', token: 'not-a-real-token' }],
    contexts: [{ name: 'test', cluster: 'test', user: 'me' }],
    currentContext: 'test',
  });
  return kc;
}
