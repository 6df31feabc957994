// The operations endpoints: /healthz (the process answers), /readyz (every injected readiness check passes) and
// /metrics (Prometheus text format). Plain node:http so it runs next to either Slack receiver.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './logger.js';
import { scrubString } from './redact.js';

/** Resolves true when ready. A throw or a rejection counts as not ready; the message is shown on /readyz. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

export interface HealthServerOptions {
  /** Defaults to HEALTH_PORT, then 8081. 0 picks a free port (tests). */
  port?: number;
  host?: string;
  registry: Registry;
  /** e.g. { slack: () => bot.isConnected(), target: () => target.reachable() }. */
  readiness?: Record<string, ReadinessCheck>;
  logger?: Logger;
  /** A check slower than this counts as failed, so /readyz always answers within the kubelet's probe timeout. */
  checkTimeoutMs?: number;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_HEALTH_PORT = 8081;

export function healthPortFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.HEALTH_PORT;
  if (raw === undefined || raw.trim() === '') return DEFAULT_HEALTH_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`HEALTH_PORT "${raw}" is not a port; use an integer from 0 to 65535 (default ${DEFAULT_HEALTH_PORT})`);
  }
  return port;
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const port = options.port ?? healthPortFromEnv();
  const server = createServer((req, res) => {
    route(req, res, options).catch((err: unknown) => {
      options.logger?.error({ err }, 'health endpoint failed');
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  options.logger?.info({ port: actualPort }, 'health server listening (/healthz, /readyz, /metrics)');
  return { port: actualPort, close: () => closeServer(server) };
}

async function route(req: IncomingMessage, res: ServerResponse, options: HealthServerOptions): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain', 'only GET and HEAD are allowed\n', { allow: 'GET, HEAD' });
    return;
  }
  switch (path) {
    case '/healthz':
      send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));
      return;
    case '/readyz': {
      const checks = await runChecks(options.readiness ?? {}, options.checkTimeoutMs ?? 2000);
      const ready = Object.values(checks).every((check) => check.ok);
      send(res, ready ? 200 : 503, 'application/json', JSON.stringify({ status: ready ? 'ready' : 'not ready', checks }));
      return;
    }
    case '/metrics':
      send(res, 200, options.registry.contentType, await options.registry.metrics());
      return;
    default:
      send(res, 404, 'text/plain', 'not found; try /healthz, /readyz or /metrics\n');
  }
}

interface CheckOutcome {
  ok: boolean;
  error?: string;
}

async function runChecks(checks: Record<string, ReadinessCheck>, timeoutMs: number): Promise<Record<string, CheckOutcome>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckOutcome]> => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        });
        const ok = await Promise.race([Promise.resolve().then(check), timeout]);
        return [name, { ok: ok === true }];
      } catch (err) {
        return [name, { ok: false, error: scrubString(err instanceof Error ? err.message : String(err)) }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return Object.fromEntries(entries);
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // Keep-alive connections from scrapers would otherwise hold close() open.
    server.closeAllConnections();
  });
}
