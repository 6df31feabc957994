// `alerts --watch` never exits on its own: a watch that fails is retried with backoff forever, and its state shows on
// /readyz and in /metrics. Against the strict in-process API server, whose pod and event lists are made to fail.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import { runAlertsWatch } from '../../src/cli/alerts-watch.js';
import { startAlerter } from '../../src/alerts/index.js';
import type { AlertConfig } from '../../src/alerts/config.js';
import { startHealthServer } from '../../src/observability/index.js';
import { startApiServer, type TestApiServer } from '../support/apiserver/index.js';

let server: TestApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function config(): AlertConfig {
  return {
    routes: { default: 'stdout', namespaces: {} }, namespaces: ['jenkins'], minSeverity: 'info',
    unschedulableGraceMs: 60_000, dedupeWindowMs: 600_000, summaryIntervalMs: 0, stormThreshold: 3, stormWindowMs: 60_000, logTailLines: 30,
    lease: { namespace: 'jenkins', name: 'jenkins-chatops-alerter', identity: 'bot-1', durationMs: 15_000, enabled: false },
  } as AlertConfig;
}

async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('alerts --watch', () => {
  it('keeps watching through failed watches: /readyz says not ready and /metrics shows the watch down, until it is back', async () => {
    server = await startApiServer({ auto: 20 });
    server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins' } });
    server.fault({ verb: 'list', path: /\/namespaces\/jenkins\/(pods|events)$/, status: 500, times: Infinity });
    const stop = new AbortController();
    let ended = false;
    const port = await freePort();
    const running = runAlertsWatch({ kubeConfig: server.kubeConfig(), config: config(), startAlerter, startHealthServer, healthPort: port, signal: stop.signal })
      .then(() => { ended = true; });

    const down = await eventually(() => get(port, '/metrics'), (r) => /alerts_watch_failures_total\{namespace="jenkins",resource="pods"\} [2-9]/.test(r.body));
    expect(down.body).toMatch(/alerts_watch_up\{namespace="jenkins",resource="pods"\} 0/);
    expect(down.body).toMatch(/alerts_leader 1/);
    const ready = await get(port, '/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'not ready', checks: { alerts: { ok: false } } });
    expect(ended).toBe(false);

    server.clearFaults();
    const back = await eventually(() => get(port, '/readyz'), (r) => r.status === 200);
    expect(back.status).toBe(200);
    expect((await get(port, '/metrics')).body).toMatch(/alerts_watch_up\{namespace="jenkins",resource="pods"\} 1/);
    expect(ended).toBe(false);

    stop.abort();
    await running;
    expect(ended).toBe(true);
  }, 30_000);

  it('as a process: still running seconds after every watch failed; SIGTERM ends it with status 0', async () => {
    server = await startApiServer({ auto: 20 });
    server.fault({ verb: 'list', status: 500, times: Infinity });
    const dir = mkdtempSync(join(tmpdir(), 'alerts-watch-'));
    const kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: strict\n  cluster:\n    server: ${server.url}\n    insecure-skip-tls-verify: true\nusers:\n- name: t\n  user:\n    token: t\ncontexts:\n- name: strict\n  context:\n    cluster: strict\n    user: t\ncurrent-context: strict\n`);
    const port = await freePort();
    const src = (path: string) => new URL(`../../src/${path}`, import.meta.url).href;
    const script = `
      import { KubeConfig } from '@kubernetes/client-node';
      import { runAlertsWatch } from '${src('cli/alerts-watch.ts')}';
      import { startAlerter } from '${src('alerts/index.ts')}';
      import { startHealthServer } from '${src('observability/index.ts')}';
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromFile(${JSON.stringify(kubeconfig)});
      await runAlertsWatch({ kubeConfig, config: ${JSON.stringify(config())}, startAlerter, startHealthServer, healthPort: ${port} });
      console.log('stopped');`;
    const loader = fileURLToPath(new URL('../support/ts-loader/register.mjs', import.meta.url));
    const child = spawn(process.execPath, ['--import', loader, '--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const ready = await eventually(() => get(port, '/readyz').catch(() => ({ status: 0, body: '' })), (r) => r.status === 503);
      expect(ready.status).toBe(503);
      // Several failed lists later (backoff 1 s, 2 s, …) the process is still there.
      await eventually(async () => server!.requests.filter((r) => r.verb === 'list').length, (n) => n >= 4, 10_000);
      expect(child.exitCode).toBeNull();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toContain('stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 40_000);
});
