// The seed's lifecycle (test/lifecycle/scenario.ts) on the strict in-process API server: static storage in both PV
// claimRef eras (1.24: atomic for server-side apply, so a re-applied bound volume would conflict with
// kube-controller-manager; 1.31: granular), and dynamic storage. The same scenario runs on a real cluster with
// `npm run test:e2e` (test/e2e/cluster.test.ts).
import { afterEach, describe, it } from '@jest/globals';
import { withoutNock } from '../kube/nock-off.js';
import { startApiServer, type TestApiServer } from '../support/apiserver/index.js';
import { runLifecycle, type Backend } from './scenario.js';
import { names, LABEL_CASC } from '../../src/instance/naming.js';

// Only loopback servers are reached: real sockets, without nock's interception of every request.
withoutNock();

let server: TestApiServer | undefined;
let sidecar: NodeJS.Timeout | undefined;
afterEach(async () => {
  if (sidecar) clearInterval(sidecar);
  sidecar = undefined;
  await server?.close();
  server = undefined;
});

/**
 * The strict server runs no Jenkins: this stands in for each controller's casc-reload sidecar, logging Jenkins'
 * answer to the reload POST whenever the instance's JCasC ConfigMap gets a new revision (as k8s-sidecar does at
 * LOG_LEVEL=DEBUG; see src/targets/cluster/casc-reload.ts).
 */
function reloadSidecar(api: TestApiServer, namespace: string): NodeJS.Timeout {
  const seen = new Map<string, string>();
  const timer = setInterval(() => {
    for (const cm of api.list('ConfigMap', namespace)) {
      const instance = cm.metadata.labels?.[LABEL_CASC];
      const revision = cm.metadata.annotations?.['jenkins-chatops.io/casc-revision'];
      if (!instance || !revision || seen.get(instance) === revision) continue;
      seen.set(instance, revision);
      const at = new Date(api.now().getTime() + 1000).toISOString();
      for (const pod of api.list('Pod', namespace).filter((p) => p.metadata.labels?.['app.kubernetes.io/instance'] === instance)) {
        api.setLogs(namespace, pod.metadata.name, 'casc-reload',
          `${at} {"level": "DEBUG", "msg": "POST request sent to http://localhost:8080/reload-configuration-as-code/?casc-reload-token=t0k3n. Response: 200 OK "}\n`);
      }
    }
  }, 5);
  timer.unref();
  return timer;
}

async function strictBackend(version: string, storage: 'static' | 'dynamic'): Promise<Backend> {
  // Controllers tick every 20 ms of real time, one simulated second each (a tick costs a few ms of CPU: faster starves the HTTP side).
  server = await startApiServer({ version, auto: 20, images: { 'jenkins/jenkins:2.479.3-lts-jdk21-typo': { pullFails: true } } });
  const api = server;
  const namespace = 'jenkins';
  sidecar = reloadSidecar(api, namespace);
  return {
    name: `strict API server ${version}`,
    kubeConfig: api.kubeConfig(),
    namespace,
    storage,
    hostPath: '/data/jenkins',
    images: { before: 'jenkins/jenkins:2.479.2-lts-jdk21', after: 'jenkins/jenkins:2.479.3-lts-jdk21', broken: 'jenkins/jenkins:2.479.3-lts-jdk21-typo' },
    now: () => api.now().getTime(),
    pollMs: 250,
    graceMs: 30_000,
    readyTimeoutSeconds: 600,
    settle: async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
    },
  };
}

describe('the seed lifecycle on the strict API server', () => {
  it('static storage on Kubernetes 1.24 (claimRef atomic): no conflict with kube-controller-manager, ever', async () => {
    await runLifecycle(await strictBackend('1.24', 'static'));
  }, 90_000);

  it('static storage on Kubernetes 1.31 (claimRef granular)', async () => {
    await runLifecycle(await strictBackend('1.31', 'static'));
  }, 90_000);

  it('dynamic storage (default StorageClass) on Kubernetes 1.31', async () => {
    await runLifecycle(await strictBackend('1.31', 'dynamic'));
  }, 90_000);
});
void names;
