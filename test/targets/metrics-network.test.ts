// metrics and networkPolicy on the strict API server: the objects are applied with the bot's field manager and
// deleted with the instance; a cluster without the Prometheus operator refuses a ServiceMonitor at plan time, with
// nothing written.
import { describe, expect, it } from '@jest/globals';
import { FIELD_MANAGER } from '../../src/kube/client.js';
import { UnservedKindError } from '../../src/targets/cluster/served-kinds.js';
import { bundle, strictServer, targetOn, writes } from './strict-cluster.js';
import type { Obj } from '../support/apiserver/index.js';

const both = { metrics: { enabled: true, serviceMonitor: true }, networkPolicy: { enabled: true } };
const managers = (object: Obj | undefined): string[] => ((object?.metadata?.managedFields ?? []) as Array<{ manager: string }>).map((f) => f.manager);

describe('metrics and network policies on a cluster', () => {
  it('with the Prometheus operator: the ServiceMonitor and the NetworkPolicy are the bot\'s, and go with delete', async () => {
    const server = await strictServer({ crds: ['ServiceMonitor'] });
    const target = targetOn(server);
    const first = await target.apply(bundle(both), { name: 'ci', ...both });
    expect(first.plan.changes.filter((c) => ['ServiceMonitor', 'NetworkPolicy'].includes(c.kind)).map((c) => `${c.action} ${c.kind}/${c.name}`))
      .toEqual(['create ServiceMonitor/ci', 'create NetworkPolicy/ci-controller']);
    const monitor = server.get('ServiceMonitor', 'jenkins', 'ci');
    const policy = server.get('NetworkPolicy', 'jenkins', 'ci-controller');
    expect(managers(monitor)).toEqual([FIELD_MANAGER]);
    expect(managers(policy)).toEqual([FIELD_MANAGER]);
    expect(policy!.spec.policyTypes).toEqual(['Ingress']);
    expect(server.get('Service', 'jenkins', 'ci')!.metadata.annotations['prometheus.io/path']).toBe('/prometheus/');
    // A second deploy changes nothing (no drift from the server's defaults).
    expect((await target.apply(bundle(both), { name: 'ci', ...both })).plan.empty).toBe(true);

    const result = await target.delete(bundle(both), { purge: false });
    expect(result.deleted).toEqual(expect.arrayContaining(['ServiceMonitor/ci', 'NetworkPolicy/ci-controller']));
    expect(server.list('ServiceMonitor', 'jenkins')).toEqual([]);
    expect(server.list('NetworkPolicy', 'jenkins')).toEqual([]);
  });

  it('the test server deletes a CRD\'s objects with it, as the apiextensions server does', async () => {
    const server = await strictServer({ crds: ['ServiceMonitor'] });
    await targetOn(server).apply(bundle(both), { name: 'ci', ...both });
    expect(server.list('ServiceMonitor', 'jenkins')).toHaveLength(1);
    server.unregisterCrd('ServiceMonitor');
    expect(server.list('ServiceMonitor', 'jenkins')).toEqual([]);
  });

  it('delete also finds, by its labels, a policy no stored values record (left by a version before switched-off objects were removed)', async () => {
    const server = await strictServer();
    const target = targetOn(server);
    await target.apply(bundle({ networkPolicy: { enabled: true } }), { name: 'ci', networkPolicy: { enabled: true } });
    const left = server.get('NetworkPolicy', 'jenkins', 'ci-controller')!;
    await target.apply(bundle(), { name: 'ci' }); // removes it: the stored values recorded it
    server.put({ apiVersion: left.apiVersion, kind: left.kind, metadata: { name: left.metadata.name, namespace: 'jenkins', labels: left.metadata.labels }, spec: left.spec }, FIELD_MANAGER);
    const result = await target.delete(bundle(), { purge: false });
    expect(result.deleted).toContain('NetworkPolicy/ci-controller');
    expect(server.list('NetworkPolicy', 'jenkins')).toEqual([]);
  });

  it('without the operator\'s CRD, a ServiceMonitor is a plan error that says what to do, and nothing is written', async () => {
    const server = await strictServer();
    const target = targetOn(server);
    await target.apply(bundle({ metrics: { enabled: true } }), { name: 'ci', metrics: { enabled: true } });
    server.clearRequests();
    const wanted = { metrics: { enabled: true, serviceMonitor: true }, networkPolicy: { enabled: true } };
    for (const attempt of [() => target.apply(bundle(wanted), { name: 'ci', ...wanted }), () => target.apply(bundle(wanted), { name: 'ci', ...wanted }, { dryRun: true }), () => target.diff(bundle(wanted))]) {
      const err = await attempt().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(UnservedKindError);
      expect((err as Error).message).toBe(
        "ServiceMonitor ci needs the Prometheus operator's CRD monitoring.coreos.com/v1 (servicemonitors.monitoring.coreos.com), which this cluster does not serve; " +
        'install it or set metrics.serviceMonitor=false. No object of the instance was applied.');
    }
    expect(writes(server)).toEqual([]);
    expect(server.list('NetworkPolicy', 'jenkins')).toEqual([]);
    // Discovery was asked; no object was read before the answer.
    expect(server.requests.every((r) => r.path === '/apis/monitoring.coreos.com/v1')).toBe(true);
    // Deleting such an instance is not stopped by the missing kind.
    await expect(target.delete(bundle(wanted), { purge: false })).resolves.toMatchObject({ deleted: expect.arrayContaining(['StatefulSet/ci']) });
  });
});
