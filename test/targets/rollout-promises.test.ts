// Promises of the rollout judgement (src/targets/cluster/readiness.ts), pinned on hand-made snapshots so that a
// mutation of the rule turns a test red: a pod of the old revision is not "ready", a StatefulSet whose controller
// has not seen the new spec is not done, transient trouble gets its grace period, and waking from 0 waits for the pod.
import { describe, expect, it } from '@jest/globals';
import type { V1Pod } from '@kubernetes/client-node';
import { evaluateRollout, type FirstSeen, type RolloutSnapshot } from '../../src/targets/cluster/readiness.js';
import { controllerSelector } from '../../src/instance/naming.js';

const GRACE = 60_000;

function sts(replicas: number, status: { observedGeneration?: number; updateRevision?: string; readyReplicas?: number; replicas?: number }, generation = 2) {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'ci', namespace: 'jenkins', generation },
    spec: { replicas }, status: { replicas, ...status },
  };
}

function pod(ordinal: number, revision: string, state: 'ready' | 'running' | 'pull-error' | 'unschedulable' | 'crash-old'): V1Pod {
  const base: V1Pod = {
    metadata: { name: `ci-${ordinal}`, namespace: 'jenkins', uid: `uid-${ordinal}-${revision}`, labels: { ...controllerSelector('ci'), 'controller-revision-hash': revision } },
    spec: { containers: [{ name: 'jenkins', image: 'jenkins/jenkins:lts' }], nodeName: 'node-1' },
  };
  const scheduled = { type: 'PodScheduled', status: 'True' };
  switch (state) {
    case 'ready':
      return { ...base, status: { phase: 'Running', conditions: [scheduled, { type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'jenkins', image: 'jenkins/jenkins:lts', imageID: '', ready: true, restartCount: 0, state: { running: {} } }] } };
    case 'running':
      return { ...base, status: { phase: 'Running', conditions: [scheduled, { type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'jenkins', image: 'jenkins/jenkins:lts', imageID: '', ready: false, restartCount: 0, state: { running: {} } }] } };
    case 'pull-error':
      return { ...base, status: { phase: 'Pending', conditions: [scheduled], containerStatuses: [{ name: 'jenkins', image: 'jenkins/jenkins:lts', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull', message: 'rpc error: not found' } } }] } };
    case 'unschedulable':
      return { ...base, spec: { containers: base.spec!.containers }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient memory.' }] } };
    case 'crash-old':
      return { ...base, status: { phase: 'Running', conditions: [scheduled, { type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'jenkins', image: 'jenkins/jenkins:lts', imageID: '', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } }] } };
  }
}

function judge(snapshot: Omit<RolloutSnapshot, 'instance' | 'namespace' | 'claims'>, firstSeen: FirstSeen = new Map()) {
  return evaluateRollout({ instance: 'ci', namespace: 'jenkins', claims: [], ...snapshot }, firstSeen, GRACE);
}

describe('a rollout in progress is not ready', () => {
  it('a Ready pod of the old revision does not count; the same pod on the new revision does', () => {
    const set = sts(1, { observedGeneration: 2, updateRevision: 'ci-new', readyReplicas: 1 });
    const old = judge({ statefulSet: set, pods: [pod(0, 'ci-old', 'ready')], now: 0 });
    expect(old.outcome).toBeUndefined();
    expect(old.waitingFor).toContain('ci-0 to become ready with the new revision');
    expect(judge({ statefulSet: set, pods: [pod(0, 'ci-new', 'ready')], now: 0 }).outcome).toMatchObject({ status: 'ready' });
  });

  it('a StatefulSet whose observedGeneration lags its generation is not done, even with every pod ready', () => {
    const lagging = judge({ statefulSet: sts(1, { observedGeneration: 1, updateRevision: 'ci-new', readyReplicas: 1 }, 2), pods: [pod(0, 'ci-new', 'ready')], now: 0 });
    expect(lagging.outcome).toBeUndefined();
    expect(lagging.waitingFor).toContain('StatefulSet ci to observe the new spec');
  });

  it('ErrImagePull gets the grace period (a registry hiccup); lasting it, the wait fails naming the image', () => {
    const firstSeen: FirstSeen = new Map();
    const set = sts(1, { observedGeneration: 2, updateRevision: 'ci-new' });
    expect(judge({ statefulSet: set, pods: [pod(0, 'ci-new', 'pull-error')], now: 1_000 }, firstSeen).outcome).toBeUndefined();
    expect(judge({ statefulSet: set, pods: [pod(0, 'ci-new', 'pull-error')], now: 1_000 + GRACE - 1 }, firstSeen).outcome).toBeUndefined();
    expect(judge({ statefulSet: set, pods: [pod(0, 'ci-new', 'pull-error')], now: 1_000 + GRACE }, firstSeen).outcome).toMatchObject({ status: 'failed', reason: 'image-pull' });
  });

  it('an unschedulable pod gets the grace period (nodes may be scaling up); lasting it, the scheduler message is the answer', () => {
    const firstSeen: FirstSeen = new Map();
    const set = sts(1, { observedGeneration: 2, updateRevision: 'ci-new' });
    expect(judge({ statefulSet: set, pods: [pod(0, 'ci-new', 'unschedulable')], now: 0 }, firstSeen).outcome).toBeUndefined();
    expect(judge({ statefulSet: set, pods: [pod(0, 'ci-new', 'unschedulable')], now: GRACE - 1 }, firstSeen).outcome).toBeUndefined();
    const failed = judge({ statefulSet: set, pods: [pod(0, 'ci-new', 'unschedulable')], now: GRACE }, firstSeen);
    expect(failed.outcome).toMatchObject({ status: 'failed', reason: 'unschedulable' });
    expect(failed.outcome!.message).toContain('0/3 nodes are available: 3 Insufficient memory.');
  });

  it("a pod failing on the old revision is not this rollout's failure: it is stuck, to be replaced", () => {
    const verdict = judge({ statefulSet: sts(1, { observedGeneration: 2, updateRevision: 'ci-new' }), pods: [pod(0, 'ci-old', 'crash-old')], now: 0 });
    expect(verdict.outcome).toBeUndefined();
    expect(verdict.stuck).toMatchObject({ pod: 'ci-0', revision: 'ci-old', updateRevision: 'ci-new' });
    // Before the controller has seen the new spec, nothing is stuck yet: wait.
    expect(judge({ statefulSet: sts(1, { observedGeneration: 1, updateRevision: 'ci-old' }), pods: [pod(0, 'ci-old', 'running')], now: 0 }).stuck).toBeUndefined();
  });
});

describe('waking from 0', () => {
  it('replicas 0 → 1 is not ready while the pod does not exist or is not ready, even if stale status says ready', () => {
    // Right after the scale-up: the controller has not acted yet, and the status still shows the old numbers.
    const stale = sts(1, { observedGeneration: 2, updateRevision: 'ci-r1', replicas: 0 }, 3);
    expect(judge({ statefulSet: stale, pods: [], now: 0 }).outcome).toBeUndefined();
    const observed = sts(1, { observedGeneration: 3, updateRevision: 'ci-r1' }, 3);
    const noPod = judge({ statefulSet: observed, pods: [], now: 0 });
    expect(noPod.outcome).toBeUndefined();
    expect(noPod.waitingFor).toContain('pod ci-0 to be created');
    expect(judge({ statefulSet: observed, pods: [pod(0, 'ci-r1', 'running')], now: 0 }).outcome).toBeUndefined();
    expect(judge({ statefulSet: observed, pods: [pod(0, 'ci-r1', 'ready')], now: 0 }).outcome).toMatchObject({ status: 'ready', message: 'ci is ready: 1/1 controller(s) answering' });
  });

  it('replicas 0 is ready only once every pod is gone', () => {
    const zero = sts(0, { observedGeneration: 2, updateRevision: 'ci-r1' });
    expect(judge({ statefulSet: zero, pods: [pod(0, 'ci-r1', 'ready')], now: 0 }).outcome).toBeUndefined();
    expect(judge({ statefulSet: zero, pods: [], now: 0 }).outcome).toMatchObject({ status: 'ready' });
  });
});
