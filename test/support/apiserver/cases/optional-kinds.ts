// The kinds an instance adds on request (NetworkPolicy, Ingress, PodDisruptionBudget) and a CRD kind (ServiceMonitor)
// that exists only where its operator is installed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiException, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { startApiServer, type TestApiServer } from '../index.js';

describe('optional kinds and CRDs', () => {
  let server: TestApiServer;
  let objects: KubernetesObjectApi;
  beforeAll(async () => {
    server = await startApiServer();
    objects = KubernetesObjectApi.makeApiClient(server.kubeConfig());
  });
  afterAll(async () => {
    await server.close();
  });

  const apply = (obj: object) =>
    objects.patch(JSON.parse(JSON.stringify(obj)) as KubernetesObject, undefined, undefined, 'test', undefined, PatchStrategy.ServerSideApply);

  async function refusal(p: Promise<unknown>): Promise<{ code: number; message: string }> {
    const err = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApiException);
    const e = err as ApiException<unknown>;
    const body = (typeof e.body === 'string' ? JSON.parse(e.body) : e.body) as { message: string };
    return { code: e.code, message: body.message };
  }

  const netpol = (name: string, spec: object) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'default' }, spec });

  it('NetworkPolicy: policyTypes and port protocols are defaulted (networking/v1 defaults.go)', async () => {
    await apply(netpol('in', { podSelector: {}, ingress: [{ ports: [{ port: 8080 }] }] }));
    await apply(netpol('both', { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }));
    expect(server.get('NetworkPolicy', 'default', 'in')!.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }] });
    expect(server.get('NetworkPolicy', 'default', 'both')!.spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('NetworkPolicy: an unknown policy type is refused in the apiserver\'s words; the spec stays changeable', async () => {
    const r = await refusal(apply(netpol('bad', { podSelector: {}, policyTypes: ['Sideways'] })));
    expect(r).toEqual({ code: 422, message: 'NetworkPolicy.networking.k8s.io "bad" is invalid: spec.policyTypes[0]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"' });
    await apply(netpol('in', { podSelector: { matchLabels: { app: 'x' } }, ingress: [{ ports: [{ port: 9090 }] }] }));
    expect(server.get('NetworkPolicy', 'default', 'in')!.spec.podSelector).toEqual({ matchLabels: { app: 'x' } });
  });

  it('PodDisruptionBudget: generation 1 and a zero status on create; a spec change is a new generation; min and max together are refused', async () => {
    const pdb = (spec: object) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec });
    await apply(pdb({ maxUnavailable: 0, selector: { matchLabels: { app: 'web' } } }));
    const created = server.get('PodDisruptionBudget', 'default', 'web')!;
    expect(created.metadata.generation).toBe(1);
    expect(created.status).toEqual({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
    await apply(pdb({ maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } }));
    expect(server.get('PodDisruptionBudget', 'default', 'web')!.metadata.generation).toBe(2);
    const r = await refusal(apply(pdb({ maxUnavailable: 1, minAvailable: 1, selector: { matchLabels: { app: 'web' } } })));
    expect(r.code).toBe(422);
    expect(r.message).toMatch(/^PodDisruptionBudget\.policy "web" is invalid: spec: Invalid value: .*: minAvailable and maxUnavailable cannot be both set$/);
  });

  it('Ingress: every path needs a pathType; the status starts with an empty loadBalancer', async () => {
    const ingress = (path: object) => ({
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'default' },
      spec: { rules: [{ host: 'ci.example.com', http: { paths: [{ path: '/', backend: { service: { name: 'web', port: { name: 'http' } } }, ...path }] } }] },
    });
    const r = await refusal(apply(ingress({})));
    expect(r).toEqual({ code: 422, message: 'Ingress.networking.k8s.io "web" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified' });
    await apply(ingress({ pathType: 'Prefix' }));
    expect(server.get('Ingress', 'default', 'web')!.status).toEqual({ loadBalancer: {} });
  });

  it('ServiceMonitor: without the CRD its group is not served (404, absent from discovery); registered, it is', async () => {
    const monitor = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, endpoints: [{ port: 'http' }] } };
    const groups = async () => ((await (await fetch(`${server.url}/apis`)).json()) as { groups: Array<{ name: string }> }).groups.map((g) => g.name);
    expect(await groups()).not.toContain('monitoring.coreos.com');
    expect((await fetch(`${server.url}/apis/monitoring.coreos.com/v1`)).status).toBe(404);
    expect(await refusal(apply(monitor))).toEqual({ code: 404, message: 'the server could not find the requested resource' });

    server.registerCrd('ServiceMonitor');
    expect(await groups()).toContain('monitoring.coreos.com');
    const resources = (await (await fetch(`${server.url}/apis/monitoring.coreos.com/v1`)).json()) as { resources: Array<{ name: string }> };
    expect(resources.resources.map((r) => r.name)).toEqual(['servicemonitors']);
    await apply(monitor);
    const stored = server.get('ServiceMonitor', 'default', 'web')!;
    expect(stored.metadata.generation).toBe(1);
    expect(stored.metadata.managedFields[0].manager).toBe('test');
    await apply({ ...monitor, spec: { ...monitor.spec, endpoints: [{ port: 'http', path: '/metrics' }] } });
    expect(server.get('ServiceMonitor', 'default', 'web')!.metadata.generation).toBe(2);
    expect(() => server.registerCrd('Widget')).toThrow(/no CRD modelled for Widget/);
  });
});
