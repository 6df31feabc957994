// With several controllers, an alert about an agent pod says which controller started it (the label its JCasC's
// podLabels put on every agent), so the right Jenkins is looked at.
import { describe, expect, it } from '@jest/globals';
import { Replayer } from '../../src/alerts/replay/replayer.js';
import type { AlertRecord } from '../../src/alerts/replay/records.js';
import { LABEL_AGENT_CONTROLLER, LABEL_AGENT_INSTANCE } from '../../src/instance/naming.js';

function agent(rv: string, status: Record<string, unknown>): unknown {
  return {
    kind: 'Pod', apiVersion: 'v1',
    metadata: {
      name: 'maven-7k2xq', namespace: 'jenkins', uid: 'uid-maven', resourceVersion: rv,
      labels: { jenkins: 'slave', 'jenkins/label': 'maven', [LABEL_AGENT_INSTANCE]: 'ci', [LABEL_AGENT_CONTROLLER]: 'ci-1' },
    },
    spec: { containers: [{ name: 'jnlp', image: 'jenkins/inbound-agent:latest-jdk21' }] },
    status,
  };
}

describe('alerts about agents of a fleet', () => {
  it('name the instance and the controller that started the agent', () => {
    const out: AlertRecord[] = [];
    const replayer = new Replayer({ format: 'json', write: (line) => out.push(JSON.parse(line) as AlertRecord), summary: false });
    replayer.line(JSON.stringify({ type: 'ADDED', object: agent('1', { phase: 'Pending' }) }));
    replayer.line(JSON.stringify({
      type: 'MODIFIED',
      object: agent('2', { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }] }),
    }));
    replayer.end();
    const alert = out.find((r) => r.kind === 'unschedulable');
    expect(alert).toMatchObject({ instance: 'ci', controller: 'ci-1' });
    expect(alert!.summary).toContain('agent pod jenkins/maven-7k2xq (label maven, started by controller ci-1)');
  });
});
