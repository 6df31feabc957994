// The cluster target against the strict in-process API server (test/support/apiserver): rendered bundles, real
// server-side apply with field ownership, real controllers (StatefulSet, PV binder, scheduler, kubelet) ticking on
// a short real interval. Retry sleeps are recorded, not slept.
import { afterEach } from '@jest/globals';
import { ClusterTarget, type ClusterTargetOptions } from '../../src/targets/cluster/cluster-target.js';
import type { Bundle } from '../../src/render/bundle.js';
import type { Values } from '../../src/instance/index.js';
import { render } from '../helpers/render.js';
import { startApiServer, type ApiServerOptions, type TestApiServer } from '../support/apiserver/index.js';

const servers: TestApiServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** A strict server, closed after the test. `auto` ticks the controllers every 20 ms of real time (1 s simulated). */
export async function strictServer(options: ApiServerOptions = {}): Promise<TestApiServer> {
  const server = await startApiServer({ auto: 20, ...options });
  servers.push(server);
  return server;
}

/** The target on `server`, on the server's clock (timeouts and grace periods are simulated seconds). */
export function targetOn(server: TestApiServer, sleeps: number[] = [], options: ClusterTargetOptions = {}): ClusterTarget {
  return new ClusterTarget(server.kubeConfig(), {
    retry: { sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.5 },
    pollMs: 30,
    graceMs: 5000,
    leaseSeconds: 30,
    now: () => server.now().getTime(),
    ...options,
  });
}

export const values: Values = { name: 'ci' };

/** The real bundle of instance `ci` with these values. */
export function bundle(extra: Values = {}): Bundle {
  return render({ name: 'ci', ...extra });
}

/** Writes (not reads, not dry runs) as `VERB path`. */
export function writes(server: TestApiServer): string[] {
  return server.requests
    .filter((r) => ['create', 'update', 'patch', 'delete'].includes(r.verb) && r.query.dryRun === undefined)
    .map((r) => `${r.method} ${r.path}`);
}

export const paths = {
  ns: '/api/v1/namespaces/jenkins',
  casc: '/api/v1/namespaces/jenkins/configmaps/ci-casc',
  spec: '/api/v1/namespaces/jenkins/configmaps/ci-spec',
  sts: '/apis/apps/v1/namespaces/jenkins/statefulsets/ci',
  pv: (ordinal: number) => `/api/v1/persistentvolumes/jenkins.ci-home-${ordinal}`,
  leases: '/apis/coordination.k8s.io/v1/namespaces/jenkins/leases',
  lease: '/apis/coordination.k8s.io/v1/namespaces/jenkins/leases/ci-lock',
  secrets: '/api/v1/namespaces/jenkins/secrets',
};

/** Waits (real time) until `done` holds, letting the auto-ticking controllers move. */
export async function until(done: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`not reached: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
