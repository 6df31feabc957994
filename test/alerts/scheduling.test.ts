import { afterAll, describe, it, expect } from '@jest/globals';
import nock from 'nock';
import { readFileSync } from 'node:fs';
import { describeReasons, MAX_SCHEDULING_MESSAGE, parseSchedulingMessage, schedulingHint, taintKey } from '../../src/alerts/classify/scheduling.js';
import { computeHeadroom } from '../../src/alerts/classify/headroom.js';
import { fixturePath } from './helpers.js';

const messages = JSON.parse(readFileSync(fixturePath('scheduler-messages.json'), 'utf8')) as Record<string, string>;
const msg = (key: string): string => messages[key] ?? '';

describe('parseSchedulingMessage', () => {
  it('reads the old predicate form from the seed', () => {
    expect(parseSchedulingMessage(msg('old'))).toEqual({
      reasons: [
        { reason: 'Insufficient cpu', nodes: 4 },
        { reason: "node(s) had taints that the pod didn't tolerate", nodes: 1 },
      ],
    });
  });

  it('reads the old "following predicates::" variant and names predicates in words', () => {
    expect(parseSchedulingMessage(msg('old-following')).reasons).toEqual([
      { reason: 'Insufficient memory', nodes: 2 },
      { reason: "node(s) didn't match node selector", nodes: 3 },
    ]);
  });

  it('reads the current form and ignores the preemption tail', () => {
    expect(parseSchedulingMessage(msg('new'))).toEqual({
      totalNodes: 3,
      reasons: [
        { reason: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }', nodes: 1 },
        { reason: 'Insufficient memory', nodes: 2 },
      ],
    });
  });

  it('keeps the comma inside the "had taint {k: v}, that the pod didn\'t tolerate" wording', () => {
    expect(parseSchedulingMessage(msg('taint-middle')).reasons).toEqual([
      { reason: "node(s) had taint {dedicated: gpu}, that the pod didn't tolerate", nodes: 2 },
      { reason: "node(s) didn't match node selector", nodes: 3 },
    ]);
    expect(parseSchedulingMessage(msg('taint-old')).reasons).toEqual([
      { reason: "node(s) had taints that the pod didn't tolerate", nodes: 1 },
      { reason: 'Insufficient cpu', nodes: 3 },
    ]);
  });

  it('reads counts sorted as strings ("10 …" before "2 …") and messages ending in ".."', () => {
    expect(parseSchedulingMessage(msg('sorted-as-strings')).reasons).toEqual([
      { reason: 'Insufficient cpu', nodes: 10 },
      { reason: 'node(s) were unschedulable', nodes: 2 },
    ]);
    expect(parseSchedulingMessage(msg('double-dot')).reasons).toEqual([
      { reason: "node(s) didn't match Pod's node affinity/selector", nodes: 2 },
    ]);
  });

  it('reads a PreFilter failure, which has no per-node counts', () => {
    expect(parseSchedulingMessage(msg('prefilter'))).toEqual({
      totalNodes: 3,
      reasons: [{ reason: 'persistentvolumeclaim "jenkins-home" not found', nodes: null }],
    });
  });

  it('says every reason in words', () => {
    expect(describeReasons(parseSchedulingMessage(msg('new')))).toBe(
      'no node fits (0/3 available): 1 node has a taint the pod does not tolerate (node-role.kubernetes.io/control-plane); 2 nodes lack free memory',
    );
    expect(describeReasons(parseSchedulingMessage(msg('unbound-pvc')))).toContain('PersistentVolumeClaim of the pod is not bound');
    expect(describeReasons(parseSchedulingMessage(msg('volume-affinity')))).toContain("3 nodes are outside the zone of the pod's volume");
    expect(describeReasons(parseSchedulingMessage(msg('too-many-pods')))).toContain('2 nodes already run their maximum number of pods');
  });
});

describe('schedulingHint', () => {
  it('proposes a request that fits the roomiest node when nodes are readable', () => {
    const headroom = computeHeadroom(
      [
        { metadata: { name: 'node-a' }, status: { allocatable: { cpu: '4', memory: '16Gi' } } },
        { metadata: { name: 'node-b' }, status: { allocatable: { cpu: '8', memory: '32Gi' } } },
        { metadata: { name: 'node-c' }, spec: { unschedulable: true }, status: { allocatable: { cpu: '64', memory: '256Gi' } } },
      ],
      [
        { spec: { nodeName: 'node-b', containers: [{ resources: { requests: { cpu: '6500m', memory: '30Gi' } } }] }, status: { phase: 'Running' } },
        { spec: { nodeName: 'node-a', containers: [{ resources: { requests: { cpu: '1', memory: '4Gi' } } }] }, status: { phase: 'Running' } },
        { spec: { nodeName: 'node-a', containers: [{ resources: { requests: { cpu: '3' } } }] }, status: { phase: 'Succeeded' } },
      ],
    );
    expect(headroom).toEqual({ cpuCores: 3, cpuNode: 'node-a', memoryBytes: 12 * 2 ** 30, memoryNode: 'node-a' });
    const hint = schedulingHint({
      reasons: [{ reason: 'Insufficient cpu', nodes: 2 }],
      requests: { cpu: '4', cpuCores: 4 },
      headroom,
    });
    expect(hint).toBe("lower the pod template's cpu request 4 to at most 3 (free on node-a), or add a node");
  });

  it('names the taint to tolerate, the PV to create and the cordon to lift', () => {
    const parsed = parseSchedulingMessage(msg('new'));
    expect(schedulingHint({ reasons: parsed.reasons, requests: { memory: '6Gi' } })).toContain(
      'add a toleration for node-role.kubernetes.io/control-plane to the pod template',
    );
    expect(schedulingHint({ reasons: parseSchedulingMessage(msg('prefilter')).reasons, requests: {} })).toContain('create the PersistentVolume');
    expect(schedulingHint({ reasons: parseSchedulingMessage(msg('sorted-as-strings')).reasons, requests: {} })).toContain('uncordon');
  });
});

// The shared setup file activates nock in every test file; un-patch http so the next file in this worker starts clean.
afterAll(() => {
  nock.restore();
});

describe('hostile scheduler messages (any pod spec can make the scheduler repeat long text)', () => {
  const size = 100_000;
  it.each([
    ['a long run of dots', `0/3 nodes are available: 1 ${'.'.repeat(size)}x`],
    ['a long run of blanks', `0/3 nodes are available: ${' '.repeat(size)}x`],
    ['an unclosed count in the old wording', `No nodes are available that match all of the predicates: ${'a'.repeat(size / 2)}(${' '.repeat(size / 2)}`],
    ['a long run of braces', `0/3 nodes are available: 1 node(s) had untolerated taint ${'{'.repeat(size)}`],
    ['thousands of counted items', `0/3 nodes are available: ${'1, '.repeat(size / 3)}`],
  ])('%s is read up to the cap and parsed into bounded reasons', (_what, message) => {
    const parsed = parseSchedulingMessage(message);
    const read = parsed.reasons.reduce((n, r) => n + r.reason.length, 0);
    expect(read).toBeLessThanOrEqual(MAX_SCHEDULING_MESSAGE);
    for (const r of parsed.reasons) taintKey(r.reason);
    expect(describeReasons(parsed).length).toBeLessThan(MAX_SCHEDULING_MESSAGE * 2);
  });

  it('the cap keeps the reasons that come first', () => {
    const parsed = parseSchedulingMessage(`0/3 nodes are available: 2 Insufficient cpu, 1 ${'x'.repeat(size)}`);
    expect(parsed.reasons[0]).toEqual({ reason: 'Insufficient cpu', nodes: 2 });
  });

  it('reads the taint key without a regular expression, and none from text without one', () => {
    expect(taintKey("1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }")).toBe('node-role.kubernetes.io/control-plane');
    expect(taintKey('{}')).toBeUndefined();
    expect(taintKey('{a} b: c')).toBeUndefined();
  });
});
