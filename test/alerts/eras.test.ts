// Alerts on real data from every wording era (issue 14): the kubelet's runAsNonRoot refusal, Kubernetes 1.5's fit
// summaries, old predicate names, a scheduler that changes its mind, the 1.35 DRA clause, and the first sight of a pod.
import { describe, expect, it } from '@jest/globals';
import { AlertPipeline } from '../../src/alerts/pipeline.js';
import { describeReasons, parseSchedulingMessage, schedulingHint } from '../../src/alerts/classify/scheduling.js';
import { Replayer } from '../../src/alerts/replay/replayer.js';
import type { AlertRecord } from '../../src/alerts/replay/records.js';
import type { Notice } from '../../src/alerts/incidents/notice.js';
import { ManualClock } from '../../src/kube/clock.js';

const AGENT_LABELS = { jenkins: 'slave', 'jenkins/label': 'maven', 'app.kubernetes.io/instance': 'ci' };

function pod(name: string, status: Record<string, unknown>, rv: string, labels: Record<string, string> = AGENT_LABELS): unknown {
  return {
    kind: 'Pod', apiVersion: 'v1',
    metadata: { name, namespace: 'jenkins', uid: `uid-${name}`, resourceVersion: rv, labels },
    spec: { containers: [{ name: 'jnlp', image: 'jenkins/inbound-agent:latest', resources: { requests: { cpu: '500m', memory: '512Mi' } } }] },
    status,
  };
}

function event(name: string, podName: string, reason: string, message: string, rv: string, type = 'Warning'): unknown {
  return {
    kind: 'Event', apiVersion: 'v1',
    metadata: { name, namespace: 'jenkins', uid: `ev-${name}`, resourceVersion: rv },
    involvedObject: { kind: 'Pod', name: podName, namespace: 'jenkins', uid: `uid-${podName}` },
    reason, message, type, count: 1,
  };
}

function replay(...objects: Array<[string, unknown]>): AlertRecord[] {
  const out: AlertRecord[] = [];
  const replayer = new Replayer({ format: 'json', write: (line) => out.push(JSON.parse(line) as AlertRecord), summary: false });
  for (const [type, object] of objects) replayer.line(JSON.stringify({ type, object }));
  replayer.end();
  return out;
}

const pending = { phase: 'Pending' };

describe('the kubelet\'s Failed event', () => {
  it('"container has runAsNonRoot and image will run as root" is a config error with a hint, not an image pull', () => {
    const records = replay(
      ['ADDED', pod('nonroot', pending, '1')],
      ['ADDED', event('e1', 'nonroot', 'Failed', 'Error: container has runAsNonRoot and image will run as root (pod: "nonroot_jenkins(uid)", container: jnlp)', '2')],
    );
    expect(records.map((r) => r.kind)).toEqual(['config-error']);
    expect(records[0]!.summary).toContain('set runAsUser');
    expect(records[0]!.summary).not.toMatch(/imagePullSecrets/);
  });

  it('a real pull failure is still an image pull, and a missing key still a config error', () => {
    const records = replay(
      ['ADDED', pod('pull', pending, '1')],
      ['ADDED', event('e1', 'pull', 'Failed', 'Failed to pull image "registry.local/jnlp:9": rpc error: code = NotFound desc = failed to resolve reference: not found', '2')],
      ['ADDED', pod('key', pending, '3')],
      ['ADDED', event('e2', 'key', 'Failed', 'Error: couldn\'t find key jenkins-admin-password in Secret jenkins/ci-admin', '4')],
    );
    expect(records.map((r) => `${r.kind}:${r.pod}`)).toEqual(['image-pull-failed:pull', 'config-error:key']);
  });

  it('the same refusal on the pod status (CreateContainerConfigError) gets the runAsNonRoot hint', () => {
    const status = { phase: 'Pending', containerStatuses: [{ name: 'jnlp', ready: false, restartCount: 0, state: { waiting: { reason: 'CreateContainerConfigError', message: 'container has runAsNonRoot and image will run as root' } } }] };
    const records = replay(['ADDED', pod('cfg', pending, '1')], ['MODIFIED', pod('cfg', status, '2')]);
    expect(records.map((r) => r.kind)).toEqual(['config-error']);
    expect(records[0]!.summary).toContain('set runAsUser');
  });
});

describe('scheduler wordings', () => {
  it('Kubernetes 1.5: "failed to fit in any node / fit failure summary on nodes" is read into reasons', () => {
    const message = 'pod (maven-7k2xq-4t9vd) failed to fit in any node\nfit failure summary on nodes : Insufficient pods (2), PodToleratesNodeTaints (1)';
    const parsed = parseSchedulingMessage(message);
    expect(parsed.reasons).toEqual([
      { reason: 'Insufficient pods', nodes: 2 },
      { reason: "node(s) had taints that the pod didn't tolerate", nodes: 1 },
    ]);
    expect(describeReasons(parsed)).toBe('no node fits: 2 nodes already run their maximum number of pods; 1 node has a taint the pod does not tolerate');
  });

  it.each([
    ['MatchNodeSelector', "do not match the pod's node selector/affinity", 'nodeSelector'],
    ['NodeUnschedulable', 'are cordoned (unschedulable)', 'kubectl uncordon'],
    ['NodeUnderMemoryPressure', 'are short of memory', 'free memory or disk'],
    ['NodeUnderDiskPressure', 'are short of disk space', 'free memory or disk'],
    ['NodeNotReady', 'are not ready', 'kubectl get nodes'],
  ])('old predicate %s is said in plain words with a hint', (name, words, hint) => {
    const parsed = parseSchedulingMessage(`No nodes are available that match all of the predicates: ${name} (3).`);
    expect(parsed.reasons[0]!.reason).not.toBe(name);
    expect(describeReasons(parsed)).toContain(`3 nodes ${words}`);
    expect(schedulingHint({ reasons: parsed.reasons, requests: {} })).toContain(hint);
  });

  it('the 1.35 "no new claims to deallocate" clause is not a reason', () => {
    const parsed = parseSchedulingMessage("0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
    expect(parsed.reasons).toEqual([
      { reason: "node(s) didn't match Pod's node affinity/selector", nodes: 1 },
      { reason: 'Insufficient cpu', nodes: 2 },
    ]);
    expect(describeReasons(parsed)).not.toContain('claims');
  });

  it('a second, different FailedScheduling on the same pod is reported, the same one again is not', () => {
    const records = replay(
      ['ADDED', pod('waits', pending, '1')],
      ['ADDED', event('s1', 'waits', 'FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.', '2')],
      ['ADDED', event('s2', 'waits', 'FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.', '3')],
      ['ADDED', event('s3', 'waits', 'FailedScheduling', '0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.', '4')],
    );
    expect(records.map((r) => r.kind)).toEqual(['unschedulable', 'unschedulable']);
    expect(records[0]!.incident).toBe(records[1]!.incident);
    expect(records[1]!.summary).toContain('1 node is cordoned');
  });
});

describe('the first sight of a pod is a baseline', () => {
  const restartedLongAgo = {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }],
    containerStatuses: [{
      name: 'jnlp', ready: true, restartCount: 4,
      state: { running: { startedAt: '2026-01-01T10:00:00Z' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-01-01T09:59:00Z' } },
    }],
  };
  const crashLooping = {
    phase: 'Running',
    containerStatuses: [{
      name: 'jnlp', ready: false, restartCount: 7,
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-01-01T09:59:00Z' } },
    }],
  };
  const unschedulable = {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 2 Insufficient memory.' }],
  };

  it('in a replay: a pod that restarted long ago is not a fresh crash; a new crash after it is', () => {
    const again = JSON.parse(JSON.stringify(restartedLongAgo)) as typeof restartedLongAgo;
    again.containerStatuses[0]!.restartCount = 5;
    again.containerStatuses[0]!.lastState.terminated.finishedAt = '2026-01-02T08:00:00Z';
    const records = replay(['ADDED', pod('old', restartedLongAgo, '1')], ['MODIFIED', pod('old', again, '2')]);
    expect(records.map((r) => r.kind)).toEqual(['crashed']);
    expect(records[0]!.restarts).toBe(5);
  });

  it('in a replay: a pod already crash-looping or unschedulable is reported once', () => {
    const records = replay(
      ['ADDED', pod('loop', crashLooping, '1')],
      ['ADDED', pod('stuck', unschedulable, '2')],
      ['MODIFIED', pod('loop', crashLooping, '1')],
    );
    expect(records.map((r) => `${r.kind}:${r.pod}`)).toEqual(['crash-loop:loop', 'unschedulable:stuck']);
  });

  it('at start-up (the informer\'s list): the same rules, and a relist of the same objects is silent', () => {
    const notices: Notice[] = [];
    const pipeline = new AlertPipeline({ clock: new ManualClock(), dedupeWindowMs: 0, onNotice: (n) => notices.push(n) });
    for (const [name, status] of [['old', restartedLongAgo], ['loop', crashLooping], ['stuck', unschedulable]] as const) {
      pipeline.handle({ type: 'ADDED', object: pod(name, status, '1'), seed: true });
    }
    for (const [name, status] of [['old', restartedLongAgo], ['loop', crashLooping], ['stuck', unschedulable]] as const) {
      pipeline.handle({ type: 'ADDED', object: pod(name, status, '1'), seed: true });
    }
    const alerts = notices.filter((n): n is Extract<Notice, { alert: unknown }> => 'alert' in n).map((n) => `${n.alert.kind}:${n.alert.pod}`);
    expect(alerts).toEqual(['crash-loop:loop', 'unschedulable:stuck']);
  });
});
