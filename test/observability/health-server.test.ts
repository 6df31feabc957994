import { describe, it, expect, afterEach } from '@jest/globals';
import { createMetrics } from '../../src/observability/metrics.js';
import { startHealthServer, healthPortFromEnv, type HealthServer, type ReadinessCheck } from '../../src/observability/health-server.js';

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(readiness: Record<string, ReadinessCheck> = {}) {
  const metrics = createMetrics();
  server = await startHealthServer({ port: 0, host: '127.0.0.1', registry: metrics.registry, readiness, checkTimeoutMs: 200 });
  const base = `http://127.0.0.1:${server.port}`;
  return { metrics, get: (path: string) => fetch(base + path) };
}

describe('health server', () => {
  it('/healthz answers 200 while the process runs', async () => {
    const { get } = await start({ slack: () => false });
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 only when every injected check passes, and names the failing one', async () => {
    let slackConnected = false;
    const { get } = await start({ slack: () => slackConnected, target: async () => true });
    let res = await get('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not ready', checks: { slack: { ok: false }, target: { ok: true } } });

    slackConnected = true;
    res = await get('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { slack: { ok: true }, target: { ok: true } } });
  });

  it('/readyz reports a check that throws or never answers as not ready', async () => {
    const { get } = await start({
      target: async () => {
        throw new Error('cluster unreachable: connect ECONNREFUSED');
      },
      slow: () => new Promise<boolean>(() => {}),
    });
    const res = await get('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not ready',
      checks: {
        target: { ok: false, error: 'cluster unreachable: connect ECONNREFUSED' },
        slow: { ok: false, error: 'no answer within 200 ms' },
      },
    });
  });

  it('/metrics serves the bot metrics in Prometheus text format', async () => {
    const { metrics, get } = await start();
    metrics.commandsTotal.inc({ command: 'status', result: 'ok' });
    metrics.slackApiErrorsTotal.inc({ method: 'chat.update', code: 'ratelimited' });
    metrics.commandDurationSeconds.observe({ command: 'status' }, 0.2);
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('commands_total{command="status",result="ok"} 1');
    expect(text).toContain('slack_api_errors_total{method="chat.update",code="ratelimited"} 1');
    expect(text).toContain('command_duration_seconds_count{command="status"} 1');
  });

  it('answers unknown paths with 404 and other verbs with 405', async () => {
    const { get } = await start();
    expect((await get('/nope')).status).toBe(404);
    const res = await fetch(`http://127.0.0.1:${server!.port}/healthz`, { method: 'POST' });
    expect(res.status).toBe(405);
  });

  it('reads HEALTH_PORT, defaults to 8081 and rejects nonsense', () => {
    expect(healthPortFromEnv({})).toBe(8081);
    expect(healthPortFromEnv({ HEALTH_PORT: '9090' })).toBe(9090);
    expect(() => healthPortFromEnv({ HEALTH_PORT: 'http' })).toThrow(/HEALTH_PORT "http" is not a port/);
  });
});
