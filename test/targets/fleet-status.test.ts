// Several controllers on the strict API server: each is reachable at its own Service, and status lists each with
// its own address, JCasC state and agent pods (found by the controller label its JCasC puts on them).
import { describe, expect, it } from '@jest/globals';
import { LABEL_AGENT_CONTROLLER, LABEL_AGENT_INSTANCE, LABEL_POD_NAME } from '../../src/instance/naming.js';
import { bundle, strictServer, targetOn, until } from './strict-cluster.js';

const fleet = { name: 'ci', controller: { replicas: 3 }, service: { type: 'NodePort', nodePort: 30080 } };

function agentPod(name: string, controller: string, phase: 'Running' | 'Pending') {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'jenkins', labels: { jenkins: 'slave', [LABEL_AGENT_INSTANCE]: 'ci', [LABEL_AGENT_CONTROLLER]: controller } },
    // Pending for good: no node has the pool it asks for (the strict scheduler would place it otherwise).
    spec: { containers: [{ name: 'jnlp', image: 'jenkins/inbound-agent:latest-jdk21' }], ...(phase === 'Running' ? { nodeName: 'node-1' } : { nodeSelector: { pool: 'none' } }) },
    status: { phase },
  };
}

describe('a fleet of three controllers', () => {
  it('each has its own Service selecting only its pod, and status lists each with its address and its agents', async () => {
    const server = await strictServer();
    const target = targetOn(server);
    await target.apply(bundle(fleet), fleet);
    await until(() => server.list('Pod', 'jenkins').filter((p) => p.metadata.name.startsWith('ci-')).length === 3, 'three controller pods');
    for (const n of [0, 1, 2]) {
      const svc = server.get('Service', 'jenkins', `ci-${n}`)!;
      expect(svc.spec.selector[LABEL_POD_NAME]).toBe(`ci-${n}`);
      expect(svc.spec.ports.find((p: { name: string }) => p.name === 'http').nodePort).toBe(30081 + n);
    }
    // Agent pods the Kubernetes plugin of ci-1 (and one of ci-2) started, labelled as its JCasC says.
    server.put(agentPod('maven-a', 'ci-1', 'Running'));
    server.put(agentPod('maven-b', 'ci-1', 'Pending'));
    server.put(agentPod('node-c', 'ci-2', 'Running'));
    const status = await target.status('ci', 'jenkins');
    expect(status.agents).toEqual({ running: 2, pending: 1 });
    const byName = new Map(status.controllers.map((c) => [c.name, c]));
    expect(byName.get('ci-1')?.agents).toEqual({ running: 1, pending: 1 });
    expect(byName.get('ci-2')?.agents).toEqual({ running: 1, pending: 0 });
    expect(byName.get('ci-0')?.agents).toEqual({ running: 0, pending: 0 });
    // Each controller's own address: its node port on a node, not the shared Service's.
    expect(byName.get('ci-0')?.url).toMatch(/^http:\/\/[\d.]+:30081\/$/);
    expect(byName.get('ci-2')?.url).toMatch(/^http:\/\/[\d.]+:30083\/$/);
    expect(status.urls[0]).toMatch(/:30080\/$/);
  });

  it('scale 3 → 1 → 3 keeps each ordinal\'s Service (and its node port) under the same name', async () => {
    const server = await strictServer();
    const target = targetOn(server);
    await target.apply(bundle(fleet), fleet);
    const one = { ...fleet, controller: { replicas: 1 } };
    await target.apply(bundle(one), one);
    expect(server.get('Service', 'jenkins', 'ci-2')).toBeDefined();
    await target.apply(bundle(fleet), fleet);
    expect(server.get('Service', 'jenkins', 'ci-2')!.spec.ports[0].nodePort).toBe(30083);
  });

  it('a new instance is governed by its headless Service; one created before keeps its serviceName (immutable) and deploys cleanly', async () => {
    const server = await strictServer();
    const target = targetOn(server);
    await target.apply(bundle(fleet), fleet);
    expect(server.get('StatefulSet', 'jenkins', 'ci')!.spec.serviceName).toBe('ci-pods');
    expect(server.get('Service', 'jenkins', 'ci-pods')!.spec.clusterIP).toBe('None');
    // An instance an older version made: its StatefulSet is governed by the HTTP Service, and that cannot change.
    const old = { name: 'old', controller: { replicas: 1 } };
    const rendered = bundle(old);
    const sts = rendered.objects.find((o) => o.object.kind === 'StatefulSet')!.object as unknown as { spec: Record<string, unknown> };
    sts.spec = { ...sts.spec, serviceName: 'old' };
    await target.apply(rendered, old);
    expect(server.get('StatefulSet', 'jenkins', 'old')!.spec.serviceName).toBe('old');
    const again = await target.apply(bundle(old), old);
    expect(again.plan.changes.find((c) => c.kind === 'StatefulSet')?.action).toBe('unchanged');
    expect(server.get('StatefulSet', 'jenkins', 'old')!.spec.serviceName).toBe('old');
  });

  it('with an Ingress, status names the external URL first (each controller\'s own host with several)', async () => {
    const server = await strictServer();
    const target = targetOn(server);
    const values = { ...fleet, ingress: { enabled: true, host: 'ci.example.com', tlsSecret: 'ci-tls' } };
    await target.apply(bundle(values), values);
    expect(server.get('Ingress', 'jenkins', 'ci')).toBeDefined();
    await until(() => server.list('Pod', 'jenkins').filter((p) => p.metadata.name.startsWith('ci-')).length === 3, 'three controller pods');
    const status = await target.status('ci', 'jenkins');
    expect(status.urls[0]).toBe('https://ci.example.com/');
    expect(status.controllers.find((c) => c.name === 'ci-1')?.url).toBe('https://ci-1.ci.example.com/');
  });
});

