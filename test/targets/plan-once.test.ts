// Plan once: a deploy the user agreed to applies the preview's plan, after checking with a few requests (labelled
// LISTs, a GET for the rest) that nothing the plan read has changed. A change that alters the plan stops the deploy
// before it writes anything; a change that leaves the plan as it was is planned again and applied. The dependency
// waves hold on the reused plan. Strict API server, real rendered bundles.
import { describe, expect, it } from '@jest/globals';
import { createOperations } from '../../src/operations/index.js';
import { ClusterChangedError } from '../../src/operations/target.js';
import type { DeployRequest } from '../../src/operations/api.js';
import type { TestApiServer } from '../support/apiserver/index.js';
import { paths, strictServer, targetOn } from './strict-cluster.js';

const actor = { id: 'U1' };
const staticStorage = { persistence: { mode: 'static', hostPath: '/data/jenkins' } };

/** Requests that change something (dry runs excluded), as `METHOD path`. */
const writes = (server: TestApiServer) =>
  server.requests.filter((r) => ['create', 'update', 'patch', 'delete'].includes(r.verb) && r.query.dryRun === undefined).map((r) => `${r.method} ${r.path}`);
const dryRuns = (server: TestApiServer) => server.requests.filter((r) => r.query.dryRun !== undefined);

async function deployedCi(server: TestApiServer) {
  const ops = createOperations(targetOn(server));
  await ops.deploy({ instance: 'ci', changes: [staticStorage], actor, wait: false });
  server.settle();
  return ops;
}

/** Scaling ci to two controllers: a new PersistentVolume and Service, then the StatefulSet grows. */
const scaleUp = (): DeployRequest => ({ instance: 'ci', changes: [{ controller: { replicas: 2 } }], actor, wait: false });

describe('plan once: a confirmed deploy reuses the preview', () => {
  it('applies the previewed plan without dry-running anything again, volumes before the StatefulSet grows', async () => {
    const server = await strictServer();
    const ops = await deployedCi(server);
    const request = scaleUp();
    const preview = await ops.preview(request);
    expect(preview.plan.changes.filter((c) => c.action !== 'unchanged').map((c) => `${c.action} ${c.kind}/${c.name}`))
      .toEqual(expect.arrayContaining(['create PersistentVolume/jenkins.ci-home-1', 'update StatefulSet/ci']));
    server.clearRequests();
    const result = await ops.deploy(request);
    expect(result.applied).toBe(true);
    expect(result.plan).toEqual(preview.plan);
    expect(dryRuns(server)).toEqual([]);
    // The labelled objects were checked a kind at a time; only what did not exist yet (the new Service) was read.
    expect(server.requests.filter((r) => r.verb === 'get' && /\/(services|roles|rolebindings|configmaps)\//.test(r.path)).map((r) => r.path))
      .toEqual(['/api/v1/namespaces/jenkins/services/ci-1']);
    expect(server.requests.filter((r) => r.verb === 'list').map((r) => r.path).sort()).toEqual([
      '/api/v1/namespaces/jenkins/configmaps', '/api/v1/namespaces/jenkins/services',
      '/apis/rbac.authorization.k8s.io/v1/namespaces/jenkins/rolebindings', '/apis/rbac.authorization.k8s.io/v1/namespaces/jenkins/roles',
    ]);
    const w = writes(server);
    expect(w.indexOf(`PATCH ${paths.pv(1)}`)).toBeGreaterThanOrEqual(0);
    expect(w.indexOf(`PATCH ${paths.pv(1)}`)).toBeLessThan(w.indexOf(`PATCH ${paths.sts}`));
    expect(w.indexOf(`PATCH ${paths.sts}`)).toBeLessThan(w.indexOf(`PATCH ${paths.spec}`));
    expect(server.get('StatefulSet', 'jenkins', 'ci')!.spec.replicas).toBe(2);
  });

  it('stops, naming the object, when the cluster changed the plan between the preview and the apply; nothing is written', async () => {
    const server = await strictServer();
    const ops = await deployedCi(server);
    const request = scaleUp();
    await ops.preview(request);
    // Someone deletes the agents' Service in between: the agreed plan left it alone, the plan now would create it.
    server.remove('Service', 'jenkins', 'ci-agent');
    server.clearRequests();
    const error = await ops.deploy(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterChangedError);
    expect((error as Error).message).toMatch(/^the cluster changed since the preview: Service\/ci-agent \(unchanged → create\); nothing was applied to ci\. Run the command again/);
    expect(writes(server).filter((w) => !w.includes('/leases'))).toEqual([]);
    expect(server.get('StatefulSet', 'jenkins', 'ci')!.spec.replicas).toBe(1);
    expect(server.get('PersistentVolume', undefined, 'jenkins.ci-home-1')).toBeUndefined();
  });

  it('a change that leaves the plan as it was (another tool annotates a Service) is planned again and applied', async () => {
    const server = await strictServer();
    const ops = await deployedCi(server);
    const request = scaleUp();
    const preview = await ops.preview(request);
    const service = server.get('Service', 'jenkins', 'ci-agent')!;
    server.put({ ...service, metadata: { ...service.metadata, annotations: { 'example.com/owner': 'platform-team' } } }, 'kubectl-annotate');
    server.clearRequests();
    const result = await ops.deploy(request);
    expect(result.applied).toBe(true);
    expect(result.plan).toEqual(preview.plan);
    // Planned again (the Service's version moved), found to be the same plan, applied.
    expect(dryRuns(server).length).toBeGreaterThan(0);
    expect(server.get('StatefulSet', 'jenkins', 'ci')!.spec.replicas).toBe(2);
    expect(server.get('Service', 'jenkins', 'ci-agent')!.metadata.annotations).toMatchObject({ 'example.com/owner': 'platform-team' });
  });

  it('a new instance agreed to: the namespace the lock creates is the one the plan would create; the namespace comes first', async () => {
    const server = await strictServer();
    const ops = createOperations(targetOn(server));
    const request: DeployRequest = { instance: 'ci', changes: [{ ...staticStorage, controller: { replicas: 2 } }], actor, wait: false };
    const preview = await ops.preview(request);
    expect(preview.plan.changes[0]).toMatchObject({ kind: 'Namespace', action: 'create' });
    server.clearRequests();
    const result = await ops.deploy(request);
    expect(result.applied).toBe(true);
    const w = writes(server);
    const namespace = w.indexOf(`PATCH ${paths.ns}`);
    expect(namespace).toBeGreaterThanOrEqual(0);
    const namespaced = w.flatMap((x, i) => (x.includes('/namespaces/jenkins/') && !x.includes('/leases') ? [i] : []));
    expect(Math.min(...namespaced)).toBeGreaterThan(namespace);
    expect(Math.max(w.indexOf(`PATCH ${paths.pv(0)}`), w.indexOf(`PATCH ${paths.pv(1)}`))).toBeLessThan(w.indexOf(`PATCH ${paths.sts}`));
  });

  it("the instance's Secrets are made while the plan reads, before any object is written; when they cannot be, no object is", async () => {
    const server = await strictServer();
    server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins' } });
    server.fault({ verb: 'POST', path: paths.secrets, status: 500, times: Infinity });
    const ops = createOperations(targetOn(server));
    await expect(ops.deploy({ instance: 'ci', changes: [staticStorage], actor, wait: false })).rejects.toThrow(/failed to create Secret\/ci-admin/);
    expect(writes(server).filter((w) => !w.includes('/leases') && !w.includes('/secrets'))).toEqual([]);
    server.clearFaults();
    server.clearRequests();
    await ops.deploy({ instance: 'ci', changes: [staticStorage], actor, wait: false });
    const w = writes(server);
    const firstObject = w.findIndex((x) => x.startsWith('PATCH'));
    expect(w.slice(0, firstObject).filter((x) => x === `POST ${paths.secrets}`)).toHaveLength(2);
  });

  it('a deploy that was not previewed plans inside the lock as before', async () => {
    const server = await strictServer();
    const ops = await deployedCi(server);
    server.clearRequests();
    await ops.deploy(scaleUp());
    expect(dryRuns(server).length).toBeGreaterThan(0);
    expect(server.get('StatefulSet', 'jenkins', 'ci')!.spec.replicas).toBe(2);
  });
});

describe('plan once: kinds only an operator serves', () => {
  it('a ServiceMonitor whose CRD was deleted after the preview is the plan error, not a failed write', async () => {
    const { UnservedKindError } = await import('../../src/targets/cluster/served-kinds.js');
    const server = await strictServer({ crds: ['ServiceMonitor'] });
    const ops = createOperations(targetOn(server));
    const metrics = { metrics: { enabled: true, serviceMonitor: true } };
    await ops.deploy({ instance: 'ci', changes: [], actor, wait: false });
    const request: DeployRequest = { instance: 'ci', changes: [metrics], actor, wait: false };
    await ops.preview(request);
    server.unregisterCrd('ServiceMonitor');
    server.clearRequests();
    const error = await ops.deploy(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnservedKindError);
    expect(writes(server).filter((w) => !w.includes('/leases'))).toEqual([]);
  });
});
