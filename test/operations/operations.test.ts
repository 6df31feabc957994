import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { runController } from '../fixtures/kube/fake-controller.js';
import { mkdtempSync, rmSync, statSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { ClusterTarget } from '../../src/targets/cluster/cluster-target.js';
import { DirectoryTarget } from '../../src/targets/directory/directory-target.js';
import { BusyError, type Progress } from '../../src/operations/target.js';
import { createOperations, UnknownInstanceError } from '../../src/operations/index.js';
import { FakeApi, kubeConfig } from '../fixtures/kube/fake-api.js';
import { paths } from '../fixtures/kube/bundles.js';

afterEach(() => { nock.cleanAll(); });
afterAll(() => { nock.cleanAll(); nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/); nock.restore(); });

const actor = { id: 'U1' };
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'jc-ops-'));
  dirs.push(d);
  return d;
}

function cluster() {
  return new ClusterTarget(kubeConfig(), { retry: { sleep: async () => {} }, pollMs: 5, graceMs: 0 });
}

describe('operations on the cluster', () => {
  it('deploy: lock → admin Secret → server-side apply in order → wait ready; a re-deploy changes nothing', async () => {
    const api = new FakeApi();
    runController(api);
    const ops = createOperations(cluster());
    const steps: Progress[] = [];
    const first = await ops.deploy({ instance: 'ci', changes: [], actor, onProgress: (s) => steps.push(s) });
    expect(first.created).toBe(true);
    expect(first.adminSecret).toBe('created');
    expect(first.outcome).toEqual({ status: 'ready', message: 'ci is ready: 1/1 controller(s) answering' });
    const writes = api.changing().map((r) => `${r.method} ${r.path}`);
    expect(writes[0]).toBe('POST /apis/coordination.k8s.io/v1/namespaces/jenkins/leases');
    expect(writes[1]).toBe('POST /api/v1/namespaces/jenkins/secrets');
    expect(writes.indexOf(`PATCH ${paths.ns}`)).toBeLessThan(writes.indexOf(`PATCH ${paths.casc}`));
    expect(writes.indexOf(`PATCH ${paths.casc}`)).toBeLessThan(writes.indexOf(`PATCH ${paths.sts}`));
    expect(writes.at(-1)).toBe(`DELETE ${paths.lease}`);
    expect(steps.map((s) => s.phase)).toEqual(expect.arrayContaining(['applied', 'ready', 'jenkins-answering']));

    api.requests.length = 0;
    const again = await ops.deploy({ instance: 'ci', changes: [], actor });
    expect(again.plan.empty).toBe(true);
    expect(again.applied).toBe(false);
    expect(again.adminSecret).toBe('exists');
    // Only the lock is written; no object of the instance is touched.
    expect(api.changing().map((r) => r.path).every((p) => p === paths.lease || p === '/apis/coordination.k8s.io/v1/namespaces/jenkins/leases')).toBe(true);
  });

  it('scale to 0 hibernates and says the volume is kept', async () => {
    const api = new FakeApi();
    runController(api);
    const ops = createOperations(cluster());
    await ops.deploy({ instance: 'ci', changes: [], actor });
    const steps: Progress[] = [];
    const result = await ops.scaleControllers({ instance: 'ci', replicas: 0, actor, onProgress: (s) => steps.push(s) });
    expect(api.objects.get(paths.sts)!.spec.replicas).toBe(0);
    expect(result.outcome).toEqual({ status: 'ready', message: 'ci is scaled to 0 (hibernating); its volumes and data are kept' });
    expect(steps.at(-1)!.message).toMatch(/^kept jenkins-home-ci-0: scaling back up reuses the data/);
  });

  it('scale up with static storage applies the new PersistentVolume before the StatefulSet and sets session affinity', async () => {
    const api = new FakeApi();
    runController(api);
    const ops = createOperations(cluster());
    await ops.deploy({ instance: 'ci', changes: [{ persistence: { mode: 'static', hostPath: '/data/jenkins' } }], actor });
    api.requests.length = 0;
    await ops.scaleControllers({ instance: 'ci', replicas: 2, actor });
    const writes = api.changing().map((r) => `${r.method} ${r.path}`).filter((w) => !w.includes('/leases'));
    expect(writes.indexOf(`PATCH ${paths.pv(1)}`)).toBeGreaterThanOrEqual(0);
    expect(writes.indexOf(`PATCH ${paths.pv(1)}`)).toBeLessThan(writes.indexOf(`PATCH ${paths.sts}`));
    expect(api.objects.get(paths.spec)!.data['values.yaml']).toMatch(/replicas: 2\n\s+sessionAffinity: true/);
  });

  it('agent cap change applies only the JCasC ConfigMap and waits for the reload, no controller restart', async () => {
    const api = new FakeApi();
    runController(api);
    const ops = createOperations(cluster());
    await ops.deploy({ instance: 'ci', changes: [], actor });
    api.hooks.set(`PATCH ${paths.casc}`, (req) => {
      if (req.query.dryRun === 'All') return;
      const at = api.objects.get(paths.casc)!.metadata.managedFields[0].time as string;
      api.logs.set('/api/v1/namespaces/jenkins/pods/ci-0/log', `${new Date(Date.parse(at) + 500).toISOString()} POST request sent to http://localhost:8080/reload-configuration-as-code/?casc-reload-token=ci-0. Response: 200 OK\n`);
    });
    api.requests.length = 0;
    const steps: Progress[] = [];
    const result = await ops.scaleAgents({ instance: 'ci', containerCap: 25, actor, onProgress: (s) => steps.push(s) });
    const writes = api.changing().map((r) => `${r.method} ${r.path}`).filter((w) => !w.includes('/leases'));
    expect(writes).toEqual([`PATCH ${paths.casc}`, `PATCH ${paths.spec}`]);
    expect(api.objects.get(paths.casc)!.data['jenkins.yaml']).toContain('25');
    expect(result.outcome).toMatchObject({ status: 'ready' });
    expect(steps.map((s) => s.phase)).toContain('casc-reloaded');
  });

  it('delete keeps the volume claims unless purge', async () => {
    const api = new FakeApi();
    runController(api);
    const ops = createOperations(cluster());
    await ops.deploy({ instance: 'ci', changes: [], actor });
    api.put(paths.pvc(0), { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'jenkins-home-ci-0', namespace: 'jenkins' }, status: { phase: 'Bound' } });
    const result = await ops.delete({ instance: 'ci', purge: false, actor });
    expect(result.kept).toEqual(expect.arrayContaining(['PersistentVolumeClaim/jenkins-home-ci-0', 'Secret/ci-admin']));
    expect(result.deleted).toEqual(expect.arrayContaining(['StatefulSet/ci', 'ConfigMap/ci-spec']));
    expect(api.objects.has(paths.pvc(0))).toBe(true);
    await expect(ops.status('ci', 'jenkins')).resolves.toMatchObject([{ exists: false }]);
  });

  it('a deploy while another operation holds the instance is told it is busy and changes nothing', async () => {
    const api = new FakeApi();
    const now = new Date().toISOString();
    api.put(paths.lease, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'ci-lock', namespace: 'jenkins' }, spec: { holderIdentity: 'U2@bot-b', leaseDurationSeconds: 60, acquireTime: now, renewTime: now } });
    await expect(createOperations(cluster()).deploy({ instance: 'ci', changes: [], actor })).rejects.toBeInstanceOf(BusyError);
    expect(api.changing()).toEqual([]);
  });
});

describe('operations on a directory', () => {
  it('deploy writes the bundle and values, status reads them back, re-deploy has no changes', async () => {
    const dir = tempDir();
    const ops = createOperations(new DirectoryTarget(dir));
    const result = await ops.deploy({ instance: 'ci', changes: [{ agents: { containerCap: 4 } }], actor });
    expect(result.applied).toBe(true);
    expect(result.outcome?.status).toBe('ready');
    expect(readdirSync(join(dir, 'ci', 'manifests'))).toEqual(expect.arrayContaining(['09-statefulset-ci.yaml']));
    expect(statSync(join(dir, 'ci', 'admin-secret.yaml')).mode & 0o777).toBe(0o600);
    const again = await ops.deploy({ instance: 'ci', changes: [], actor });
    expect(again.plan.empty).toBe(true);
    const [status] = await ops.status('ci');
    expect(status).toMatchObject({ name: 'ci', namespace: 'jenkins', exists: true, replicas: { desired: 1, ready: 0 }, casc: { desired: result.bundle.cascRevision } });
    const pw = await ops.password('ci');
    expect(pw.user).toBe('admin');
    expect(pw.password.length).toBeGreaterThanOrEqual(20);
  });

  it('scale and delete operate on the files; delete keeps the admin secret, purge removes everything', async () => {
    const dir = tempDir();
    const ops = createOperations(new DirectoryTarget(dir));
    await ops.deploy({ instance: 'ci', changes: [], actor });
    await ops.scaleControllers({ instance: 'ci', replicas: 0, actor });
    expect((await ops.status('ci'))[0]!.replicas.desired).toBe(0);
    const removed = await ops.delete({ instance: 'ci', purge: false, actor });
    expect(removed.deleted).toContain('StatefulSet/ci');
    expect(existsSync(join(dir, 'ci', 'admin-secret.yaml'))).toBe(true);
    await expect(ops.status('ci')).resolves.toMatchObject([{ exists: false }]);
    await createOperations(new DirectoryTarget(dir)).deploy({ instance: 'ci', changes: [], actor });
    await ops.delete({ instance: 'ci', purge: true, actor });
    expect(existsSync(join(dir, 'ci'))).toBe(false);
  });

  it('operations on an unknown instance say so', async () => {
    const ops = createOperations(new DirectoryTarget(tempDir()));
    await expect(ops.scaleControllers({ instance: 'nope', replicas: 1, actor })).rejects.toBeInstanceOf(UnknownInstanceError);
  });

  it('templates lists the presets', async () => {
    const templates = await createOperations(new DirectoryTarget(tempDir())).templates();
    expect(templates).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'default', label: 'jenkins-agent', description: 'Plain inbound agent' })]));
    expect(templates.map((t) => t.name)).toEqual(expect.arrayContaining(['maven', 'node']));
  });
});
