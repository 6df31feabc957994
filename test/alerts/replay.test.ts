import { afterAll, describe, it, expect } from '@jest/globals';
import nock from 'nock';
import { Replayer } from '../../src/alerts/replay/replayer.js';
import { fixtureLines, replayRecords } from './helpers.js';

const kinds = (name: string): string[] => replayRecords(name).map((r) => r.kind);

describe('replaying the seed sequences', () => {
  it('turns Running → Error → CrashLoopBackOff → Running into crashed, crash-loop, then recovered', () => {
    const records = replayRecords('controller-self-healing.ndjson');
    expect(records.map((r) => r.kind)).toEqual(['started', 'ready', 'crashed', 'probe-failed', 'crash-loop', 'recovered']);
    const crashed = records.find((r) => r.kind === 'crashed')!;
    expect(crashed).toMatchObject({ severity: 'critical', namespace: 'jenkins', pod: 'ci-jenkins-0', exitCode: 1, reason: 'Error', role: 'controller', instance: 'ci' });
    const loop = records.find((r) => r.kind === 'crash-loop')!;
    expect(loop.severity).toBe('critical');
    expect(loop.incident).toBe(crashed.incident); // one incident per pod and problem
    expect(records.find((r) => r.kind === 'probe-failed')!.summary).toContain('Readiness probe failed: HTTP probe failed with statuscode: 503');
    expect(records.find((r) => r.kind === 'started')!.severity).toBe('info');
  });

  it('explains the seed\'s old-format unschedulable agent and closes it when the plugin deletes the pod', () => {
    const records = replayRecords('agent-unschedulable-old.ndjson');
    expect(records.map((r) => r.kind)).toEqual(['unschedulable', 'deleted', 'agent-summary']);
    const [unschedulable, deleted] = records;
    expect(unschedulable).toMatchObject({
      severity: 'warning', namespace: 'jenkins-agents', pod: 'maven-7k2xq-4t9vd', agentLabel: 'maven',
      reasons: [{ reason: 'Insufficient cpu', nodes: 4 }, { reason: "node(s) had taints that the pod didn't tolerate", nodes: 1 }],
    });
    expect(unschedulable!.summary).toContain('The build is waiting in the Jenkins queue');
    expect(unschedulable!.summary).toContain('Pod requests cpu 4.1, memory 8.3Gi');
    expect(deleted!.incident).toBe(unschedulable!.incident);
    expect(deleted!.summary).toContain('the build no longer waits');
  });

  it('reports the current wording once (event and condition agree) and recovery when a node is found', () => {
    const records = replayRecords('agent-unschedulable-new.ndjson');
    expect(records.map((r) => r.kind)).toEqual(['unschedulable', 'recovered', 'agent-summary']);
    expect(records[0]!.reasons).toEqual([
      { reason: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }', nodes: 1 },
      { reason: 'Insufficient memory', nodes: 2 },
    ]);
    expect(records[1]!.summary).toContain('scheduled on node-d');
    expect(records[2]!.summary).toContain('1 ran');
    expect(records[2]!.summary).toContain('1 waited for a node');
  });

  it('gives no warning for healthy agent churn, only the summary (a pod stopped by the plugin is no crash)', () => {
    const records = replayRecords('agent-churn.ndjson');
    expect(records).toEqual([
      { severity: 'info', kind: 'agent-summary', namespace: 'jenkins-agents', pod: null, instance: 'ci',
        summary: 'Build agents in instance ci (jenkins-agents): 3 ran, 3 succeeded, 0 failed, 0 waited for a node' },
    ]);
  });

  it('recognises every other kind from real pod shapes', () => {
    const records = replayRecords('other-kinds.ndjson');
    // A controller first seen running and ready is the replay's baseline: its start is not news.
    expect(records.map((r) => `${r.kind}:${r.pod ?? ''}`)).toEqual([
      'oom-killed:big-jenkins-0',
      'image-pull-failed:node-9zz1c-5mmq2', // ErrImagePull then ImagePullBackOff: one incident, one line
      'config-error:cfg-jenkins-0',
      'evicted:maven-evict-1',
      'not-ready:slow-jenkins-0', 'deleted:slow-jenkins-0',
      'agent-summary:',
    ]);
    const oom = records.find((r) => r.kind === 'oom-killed')!;
    expect(oom).toMatchObject({ severity: 'critical', exitCode: 137, reason: 'OOMKilled', restarts: 1 });
    expect(records.find((r) => r.kind === 'config-error')!.summary).toContain("couldn't find key admin-password");
    expect(records.find((r) => r.kind === 'evicted')!.summary).toContain('low on resource: ephemeral-storage');
  });

  it('does not repeat an alert when the same objects come again (resync / relist duplicates)', () => {
    const lines = fixtureLines('controller-self-healing.ndjson');
    const out: string[] = [];
    const replayer = new Replayer({ format: 'text', write: (l) => out.push(l), summary: false });
    for (const line of lines) {
      replayer.line(line);
      replayer.line(line); // delivered twice
    }
    // A relist hands back the latest version of the pod as ADDED.
    replayer.line(lines[lines.length - 1]!.replace('"type":"MODIFIED"', '"type":"ADDED"'));
    replayer.end();
    expect(out.filter((l) => l.startsWith('CRITICAL crashed'))).toHaveLength(1);
    expect(out.filter((l) => l.includes(' crash-loop '))).toHaveLength(1);
    expect(out.map((l) => l.split(' ')[1])).toEqual(kinds('controller-self-healing.ndjson'));
  });

  it('prints text lines and reports lines it could not read without stopping', () => {
    const out: string[] = [];
    const replayer = new Replayer({ format: 'text', write: (l) => out.push(l) });
    replayer.line('not json');
    replayer.line('{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 1 (2)","reason":"Expired","code":410}}');
    for (const line of fixtureLines('agent-unschedulable-old.ndjson')) replayer.line(line);
    const result = replayer.end();
    expect(out[0]).toMatch(/^WARNING unschedulable agent pod jenkins-agents\/maven-7k2xq-4t9vd \(label maven\): cannot be scheduled/);
    expect(result.skipped).toEqual([{ line: 1, why: 'not JSON' }, { line: 2, why: 'watch event type ERROR' }]);
  });
});

// The shared setup file activates nock in every test file; un-patch http so the next file in this worker starts clean.
afterAll(() => {
  nock.restore();
});
