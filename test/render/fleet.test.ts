// Several controllers from one spec: one JCasC, yet each controller names itself (its URLs come from its own pod
// name through JCasC's environment interpolation), has its own Service, and its agents connect back to it.
import { describe, expect, it } from '@jest/globals';
import { LABEL_POD_NAME } from '../../src/instance/naming.js';
import { SpecError } from '../../src/instance/index.js';
import { cascOf, cloudOf, jcascResolve, objectOf, render, type Loose } from '../helpers/render.js';

const fleet = { name: 'ci', namespace: 'team', controller: { replicas: 3 }, service: { type: 'NodePort', nodePort: 30080 } };
const services = (values: Record<string, unknown>) => render(values).objects.filter((o) => o.object.kind === 'Service').map((o) => o.object as Loose);

describe('a fleet of controllers', () => {
  it('gives each controller its own Service, named like its pod and selecting only it, with a predictable node port', () => {
    const byName = new Map(services(fleet).map((s) => [s.metadata.name, s]));
    expect([...byName.keys()].sort()).toEqual(['ci', 'ci-0', 'ci-1', 'ci-2', 'ci-agent', 'ci-pods']);
    for (const n of [0, 1, 2]) {
      const own = byName.get(`ci-${n}`);
      expect(own.spec.type).toBe('NodePort');
      expect(own.spec.selector[LABEL_POD_NAME]).toBe(`ci-${n}`);
      expect(own.spec.ports.find((p: Loose) => p.name === 'http').nodePort).toBe(30081 + n);
      expect(own.spec.ports.find((p: Loose) => p.name === 'agent').port).toBe(50000);
    }
    // The shared Service keeps the node port users already know.
    expect(byName.get('ci').spec.ports[0].nodePort).toBe(30080);
  });

  it('one controller is reached as before; its own Service is in-cluster only', () => {
    const byName = new Map(services({ ...fleet, controller: { replicas: 1 } }).map((s) => [s.metadata.name, s]));
    expect(byName.get('ci').spec.ports[0].nodePort).toBe(30080);
    expect(byName.get('ci-0').spec.type).toBe('ClusterIP');
    expect(byName.get('ci-0').spec.ports[0].nodePort).toBeUndefined();
  });

  it('the JCasC each controller reads resolves to its own addresses, and its agents carry its label', () => {
    const bundle = render(fleet);
    const cloud = cloudOf(bundle);
    for (const pod of ['ci-0', 'ci-1', 'ci-2']) {
      const env = { POD_NAME: pod };
      expect(jcascResolve(cloud.jenkinsUrl, env)).toBe(`http://${pod}.team.svc.cluster.local:8080/`);
      expect(jcascResolve(cloud.jenkinsTunnel, env)).toBe(`${pod}.team.svc.cluster.local:50000`);
      const labels = Object.fromEntries(cloud.podLabels.map((l: Loose) => [l.key, jcascResolve(l.value, env)]));
      expect(labels).toEqual({ 'jenkins-chatops.io/instance': 'ci', 'jenkins-chatops.io/controller': pod });
      expect(jcascResolve(cascOf(bundle).unclassified.location.url, env)).toBe(`http://${pod}.team.svc.cluster.local:8080/`);
    }
  });

  it("an agent's tunnel address is the Service that selects exactly its controller", () => {
    const bundle = render(fleet);
    const tunnel = jcascResolve(cloudOf(bundle).jenkinsTunnel, { POD_NAME: 'ci-1' });
    const [host, port] = tunnel.split(':') as [string, string];
    const [serviceName, namespace] = host.split('.');
    const service = services(fleet).find((s) => s.metadata.name === serviceName);
    expect(service.metadata.namespace).toBe(namespace);
    expect(service.spec.selector[LABEL_POD_NAME]).toBe('ci-1');
    expect(service.spec.ports.map((p: Loose) => p.port)).toContain(Number(port));
    // …and that pod is one the StatefulSet makes (its selector matches, its name is ordinal 1's).
    const sts = objectOf(bundle, 'StatefulSet') as Loose;
    const { [LABEL_POD_NAME]: _pod, ...rest } = service.spec.selector;
    expect(sts.spec.selector.matchLabels).toEqual(rest);
  });

  it('user text naming ${POD_NAME} stays literal while the generated references resolve', () => {
    const bundle = render({ ...fleet, controller: { replicas: 3, systemMessage: 'on ${POD_NAME}', url: 'https://ci.example.com/${POD_NAME}' } });
    const casc = cascOf(bundle);
    expect(jcascResolve(casc.jenkins.systemMessage, { POD_NAME: 'ci-2' })).toBe('on ${POD_NAME}');
    expect(jcascResolve(casc.unclassified.location.url, { POD_NAME: 'ci-2' })).toBe('https://ci.example.com/${POD_NAME}');
    expect(jcascResolve(cloudOf(bundle).jenkinsUrl, { POD_NAME: 'ci-2' })).toBe('http://ci-2.team.svc.cluster.local:8080/');
  });

  it('uses the cluster domain the spec names in every in-cluster address', () => {
    const cloud = cloudOf(render({ ...fleet, clusterDomain: 'corp.internal' }));
    expect(jcascResolve(cloud.jenkinsUrl, { POD_NAME: 'ci-0' })).toBe('http://ci-0.team.svc.corp.internal:8080/');
    expect(jcascResolve(cloud.jenkinsTunnel, { POD_NAME: 'ci-0' })).toBe('ci-0.team.svc.corp.internal:50000');
  });

  it('scaling 3 → 1 → 3 renders the same per-controller names each time (kept objects are found again)', () => {
    const names = (replicas: number) => render({ ...fleet, persistence: { mode: 'static', hostPath: '/data/jenkins' }, controller: { replicas } }).objects
      .filter((o) => o.object.kind === 'Service' || o.object.kind === 'PersistentVolume').map((o) => o.object.metadata.name).sort();
    const three = names(3);
    expect(names(1).every((n) => three.includes(n))).toBe(true);
    expect(names(3)).toEqual(three);
  });

  it('refuses a node port whose per-controller ports would leave the range', () => {
    expect(() => render({ ...fleet, service: { type: 'NodePort', nodePort: 32766 } })).toThrow(SpecError);
    expect(() => render({ ...fleet, service: { type: 'NodePort', nodePort: 32766 } })).toThrow(/node ports 32767–32769 \(one per controller\)/);
  });
});
