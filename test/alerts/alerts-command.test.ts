import { afterAll, describe, it, expect } from '@jest/globals';
import nock from 'nock';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { runAlertsReplay } from '../../src/cli/alerts-command.js';
import { fixturePath } from './helpers.js';

function io(stdinText = '') {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdin: Readable.from([stdinText]), stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) } };
}

describe('jenkins-chatops alerts --replay / --stdin', () => {
  it('prints one JSON line per alert with severity, kind, namespace, pod, summary and reasons', async () => {
    const { out, io: streams } = io();
    await runAlertsReplay({ file: fixturePath('agent-unschedulable-new.ndjson'), format: 'json' }, streams);
    const first = JSON.parse(out[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({
      severity: 'warning', kind: 'unschedulable', namespace: 'jenkins-agents', pod: 'gradle-x1v8m-0qz3k',
      reasons: [{ reason: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }', nodes: 1 }, { reason: 'Insufficient memory', nodes: 2 }],
    });
    expect(typeof first.summary).toBe('string');
    expect(out).toHaveLength(3);
  });

  it('reads a piped watch stream from stdin and prints text lines', async () => {
    const { out, err, io: streams } = io(readFileSync(fixturePath('controller-self-healing.ndjson'), 'utf8'));
    await runAlertsReplay({ stdin: true }, streams);
    expect(out.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      'INFO started', 'INFO ready', 'CRITICAL crashed', 'WARNING probe-failed', 'CRITICAL crash-loop', 'INFO recovered',
    ]);
    expect(err).toEqual([]);
  });

  it('rejects an unknown format and a missing file with a message saying what is allowed', async () => {
    await expect(runAlertsReplay({ file: fixturePath('agent-churn.ndjson'), format: 'yaml' }, io().io)).rejects.toThrow('use text or json');
    await expect(runAlertsReplay({ file: '/nonexistent/watch.ndjson' }, io().io)).rejects.toThrow('no such file');
  });

  it('explains what it expected when the input holds no watch events', async () => {
    const { err, io: streams } = io('{"kind":"PodList","items":[]}\n');
    const result = await runAlertsReplay({ stdin: true }, streams);
    expect(result.events).toBe(0);
    expect(err.join('\n')).toContain("kubectl get --raw '/api/v1/pods?watch=1'");
  });
});

// The shared setup file activates nock in every test file; un-patch http so the next file in this worker starts clean.
afterAll(() => {
  nock.restore();
});
