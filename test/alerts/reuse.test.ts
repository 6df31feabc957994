// The replay keeps its garbage low: a pod's previous snapshot is reused for the next pod event, and each scheduler
// message is worded once. Neither may leak one pod's facts into another pod's alert.
import { describe, expect, it } from '@jest/globals';
import { Replayer } from '../../src/alerts/replay/replayer.js';
import type { AlertRecord } from '../../src/alerts/replay/records.js';

interface PodSpec {
  name: string;
  rv: number;
  labels?: Record<string, string>;
  node?: string;
  containers: Array<{ name: string; waiting?: string; restarts?: number; lastExit?: number }>;
  unschedulable?: string;
  cpu?: string;
}

function podLine(type: 'ADDED' | 'MODIFIED', p: PodSpec): string {
  const scheduled = p.unschedulable === undefined;
  return JSON.stringify({
    type,
    object: {
      kind: 'Pod', apiVersion: 'v1',
      metadata: { name: p.name, namespace: 'jenkins', uid: `uid-${p.name}`, resourceVersion: String(p.rv), labels: p.labels ?? {} },
      spec: {
        containers: p.containers.map((c) => ({ name: c.name, image: 'img', resources: p.cpu ? { requests: { cpu: p.cpu } } : {} })),
        ...(p.node ? { nodeName: p.node } : {}),
      },
      status: {
        phase: scheduled ? 'Running' : 'Pending',
        conditions: scheduled
          ? [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False' }]
          : [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: p.unschedulable }],
        containerStatuses: scheduled
          ? p.containers.map((c) => ({
            name: c.name, ready: false, restartCount: c.restarts ?? 0,
            state: c.waiting ? { waiting: { reason: c.waiting } } : { running: { startedAt: '2026-01-10T09:00:00Z' } },
            lastState: c.lastExit !== undefined ? { terminated: { exitCode: c.lastExit, reason: 'Error', finishedAt: `2026-01-10T09:0${c.restarts ?? 0}:00Z` } } : {},
          }))
          : [],
      },
    },
  });
}

function replay(lines: string[]): AlertRecord[] {
  const out: AlertRecord[] = [];
  const replayer = new Replayer({ format: 'json', write: (line) => out.push(JSON.parse(line) as AlertRecord), summary: false });
  for (const line of lines) replayer.line(line);
  replayer.end();
  return out;
}

const controller = { 'app.kubernetes.io/name': 'jenkins', 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/instance': 'ci' };

describe('snapshots reused between pods', () => {
  it("never carry one pod's instance, node, role or extra containers into another pod's alert", () => {
    const both = [{ name: 'jenkins' }, { name: 'casc-reload' }];
    const records = replay([
      // The controller: labelled, on node-a, two containers (the second crash-looping at rv 3). Its old snapshots are
      // the spare ones the plain pod's events are written into.
      podLine('ADDED', { name: 'ci-0', rv: 1, labels: controller, node: 'node-a', containers: both }),
      podLine('MODIFIED', { name: 'ci-0', rv: 2, labels: controller, node: 'node-a', containers: both }),
      podLine('MODIFIED', { name: 'ci-0', rv: 3, labels: controller, node: 'node-a', containers: [{ name: 'jenkins' }, { name: 'casc-reload', waiting: 'CrashLoopBackOff', restarts: 2, lastExit: 1 }] }),
      // A plain pod: unlabelled, one container; first waiting for a node, then placed (no node name in this stream).
      podLine('ADDED', { name: 'plain', rv: 4, containers: [{ name: 'main' }], unschedulable: '0/1 nodes are available: 1 Insufficient cpu.' }),
      podLine('MODIFIED', { name: 'ci-0', rv: 5, labels: controller, node: 'node-a', containers: both }),
      podLine('MODIFIED', { name: 'plain', rv: 6, containers: [{ name: 'main' }] }),
      podLine('MODIFIED', { name: 'plain', rv: 7, node: 'node-b', containers: [{ name: 'main', waiting: 'CrashLoopBackOff', restarts: 3, lastExit: 2 }] }),
    ]);
    const plain = records.filter((r) => r.pod === 'plain');
    expect(plain.map((r) => r.kind)).toEqual(['unschedulable', 'recovered', 'crashed', 'crash-loop']);
    for (const r of plain) {
      expect(r.role).toBe('other');
      expect(r.instance).toBeUndefined();
      expect(r.summary).toMatch(/^pod jenkins\/plain: /);
      // Its one container only: never the controller's crash-looping casc-reload.
      expect(r.summary).not.toContain('casc-reload');
    }
    expect(plain.find((r) => r.kind === 'recovered')!.summary).toBe('pod jenkins/plain: scheduled; it no longer waits for a node');
  });
});

describe('scheduler messages worded once', () => {
  it("still quote each pod's own requests when two pods get the same message", () => {
    const message = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
    const records = replay([
      podLine('ADDED', { name: 'small', rv: 1, cpu: '500m', containers: [{ name: 'main' }], unschedulable: message }),
      podLine('ADDED', { name: 'large', rv: 2, cpu: '4', containers: [{ name: 'main' }], unschedulable: message }),
      podLine('ADDED', { name: 'small-2', rv: 3, cpu: '500m', containers: [{ name: 'main' }], unschedulable: message }),
    ]);
    expect(records.map((r) => [r.pod, r.hint])).toEqual([
      ['small', "lower the pod template's cpu request 500m, or add a node"],
      ['large', "lower the pod template's cpu request 4, or add a node"],
      ['small-2', "lower the pod template's cpu request 500m, or add a node"],
    ]);
    expect(records[1]!.summary).toContain('Pod requests cpu 4.');
  });
});
