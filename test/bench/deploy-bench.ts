// `deploy --no-wait --yes` of the default instance (casc/instances/jenkins.yaml) as a whole process against the strict
// test API server (started in this process, on loopback), next to `kubectl apply --server-side` of the same rendered
// files plus the admin Secret, in the same run: first deploy and no-change re-deploy, at 0 ms and 20 ms of latency
// injected per request. Runs alternate (ours, kubectl, …) so machine load drifts affect both alike; medians over the
// pairs, with the requests each made. Targets at 20 ms: no-change ≤ 1.5× kubectl, first deploy ≤ 2×.
// kubectl runs with --validate=false: the strict server serves no OpenAPI document (our deploy validates locally).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startApiServer, type TestApiServer } from '../support/apiserver/index.js';
import { median } from './stats.js';
import type { BenchRow } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
// Built layout: dist/test/bench/deploy-bench.js → dist/src/cli/main.js; the repository root holds casc/.
const MAIN = join(here, '..', '..', 'src', 'cli', 'main.js');
const ROOT = join(here, '..', '..', '..');
const VALUES = join(ROOT, 'casc', 'instances', 'jenkins.yaml');
const KUBECTL = process.env.BENCH_KUBECTL ?? '/usr/bin/kubectl';
const PAIRS = Number(process.env.BENCH_DEPLOY_PAIRS ?? 7);
const INSTANCE = 'jenkins';

interface Run {
  ms: number;
  requests: number;
}

/** Runs a process to its end (the server answers in this process, so never spawnSync); times it, counts requests. */
function timed(server: TestApiServer, file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const before = server.requests.length;
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      if (code !== 0) reject(new Error(`${file} ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ ms, requests: server.requests.length - before });
    });
  });
}

/** Removes what a first deploy made (the namespace with everything in it, the cluster-wide volume). */
function reset(server: TestApiServer): void {
  for (const pv of server.list('persistentvolumes')) server.remove('persistentvolumes', undefined, String((pv.metadata as { name: string }).name));
  if (server.get('namespaces', undefined, INSTANCE)) server.remove('namespaces', undefined, INSTANCE);
  server.settle();
  if (server.get('namespaces', undefined, INSTANCE)) throw new Error('bench: the namespace of the previous first deploy is still there');
}

const ADMIN_SECRET = (namespace: string) => JSON.stringify({
  apiVersion: 'v1', kind: 'Secret', metadata: { name: `${INSTANCE}-admin`, namespace },
  type: 'Opaque', stringData: { 'jenkins-admin-user': 'admin', 'jenkins-admin-password': 'bench-password' },
});

export async function runDeployBench(): Promise<BenchRow[]> {
  if (!existsSync(KUBECTL)) {
    process.stderr.write(`deploy benchmark: ${KUBECTL} not found, so the deploy rows are skipped (set BENCH_KUBECTL to a kubectl binary)\n`);
    return [{ name: 'deploy --no-wait --yes vs kubectl apply', note: `skipped: ${KUBECTL} not found (set BENCH_KUBECTL to a kubectl binary)` }];
  }
  const work = mkdtempSync(join(tmpdir(), 'deploy-bench-'));
  const server = await startApiServer({});
  try {
    const kubeconfig = join(work, 'kubeconfig');
    writeFileSync(kubeconfig, server.kubeConfig().exportConfig());
    const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: kubeconfig, HOME: work, NO_COLOR: '1', LOG_LEVEL: 'error' };
    // The same rendered objects for kubectl, plus the admin Secret the first deploy creates.
    const rendered = join(work, 'rendered');
    await timed(server, process.execPath, [MAIN, 'render', '-f', VALUES, '--out', rendered], env);
    const manifests = join(rendered, INSTANCE, 'manifests');
    writeFileSync(join(manifests, '99-secret-admin.yaml'), ADMIN_SECRET(INSTANCE));
    const files = readdirSync(manifests).length - 1;
    const ours = [MAIN, 'deploy', '-f', VALUES, '--no-wait', '--yes'];
    const theirs = ['apply', '--server-side', '--field-manager', 'bench-kubectl', '--validate=false', '--cache-dir', join(work, 'kube-cache'), '-f', manifests];

    const rows: BenchRow[] = [];
    for (const latency of [0, 20]) {
      server.setLatency(latency);
      const first = { ours: [] as Run[], kubectl: [] as Run[] };
      const again = { ours: [] as Run[], kubectl: [] as Run[] };
      // One unmeasured round warms the file cache and kubectl's discovery cache.
      for (let i = -1; i < PAIRS; i++) {
        reset(server);
        const a = await timed(server, process.execPath, ours, env);
        const b = await timed(server, process.execPath, ours, env);
        reset(server);
        const c = await timed(server, KUBECTL, theirs, env);
        const d = await timed(server, KUBECTL, theirs, env);
        if (i < 0) continue;
        first.ours.push(a);
        again.ours.push(b);
        first.kubectl.push(c);
        again.kubectl.push(d);
      }
      rows.push(row(`deploy --no-wait --yes: first deploy, ${latency} ms/request`, first, latency === 20 ? 2 : undefined, files));
      rows.push(row(`deploy --no-wait --yes: no-change re-deploy, ${latency} ms/request`, again, latency === 20 ? 1.5 : undefined, files));
    }
    return rows;
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

function row(name: string, runs: { ours: Run[]; kubectl: Run[] }, target: number | undefined, files: number): BenchRow {
  const medianMs = median(runs.ours.map((r) => r.ms));
  const floorMs = median(runs.kubectl.map((r) => r.ms));
  const ratio = medianMs / floorMs;
  const requests = `${median(runs.ours.map((r) => r.requests))} vs ${median(runs.kubectl.map((r) => r.requests))} requests`;
  const goal = target === undefined ? '' : `; target ≤ ${target}× → ${ratio <= target ? 'met' : 'NOT met'}`;
  return {
    name,
    medianMs,
    floorMs,
    ratio,
    note: `floor: kubectl apply --server-side of the ${files} rendered files + the admin Secret; ${requests}; median of ${runs.ours.length} pairs${goal}`,
  };
}
