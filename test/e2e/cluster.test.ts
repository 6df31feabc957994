// Opt-in (`npm run test:e2e`): the seed's lifecycle (test/lifecycle/scenario.ts, the same steps `npm test` runs on
// the strict in-process API server) against the real cluster KUBECONFIG names (kind or minikube), through the chat
// commands. Skipped, saying so, when no cluster is configured. Real Jenkins starts take minutes: allow ~30 minutes.
import { afterAll, describe, it } from '@jest/globals';
import nock from 'nock';
import { findCluster } from '../../src/kube/connection.js';
import { chat, runLifecycle, type Backend } from '../lifecycle/scenario.js';

const connection = findCluster();
const namespace = 'jenkins-chatops-e2e';

if (!connection) {
  console.log('e2e: no cluster configured (KUBECONFIG / ~/.kube/config / in-cluster): skipping the cluster suite. Create one with `kind create cluster` and re-run `npm run test:e2e`.');
}

const suite = connection ? describe : describe.skip;
const storage = (process.env.E2E_STORAGE ?? 'static') as 'static' | 'dynamic';

suite(`the seed lifecycle on ${connection?.description ?? 'no cluster'} (${storage} storage)`, () => {
  nock.enableNetConnect();
  const backend: Backend = {
    name: connection?.description ?? 'none',
    kubeConfig: connection?.kubeConfig as Backend['kubeConfig'],
    namespace,
    storage,
    hostPath: process.env.E2E_HOST_PATH ?? '/tmp/jenkins-chatops-e2e',
    images: {
      before: process.env.E2E_IMAGE_BEFORE ?? 'jenkins/jenkins:2.479.2-lts-jdk21',
      after: process.env.E2E_IMAGE_AFTER ?? 'jenkins/jenkins:2.479.3-lts-jdk21',
      broken: 'jenkins/jenkins:0.0.0-does-not-exist',
    },
    pollMs: 2000,
    graceMs: 60_000,
    readyTimeoutSeconds: 900,
  };

  afterAll(async () => {
    // Leave nothing behind, whatever step failed.
    const { sayYes } = chat(backend);
    for (const name of ['ci', 'ci-dev']) await sayYes(`delete ${name} --purge`).catch(() => undefined);
    nock.disableNetConnect();
  }, 300_000);

  it('deploy → no-change deploy → agent cap → scale 2/0/1 → image change (stuck pod replaced) → immutable change refused → delete → deploy → purge, ci-dev untouched', async () => {
    await runLifecycle(backend);
  }, 1_800_000);
});
