import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, statSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryTarget } from '../../src/targets/directory/directory-target.js';
import { BusyError, type Progress } from '../../src/operations/target.js';
import { createOperations, UnknownInstanceError } from '../../src/operations/index.js';
import { paths, strictServer, targetOn, until, writes } from '../targets/strict-cluster.js';

const actor = { id: 'U1' };
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'jc-ops-'));
  dirs.push(d);
  return d;
}


describe('operations on the cluster (strict API server)', () => {
  it('deploy: lock → admin Secret → server-side apply in order → wait ready; a re-deploy changes nothing', async () => {
    const server = await strictServer();
    const ops = createOperations(targetOn(server));
    const steps: Progress[] = [];
    const first = await ops.deploy({ instance: 'ci', changes: [], actor, onProgress: (s) => steps.push(s) });
    expect(first.created).toBe(true);
    expect(first.adminSecret).toBe('created');
    expect(first.outcome).toEqual({ status: 'ready', message: 'ci is ready: 1/1 controller(s) answering' });
    const w = writes(server);
    expect(w.slice(0, 3)).toEqual([`POST ${paths.leases}`, `PATCH ${paths.ns}`, `POST ${paths.leases}`]);
    expect(w.indexOf(`POST ${paths.secrets}`)).toBeLessThan(w.indexOf(`PATCH ${paths.casc}`));
    expect(w.indexOf(`PATCH ${paths.casc}`)).toBeLessThan(w.indexOf(`PATCH ${paths.sts}`));
    expect(w.at(-1)).toBe(`DELETE ${paths.lease}`);
    expect(steps.map((s) => s.phase)).toEqual(expect.arrayContaining(['applied', 'pvc-bound', 'ready', 'jenkins-answering']));

    server.clearRequests();
    const again = await ops.deploy({ instance: 'ci', changes: [], actor });
    expect(again.plan.empty).toBe(true);
    expect(again.applied).toBe(false);
    expect(again.adminSecret).toBe('exists');
    // Only the lock is written; no object of the instance is touched.
    expect(writes(server).every((x) => x.includes('/leases'))).toBe(true);
  });

  it('scale to 0 hibernates and says the volume is kept; scale to 1 wakes it on the same claim', async () => {
    const server = await strictServer();
    const ops = createOperations(targetOn(server));
    await ops.deploy({ instance: 'ci', changes: [], actor });
    const claim = server.get('PersistentVolumeClaim', 'jenkins', 'jenkins-home-ci-0')!;
    const steps: Progress[] = [];
    await ops.scaleControllers({ instance: 'ci', replicas: 0, actor, onProgress: (s) => steps.push(s) });
    expect(server.get('StatefulSet', 'jenkins', 'ci')!.spec.replicas).toBe(0);
    expect(steps.at(-1)!.message).toMatch(/^kept jenkins-home-ci-0: scaling back up reuses the data/);
    await until(() => server.list('Pod', 'jenkins').length === 0, 'the controller pod to stop');
    const woken = await ops.scaleControllers({ instance: 'ci', replicas: 1, actor });
    expect(woken.outcome).toEqual({ status: 'ready', message: 'ci is ready: 1/1 controller(s) answering' });
    expect(server.get('PersistentVolumeClaim', 'jenkins', 'jenkins-home-ci-0')!.metadata.uid).toBe(claim.metadata.uid);
  });

  it('scale up with static storage applies the new PersistentVolume before the StatefulSet and sets session affinity', async () => {
    const server = await strictServer();
    const ops = createOperations(targetOn(server));
    await ops.deploy({ instance: 'ci', changes: [{ persistence: { mode: 'static', hostPath: '/data/jenkins' } }], actor });
    server.clearRequests();
    const result = await ops.scaleControllers({ instance: 'ci', replicas: 2, actor });
    expect(result.outcome).toMatchObject({ status: 'ready' });
    const w = writes(server).filter((x) => !x.includes('/leases'));
    expect(w.indexOf(`PATCH ${paths.pv(1)}`)).toBeGreaterThanOrEqual(0);
    expect(w.indexOf(`PATCH ${paths.pv(1)}`)).toBeLessThan(w.indexOf(`PATCH ${paths.sts}`));
    expect(server.get('ConfigMap', 'jenkins', 'ci-spec')!.data['values.yaml']).toMatch(/replicas: 2\n\s+sessionAffinity: true/);
    expect(server.get('PersistentVolumeClaim', 'jenkins', 'jenkins-home-ci-1')!.spec.volumeName).toBe('jenkins.ci-home-1');
  });

  it('agent cap change applies only the JCasC ConfigMap and waits for the reload, no controller restart', async () => {
    const server = await strictServer();
    const ops = createOperations(targetOn(server));
    await ops.deploy({ instance: 'ci', changes: [], actor });
    const pod = server.get('Pod', 'jenkins', 'ci-0')!;
    server.clearRequests();
    // The strict server runs no Jenkins: log what the reload sidecar logs once the new revision is written.
    const sidecar = setInterval(() => {
      const cm = server.get('ConfigMap', 'jenkins', 'ci-casc')!;
      if (!cm.data['jenkins.yaml'].includes('"25"')) return;
      server.setLogs('jenkins', 'ci-0', 'casc-reload', `${new Date(server.now().getTime() + 1000).toISOString()} POST request sent to http://localhost:8080/reload-configuration-as-code/?casc-reload-token=x. Response: 200 OK\n`);
    }, 5);
    const steps: Progress[] = [];
    const result = await ops.scaleAgents({ instance: 'ci', containerCap: 25, actor, onProgress: (s) => steps.push(s) }).finally(() => clearInterval(sidecar));
    expect(writes(server).filter((x) => !x.includes('/leases'))).toEqual([`PATCH ${paths.casc}`, `PATCH ${paths.spec}`]);
    expect(result.outcome).toMatchObject({ status: 'ready' });
    expect(steps.map((s) => s.phase)).toContain('casc-reloaded');
    expect(server.get('Pod', 'jenkins', 'ci-0')!.metadata.uid).toBe(pod.metadata.uid);
  });

  it('delete keeps the claims and the values unless purge; the same settings come back; purge afterwards finds it', async () => {
    const server = await strictServer();
    const ops = createOperations(targetOn(server));
    await ops.deploy({ instance: 'ci', changes: [{ agents: { containerCap: 4 } }], actor });
    const result = await ops.delete({ instance: 'ci', purge: false, actor });
    expect(result.kept).toEqual(expect.arrayContaining(['PersistentVolumeClaim/jenkins-home-ci-0', 'Secret/ci-admin']));
    expect(result.deleted).toEqual(expect.arrayContaining(['StatefulSet/ci']));
    expect(server.get('PersistentVolumeClaim', 'jenkins', 'jenkins-home-ci-0')).toBeDefined();
    const back = await ops.deploy({ instance: 'ci', changes: [], actor });
    expect(back.created).toBe(false);
    expect(back.bundle.spec.agents.containerCap).toBe(4);
    expect(back.outcome).toMatchObject({ status: 'ready' });
    const purged = await ops.delete({ instance: 'ci', purge: true, actor });
    expect(purged.deleted).toEqual(expect.arrayContaining(['PersistentVolumeClaim/jenkins-home-ci-0', 'ConfigMap/ci-spec', 'Secret/ci-admin']));
    await expect(ops.status('ci', 'jenkins')).resolves.toMatchObject([{ exists: false }]);
  });

  it('a deploy while another operation holds the instance is told it is busy and changes nothing', async () => {
    const server = await strictServer();
    server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins' } });
    const now = server.now().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
    server.put({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'ci-lock', namespace: 'jenkins' }, spec: { holderIdentity: 'U2@bot-b', leaseDurationSeconds: 60, acquireTime: now, renewTime: now } });
    server.clearRequests();
    await expect(createOperations(targetOn(server)).deploy({ instance: 'ci', changes: [], actor })).rejects.toBeInstanceOf(BusyError);
    // The lock is taken by creating its lease: the API refuses that create (409), and nothing else is written.
    expect(server.requests.filter((r) => ['create', 'update', 'patch', 'delete'].includes(r.verb)).map((r) => `${r.method} ${r.path} ${r.status}`))
      .toEqual([`POST ${paths.leases} 409`]);
    expect(server.get('Lease', 'jenkins', 'ci-lock')!.spec.holderIdentity).toBe('U2@bot-b');
  });
});

describe('operations on a directory', () => {
  it('deploy writes the bundle and values, status reads them back, re-deploy has no changes', async () => {
    const dir = tempDir();
    const ops = createOperations(new DirectoryTarget(dir));
    const result = await ops.deploy({ instance: 'ci', changes: [{ agents: { containerCap: 4 } }], actor });
    expect(result.applied).toBe(true);
    expect(result.outcome?.status).toBe('ready');
    expect(readdirSync(join(dir, 'ci', 'manifests')).some((f) => /^\d+-statefulset-ci\.yaml$/.test(f))).toBe(true);
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
    // The settings are kept: the instance has no manifests any more, deploy brings it back as it was.
    await expect(ops.status('ci')).resolves.toMatchObject([{ exists: true, replicas: { desired: 0 } }]);
    const back = await createOperations(new DirectoryTarget(dir)).deploy({ instance: 'ci', changes: [], actor });
    expect(back.created).toBe(false);
    expect(back.bundle.spec.controller.replicas).toBe(0);
    await ops.delete({ instance: 'ci', purge: false, actor });
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
