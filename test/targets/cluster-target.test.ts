// ClusterTarget on the strict in-process API server: what the user's deploy sends, how API failures read, how waits
// end, what delete keeps, and the instance lock. Every object is the real rendered bundle; controllers are real.
import { describe, expect, it } from '@jest/globals';
import { BusyError, ImmutableChangeError, LockLostError, type Progress } from '../../src/operations/target.js';
import { render } from '../helpers/render.js';
import { bundle, paths, strictServer, targetOn, until, values, writes } from './strict-cluster.js';

const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins' } };


/** ci deployed, then scaled to 3 by `kubectl scale` (field manager kubectl-scale owns spec.replicas). */
async function scaledByKubectl() {
  const server = await strictServer();
  const target = targetOn(server);
  await target.apply(bundle(), values);
  const sts = server.get('StatefulSet', 'jenkins', 'ci')!;
  sts.spec.replicas = 3;
  server.put(sts, 'kubectl-scale');
  return { server, target };
}

describe('ClusterTarget.apply (server-side apply)', () => {
  it('creates every object in order with PATCH application/apply-patch+yaml and fieldManager jenkins-chatops, never forced', async () => {
    const server = await strictServer();
    const steps: Progress[] = [];
    const result = await targetOn(server).apply(bundle(), values, { onProgress: (s) => steps.push(s) });

    expect(result.applied).toBe(true);
    const created = result.plan.changes.map((c) => `${c.action} ${c.kind}/${c.name}`);
    expect(created[0]).toBe('create Namespace/jenkins');
    expect(created.indexOf('create ConfigMap/ci-casc')).toBeLessThan(created.indexOf('create StatefulSet/ci'));
    expect(created.at(-1)).toBe('create ConfigMap/ci-spec');
    const patches = server.requests.filter((r) => r.method === 'PATCH' && r.query.dryRun === undefined);
    expect(patches.map((r) => r.path)).toContain(paths.sts);
    for (const w of patches) {
      expect(w.contentType).toBe('application/apply-patch+yaml');
      expect(w.query.fieldManager).toBe('jenkins-chatops');
      expect(w.query.force).toBeUndefined();
    }
    // The stored values are what the next deploy (from any bot replica) starts from.
    const spec = server.get('ConfigMap', 'jenkins', 'ci-spec')!;
    expect(spec.data['values.yaml']).toBe('name: ci\n');
    expect(spec.metadata.labels['jenkins-chatops.io/spec']).toBe('ci');
    expect(steps.map((s) => s.message)).toContain('created StatefulSet/ci');
  });

  it('an unchanged re-deploy says no changes and sends no changing request (only reads and dry runs), even after the controllers ran', async () => {
    const server = await strictServer({ version: '1.24' });
    const target = targetOn(server);
    await target.apply(bundle({ persistence: { mode: 'static', hostPath: '/data/jenkins' } }), values);
    await until(() => server.get('PersistentVolume', undefined, 'jenkins.ci-home-0')?.status?.phase === 'Bound', 'the volume to bind');
    server.clearRequests();

    const again = await target.apply(bundle({ persistence: { mode: 'static', hostPath: '/data/jenkins' } }), values);
    expect(again.plan.empty).toBe(true);
    expect(again.applied).toBe(false);
    expect(writes(server)).toEqual([]);
    // The bound volume is not even dry-run applied: on 1.24 its claimRef belongs to kube-controller-manager whole.
    expect(server.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).not.toContain(paths.pv(0));
  });

  it('diff names the changed fields from a server-side dry run against the live object', async () => {
    const server = await strictServer();
    const target = targetOn(server);
    await target.apply(bundle(), values);
    server.clearRequests();
    const plan = await target.diff(bundle({ agents: { containerCap: 25 } }));
    const cm = plan.changes.find((c) => c.name === 'ci-casc')!;
    expect(cm.action).toBe('update');
    expect(cm.fields.map((f) => f.path)).toEqual(expect.arrayContaining(['data["jenkins.yaml"]', 'metadata.annotations["jenkins-chatops.io/casc-revision"]']));
    expect(plan.changes.find((c) => c.kind === 'StatefulSet')!.action).toBe('unchanged');
    expect(writes(server)).toEqual([]);
  });

  it('dry run applies nothing', async () => {
    const server = await strictServer();
    const result = await targetOn(server).apply(bundle(), values, { dryRun: true });
    expect(result.applied).toBe(false);
    expect(result.plan.changes.filter((c) => c.kind !== 'Namespace').every((c) => c.action === 'create')).toBe(true);
    expect(writes(server)).toEqual([]);
    expect(server.get('StatefulSet', 'jenkins', 'ci')).toBeUndefined();
  });

  it('--force sends force=true and takes over a field another manager owns', async () => {
    const { server, target } = await scaledByKubectl();
    server.clearRequests();
    await target.apply(bundle({ controller: { replicas: 2 } }), values, { force: true });
    expect(server.requests.filter((r) => r.method === 'PATCH' && r.path === paths.sts).every((r) => r.query.force === 'true')).toBe(true);
    expect(server.get('StatefulSet', 'jenkins', 'ci')!.spec.replicas).toBe(2);
  });

  it('scaling up with static storage creates the new PersistentVolume before raising replicas', async () => {
    const server = await strictServer();
    const target = targetOn(server);
    const staticValues = { persistence: { mode: 'static', hostPath: '/data/jenkins' } };
    await target.apply(bundle(staticValues), values);
    server.clearRequests();
    await target.apply(bundle({ ...staticValues, controller: { replicas: 2 } }), values);
    const w = writes(server);
    expect(w.indexOf(`PATCH ${paths.pv(1)}`)).toBeGreaterThanOrEqual(0);
    expect(w.indexOf(`PATCH ${paths.pv(1)}`)).toBeLessThan(w.indexOf(`PATCH ${paths.sts}`));
    expect(server.get('StatefulSet', 'jenkins', 'ci')!.spec.replicas).toBe(2);
  });
});

describe('ClusterTarget refuses what Kubernetes cannot change, at plan time', () => {
  it.each([
    ['persistence.size', { persistence: { size: '20Gi' } }, '"10Gi" → "20Gi"'],
    ['persistence.storageClass', { persistence: { storageClass: 'fast' } }, '"(default class)" → "fast"'],
    ['persistence.accessMode', { persistence: { accessMode: 'ReadWriteMany' } }, '"ReadWriteOnce" → "ReadWriteMany"'],
    ['persistence.mode', { persistence: { mode: 'static', hostPath: '/data/jenkins' } }, '"dynamic" → "static"'],
  ])('%s: says what cannot change and how to migrate; nothing is sent', async (key, change, values_) => {
    const server = await strictServer();
    const target = targetOn(server);
    await target.apply(bundle(), values);
    server.clearRequests();
    const error = (await target.apply(bundle(change), values).catch((e: unknown) => e)) as ImmutableChangeError;
    expect(error).toBeInstanceOf(ImmutableChangeError);
    expect(error.message).toContain(`${key} (${values_}) cannot change on an existing instance; nothing was changed`);
    expect(error.message).toContain('kubectl -n jenkins delete statefulset ci --cascade=orphan');
    expect(error.message).not.toMatch(/422|Forbidden/);
    expect(writes(server)).toEqual([]);
    // Also refused for a preview (dry run): the user learns it before being asked to confirm.
    await expect(target.apply(bundle(change), values, { dryRun: true })).rejects.toBeInstanceOf(ImmutableChangeError);
  });

  it("a static volume's host path: a volume's source never changes", async () => {
    const server = await strictServer();
    const target = targetOn(server);
    await target.apply(bundle({ persistence: { mode: 'static', hostPath: '/data/jenkins' } }), values);
    const error = (await target.apply(bundle({ persistence: { mode: 'static', hostPath: '/srv/jenkins' } }), values).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ImmutableChangeError);
    expect(error.message).toContain('persistence.hostPath ("/data/jenkins/jenkins/ci-0" → "/srv/jenkins/jenkins/ci-0") cannot change');
    expect(error.message).toContain("A PersistentVolume's source is immutable");
  });

  it('an install whose claim is bound to a volume of the old naming keeps that volume (no second volume is made)', async () => {
    const server = await strictServer();
    const target = targetOn(server);
    // What an earlier release made: volume `ci-home-0`, pre-bound to the claim, folder /data/jenkins/ci-0.
    server.put({
      apiVersion: 'v1', kind: 'PersistentVolume',
      metadata: { name: 'ci-home-0', labels: { 'app.kubernetes.io/name': 'jenkins', 'app.kubernetes.io/instance': 'ci', 'app.kubernetes.io/managed-by': 'jenkins-chatops' } },
      spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'manual', claimRef: { namespace: 'jenkins', name: 'jenkins-home-ci-0' }, hostPath: { path: '/data/jenkins/ci-0', type: 'DirectoryOrCreate' } },
    });
    const staticValues = { persistence: { mode: 'static', hostPath: '/data/jenkins' } };
    const planOnly = bundle(staticValues);
    await target.apply({ ...planOnly, objects: planOnly.objects.filter((o) => o.object.kind !== 'PersistentVolume') }, values);
    await until(() => server.get('PersistentVolumeClaim', 'jenkins', 'jenkins-home-ci-0')?.status?.phase === 'Bound', 'the claim to bind to the old volume');

    const plan = await target.apply(bundle(staticValues), values);
    expect(plan.plan.changes.find((c) => c.kind === 'PersistentVolume')).toMatchObject({ name: 'jenkins.ci-home-0', action: 'unchanged' });
    expect(server.get('PersistentVolume', undefined, 'jenkins.ci-home-0')).toBeUndefined();
    expect(server.get('PersistentVolumeClaim', 'jenkins', 'jenkins-home-ci-0')!.spec.volumeName).toBe('ci-home-0');
  });
});

describe('ClusterTarget and namespaces it did not create', () => {
  it('never relabels an existing namespace: the plan shows it unchanged and nothing is sent to it', async () => {
    const server = await strictServer();
    server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    const result = await targetOn(server).apply(bundle(), values);
    expect(result.plan.changes[0]).toMatchObject({ kind: 'Namespace', action: 'unchanged' });
    expect(server.requests.filter((r) => r.path === paths.ns).map((r) => r.method)).toEqual(['GET']);
    expect(server.get('Namespace', undefined, 'jenkins')!.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(server.get('Namespace', undefined, 'jenkins')!.metadata.labels['app.kubernetes.io/managed-by']).toBeUndefined();
  });

  it('a namespace it may not create (403) is explained: who creates it and how', async () => {
    const server = await strictServer();
    server.fault({ verb: 'PATCH', path: paths.ns, status: 403, message: 'namespaces "jenkins" is forbidden: User "system:serviceaccount:jenkins-chatops:jenkins-chatops" cannot patch resource "namespaces"' });
    const error = (await targetOn(server).apply(bundle(), values).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/namespace jenkins does not exist and this bot may not create namespaces/);
    expect(error.message).toContain('kubectl apply -k deploy/namespaces/jenkins');
    expect(server.get('ConfigMap', 'jenkins', 'ci-casc')).toBeUndefined();
  });
});

describe('ClusterTarget errors', () => {
  it('403: names the verb and resource RBAC denied', async () => {
    const server = await strictServer();
    server.fault({ verb: 'GET', path: paths.sts, status: 403, message: 'statefulsets.apps "ci" is forbidden: User "system:serviceaccount:bots:chatops" cannot get resource "statefulsets" in API group "apps" in the namespace "jenkins"' });
    await expect(targetOn(server).apply(bundle(), values)).rejects.toThrow(/RBAC denied: the bot may not get statefulsets in namespace jenkins/);
  });

  it('409 apply conflict (a real one: kubectl scaled the StatefulSet): names the other field manager and does not force', async () => {
    const { server, target } = await scaledByKubectl();
    const error = await target.apply(bundle({ controller: { replicas: 2 } }), values).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/\.spec\.replicas.*owned by another field manager \("kubectl-scale"\).*--force/);
    expect(server.get('StatefulSet', 'jenkins', 'ci')!.spec.replicas).toBe(3);
  });

  it('422: shows the API message', async () => {
    const server = await strictServer();
    const target = targetOn(server);
    await target.apply(bundle(), values);
    server.fault({ verb: 'PATCH', path: paths.sts, status: 422, message: 'StatefulSet.apps "ci" is invalid: spec: Forbidden: updates to statefulset spec for fields other than \'replicas\' are forbidden', times: 10 });
    await expect(target.apply(bundle({ controller: { replicas: 2 } }), values)).rejects.toThrow(/refused StatefulSet\/ci in namespace jenkins as invalid \(422: StatefulSet\.apps "ci" is invalid: spec: Forbidden/);
  });

  it('429 with Retry-After is retried after the time the server asked for', async () => {
    const server = await strictServer();
    const sleeps: number[] = [];
    server.fault({ verb: 'GET', path: paths.sts, status: 429, retryAfterSeconds: 3 });
    const result = await targetOn(server, sleeps).apply(bundle(), values);
    expect(result.applied).toBe(true);
    expect(sleeps).toEqual([3000]);
  });

  it('500 and a reset connection are retried with backoff, then succeed', async () => {
    const server = await strictServer();
    const sleeps: number[] = [];
    server.fault({ verb: 'GET', path: paths.sts, status: 500, message: 'etcdserver: request timed out' });
    server.fault({ verb: 'GET', path: paths.sts, reset: true });
    await targetOn(server, sleeps).apply(bundle(), values);
    expect(sleeps).toEqual([125, 250]); // base 250 ms × 2^attempt × jitter 0.5
    expect(server.requests.filter((r) => r.path === paths.sts && r.method === 'GET' && r.query.watch === undefined).length).toBeGreaterThanOrEqual(3);
  });

  it('gives up after the bounded number of attempts and says what failed', async () => {
    const server = await strictServer();
    server.fault({ verb: 'GET', path: paths.sts, status: 503, message: 'the server is currently unable to handle the request', times: 5 });
    await expect(targetOn(server).apply(bundle(), values)).rejects.toThrow(/failed to get StatefulSet\/ci in namespace jenkins \(503: the server is currently unable/);
  });

  it('a connection that keeps resetting is reported as unreachable', async () => {
    const server = await strictServer();
    server.fault({ verb: 'GET', path: paths.sts, reset: true, times: 5 });
    await expect(targetOn(server).apply(bundle(), values)).rejects.toThrow(/cannot reach the Kubernetes API to get StatefulSet\/ci/);
  });
});

describe('ClusterTarget secrets', () => {
  it('creates the admin Secret once with a random password and never rotates it', async () => {
    const server = await strictServer();
    server.put(NAMESPACE);
    const target = targetOn(server);
    expect(await target.ensureAdminSecret(bundle())).toBe('created');
    const password = server.get('Secret', 'jenkins', 'ci-admin');
    expect(Buffer.from(password?.data?.['jenkins-admin-password'] ?? '', 'base64').toString().length).toBeGreaterThanOrEqual(20);
    expect(await target.ensureAdminSecret(bundle())).toBe('exists');
    expect(server.get('Secret', 'jenkins', 'ci-admin')!.data).toEqual(password!.data);
    expect(await target.readAdminPassword('ci', 'jenkins')).toMatchObject({ user: 'admin' });
  });

  it('creates the reload token Secret once, with a random token, labelled as the instance', async () => {
    const server = await strictServer();
    server.put(NAMESPACE);
    const target = targetOn(server);
    expect(await target.ensureReloadToken(bundle())).toBe('created');
    const created = server.get('Secret', 'jenkins', 'ci-casc-reload-token')!;
    expect(created.metadata.labels['app.kubernetes.io/instance']).toBe('ci');
    expect(Buffer.from(created.data.token, 'base64').toString()).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await target.ensureReloadToken(bundle())).toBe('exists');
    expect(server.requests.filter((r) => r.method === 'POST' && r.path === paths.secrets)).toHaveLength(1);
  });
});

describe('ClusterTarget.waitReady (real StatefulSet, binder, scheduler and kubelet)', () => {
  it('reports PVC bound, scheduled, started and ready, across cut watches', async () => {
    const server = await strictServer();
    const target = targetOn(server);
    await target.apply(bundle(), values);
    const cut = setInterval(() => server.closeWatches(), 15);
    const steps: Progress[] = [];
    const outcome = await target.waitReady(bundle(), { timeoutSeconds: 300, onProgress: (s) => steps.push(s) }).finally(() => clearInterval(cut));
    expect(outcome).toEqual({ status: 'ready', message: 'ci is ready: 1/1 controller(s) answering' });
    const firsts = [...new Set(steps.map((s) => s.phase))];
    expect(firsts).toEqual(['pvc-bound', 'pod-scheduled', 'container-started', 'ready', 'jenkins-answering']);
    expect(server.requests.filter((r) => r.query.watch === 'true').length).toBeGreaterThan(0);
  });

  it('fails on a crash loop with the last lines of the previous container log', async () => {
    const server = await strictServer({ images: { 'jenkins/jenkins:oom': { crash: { exitCode: 137, reason: 'OOMKilled' } } } });
    // The controller image also runs the plugin installer, the first container to start: that is the one that crashes.
    server.setLogs('jenkins', 'ci-0', 'install-plugins', 'Downloading plugins...\njava.lang.OutOfMemoryError: Java heap space\n', { previous: true });
    const target = targetOn(server);
    await target.apply(bundle({ controller: { image: 'jenkins/jenkins:oom' } }), values);
    const outcome = await target.waitReady(bundle({ controller: { image: 'jenkins/jenkins:oom' } }), { timeoutSeconds: 600 });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'crash-loop', logTail: ['Downloading plugins...', 'java.lang.OutOfMemoryError: Java heap space'] });
    expect(outcome.message).toMatch(/container install-plugins of ci-0 keeps crashing \(last exit code 137, OOMKilled: raise controller\.resources\.limits\.memory\)/);
    expect(server.requests.find((r) => r.path.endsWith('/log'))!.query).toMatchObject({ container: 'install-plugins', previous: 'true' });
  });

  it('fails on an image pull error naming the image', async () => {
    const server = await strictServer({ images: { 'jenkins/jenkins:nope': { pullFails: true } } });
    const target = targetOn(server);
    await target.apply(bundle({ controller: { image: 'jenkins/jenkins:nope' } }), values);
    const outcome = await target.waitReady(bundle({ controller: { image: 'jenkins/jenkins:nope' } }), { timeoutSeconds: 600 });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'image-pull' });
    expect(outcome.message).toMatch(/cannot pull image jenkins\/jenkins:nope: (ImagePullBackOff|ErrImagePull)/);
  });

  it('fails on an unschedulable pod with the scheduler message once the grace period passed', async () => {
    const server = await strictServer({ nodes: [{ name: 'node-1', memory: '1Gi' }] });
    const target = targetOn(server);
    const big = { controller: { resources: { requests: { memory: '2Gi' }, limits: { memory: '2Gi' } } } };
    await target.apply(bundle(big), values);
    const outcome = await target.waitReady(bundle(big), { timeoutSeconds: 600 });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'unschedulable' });
    expect(outcome.message).toContain('0/1 nodes are available: 1 Insufficient memory.');
  });

  it('fails on an unbound volume claim and says what to check', async () => {
    const server = await strictServer({ defaultStorageClass: false });
    const target = targetOn(server);
    await target.apply(bundle(), values);
    const outcome = await target.waitReady(bundle(), { timeoutSeconds: 600 });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'pvc-unbound' });
    expect(outcome.message).toMatch(/claim jenkins-home-ci-0 is Pending.*default StorageClass/);
  });

  it('times out saying what it still waits for', async () => {
    const server = await strictServer({ images: { 'jenkins/jenkins:slow': { neverReady: true } } });
    const target = targetOn(server);
    await target.apply(bundle({ controller: { image: 'jenkins/jenkins:slow' } }), values);
    const outcome = await target.waitReady(bundle({ controller: { image: 'jenkins/jenkins:slow' } }), { timeoutSeconds: 30 });
    expect(outcome.status).toBe('timed-out');
    expect(outcome.message).toMatch(/not ready after 30s; still waiting for: ci-0 to become ready/);
  });

  it('scale to 0 is ready once the pods are gone', async () => {
    const server = await strictServer();
    const target = targetOn(server);
    await target.apply(bundle(), values);
    await target.waitReady(bundle(), { timeoutSeconds: 300 });
    await target.apply(bundle({ controller: { replicas: 0 } }), values);
    const outcome = await target.waitReady(bundle({ controller: { replicas: 0 } }), { timeoutSeconds: 300 });
    expect(outcome).toEqual({ status: 'ready', message: 'ci is scaled to 0 (hibernating); its volumes and data are kept' });
    expect(server.list('Pod', 'jenkins').filter((p) => !p.metadata.deletionTimestamp)).toEqual([]);
  });
});

describe('ClusterTarget.waitCascReload', () => {
  async function deployed() {
    const server = await strictServer();
    const target = targetOn(server);
    await target.apply(bundle(), values);
    await target.waitReady(bundle(), { timeoutSeconds: 300 });
    const next = bundle({ agents: { containerCap: 25 } });
    await target.apply(next, values);
    const written = Date.parse(server.get('ConfigMap', 'jenkins', 'ci-casc')!.metadata.managedFields.find((f: { manager: string }) => f.manager === 'jenkins-chatops').time);
    const at = (ms: number) => new Date(written + ms).toISOString();
    return { server, target, next, at };
  }

  it('is done when the casc-reload sidecar logged a 200 from the reload endpoint after our apply', async () => {
    const { server, target, next, at } = await deployed();
    server.setLogs('jenkins', 'ci-0', 'casc-reload',
      `${at(-60_000)} {"level": "DEBUG", "msg": "POST request sent to http://localhost:8080/reload-configuration-as-code/?casc-reload-token=ci-0. Response: 401 Unauthorized "}\n` +
      `${at(2_000)} {"level": "DEBUG", "msg": "POST request sent to http://localhost:8080/reload-configuration-as-code/?casc-reload-token=ci-0. Response: 200 OK "}\n`);
    const steps: Progress[] = [];
    const outcome = await target.waitCascReload(next, { onProgress: (s) => steps.push(s) });
    expect(outcome).toEqual({ status: 'ready', message: `JCasC revision ${next.cascRevision} is live on 1 controller(s) of ci, no restart` });
    expect(steps).toEqual([{ phase: 'casc-reloaded', object: 'Pod/ci-0', message: `ci-0 loaded JCasC revision ${next.cascRevision} without a restart` }]);
    expect(server.requests.find((r) => r.path.endsWith('/log'))!.query).toMatchObject({ container: 'casc-reload', timestamps: 'true' });
  });

  it('fails with the reason when Jenkins refused the reload', async () => {
    const { server, target, next, at } = await deployed();
    server.setLogs('jenkins', 'ci-0', 'casc-reload', `${at(2_000)} POST request sent to http://localhost:8080/reload-configuration-as-code/?casc-reload-token=ci-0. Response: 404 Not Found\n`);
    const outcome = await target.waitCascReload(next);
    expect(outcome).toMatchObject({ status: 'failed' });
    expect(outcome.message).toMatch(/no reload endpoint \(404\): CASC_RELOAD_TOKEN/);
  });

  it('never quotes the reload token from the sidecar log', async () => {
    const { server, target, next, at } = await deployed();
    server.setLogs('jenkins', 'ci-0', 'casc-reload', `${at(2_000)} POST request sent to http://localhost:8080/reload-configuration-as-code/?casc-reload-token=Zm9vYmFy-s3cr3t_Tok. Response: 401 Unauthorized\n`);
    const outcome = await target.waitCascReload(next);
    expect(outcome).toMatchObject({ status: 'failed' });
    expect(outcome.message).toContain('casc-reload-token=<redacted>');
    expect(outcome.message).not.toContain('s3cr3t');
  });
});

describe('ClusterTarget.delete', () => {
  const staticValues = { persistence: { mode: 'static', hostPath: '/data/jenkins' } };

  async function running(extra = staticValues) {
    const server = await strictServer();
    const target = targetOn(server);
    await target.apply(bundle(extra), { name: 'ci', ...extra });
    await target.ensureAdminSecret(bundle(extra));
    await target.waitReady(bundle(extra), { timeoutSeconds: 300 });
    return { server, target };
  }

  it('removes the instance but keeps the claims, volumes, the admin Secret, the stored values and the namespace', async () => {
    const { server, target } = await running();
    const result = await target.delete(bundle(staticValues), { purge: false });
    expect(result.deleted).toEqual(expect.arrayContaining(['StatefulSet/ci', 'Service/ci', 'ConfigMap/ci-casc']));
    expect(result.deleted).not.toContain('ConfigMap/ci-spec');
    expect(result.kept).toEqual(expect.arrayContaining(['Namespace/jenkins', 'PersistentVolumeClaim/jenkins-home-ci-0', 'PersistentVolume/jenkins.ci-home-0', 'Secret/ci-admin']));
    expect(result.kept.some((k) => k.startsWith('ConfigMap/ci-spec'))).toBe(true);
    expect(server.get('PersistentVolumeClaim', 'jenkins', 'jenkins-home-ci-0')).toBeDefined();
    // The values stay: any bot replica still knows the instance, so deploy brings it back and --purge finds it.
    expect(await target.loadValues('ci', 'jenkins')).toEqual({ name: 'ci', ...staticValues });
  });

  it('--purge removes claims and volumes of every ordinal ever used, the admin Secret and the values; hostPath data is named', async () => {
    const { server, target } = await running();
    await target.apply(bundle({ ...staticValues, controller: { replicas: 2 } }), values);
    await target.waitReady(bundle({ ...staticValues, controller: { replicas: 2 } }), { timeoutSeconds: 300 });
    await target.apply(bundle(staticValues), values); // back to 1: ordinal 1's claim and volume stay, not in the bundle
    const result = await target.delete(bundle(staticValues), { purge: true });
    expect(result.deleted).toEqual(expect.arrayContaining([
      'PersistentVolumeClaim/jenkins-home-ci-0', 'PersistentVolumeClaim/jenkins-home-ci-1', 'Secret/ci-admin', 'ConfigMap/ci-spec',
      'PersistentVolume/jenkins.ci-home-0', 'PersistentVolume/jenkins.ci-home-1',
    ]));
    expect(result.kept).toEqual(expect.arrayContaining(['hostPath data /data/jenkins/jenkins/ci-0 on node node-1']));
    await until(() => server.list('PersistentVolume').length === 0 && server.list('PersistentVolumeClaim', 'jenkins').length === 0, 'the volumes to go');
  });

  it("--purge of ci leaves everything of ci-dev (a name sharing the prefix) and of ci in another namespace", async () => {
    const server = await strictServer();
    const target = targetOn(server);
    for (const [name, namespace] of [['ci', 'jenkins'], ['ci-dev', 'jenkins'], ['ci', 'other']] as const) {
      const b = render2(name, namespace);
      await target.apply(b, { name, namespace, ...staticValues });
    }
    await until(() => server.list('PersistentVolumeClaim').filter((c) => c.status?.phase === 'Bound').length === 3, 'three bound claims');
    await target.delete(render2('ci', 'jenkins'), { purge: true });
    await until(() => server.list('PersistentVolumeClaim').length === 2 && server.list('PersistentVolume').length === 2, 'the purged claim and volume to go');
    expect(server.list('PersistentVolumeClaim').map((c) => `${c.metadata.namespace}/${c.metadata.name}`).sort()).toEqual(['jenkins/jenkins-home-ci-dev-0', 'other/jenkins-home-ci-0']);
    expect(server.list('PersistentVolume').map((v) => v.metadata.name).sort()).toEqual(['jenkins.ci-dev-home-0', 'other.ci-home-0']);
    expect(server.get('StatefulSet', 'jenkins', 'ci-dev')).toBeDefined();
    expect(server.get('ConfigMap', 'other', 'ci-spec')).toBeDefined();
  });

  function render2(name: string, namespace: string) {
    return render({ name, namespace, ...staticValues });
  }
});

describe('ClusterTarget.withLock (Lease)', () => {
  const lease = (server: { now(): Date }, holder: string, renewOffsetMs = 0, resourceVersion?: string) => {
    const at = new Date(server.now().getTime() + renewOffsetMs).toISOString().replace('Z', '000Z').replace(/\.(\d{3})000000Z$/, '.$1000Z');
    return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'ci-lock', namespace: 'jenkins', ...(resourceVersion ? { resourceVersion } : {}) }, spec: { holderIdentity: holder, leaseDurationSeconds: 30, acquireTime: at, renewTime: at } };
  };
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins' } };

  it('takes the Lease, runs, and releases it', async () => {
    const server = await strictServer();
    server.put(ns);
    const value = await targetOn(server).withLock('ci', 'jenkins', 'U123@bot-1', async () => {
      expect(server.get('Lease', 'jenkins', 'ci-lock')!.spec.holderIdentity).toBe('U123@bot-1');
      return 42;
    });
    expect(value).toBe(42);
    expect(server.get('Lease', 'jenkins', 'ci-lock')).toBeUndefined();
  });

  it('a second caller is told who is busy', async () => {
    const server = await strictServer();
    server.put(ns);
    server.put(lease(server, 'U999@bot-2'));
    const error = await targetOn(server).withLock('ci', 'jenkins', 'U123@bot-1', async () => 1).catch((e: Error) => e);
    expect(error).toBeInstanceOf(BusyError);
    expect((error as Error).message).toMatch(/instance ci is busy: U999@bot-2 is running an operation/);
  });

  it('a second operation of the same user on the same bot is busy too (the holder names them both)', async () => {
    const server = await strictServer();
    server.put(ns);
    const target = targetOn(server);
    const error = await target.withLock('ci', 'jenkins', 'U1@bot-1', () =>
      target.withLock('ci', 'jenkins', 'U1@bot-1', async () => 'ran twice').catch((e: Error) => e));
    expect(error).toBeInstanceOf(BusyError);
  });

  it('a dead holder (nothing renews it) is taken over once the lease stayed unchanged for a lease duration by our clock', async () => {
    const server = await strictServer();
    server.put(ns);
    server.put(lease(server, 'dead@bot-0', -10 * 60_000));
    const target = targetOn(server, [], { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / 50)) });
    expect(await target.withLock('ci', 'jenkins', 'U1@bot-1', async () => 'ran')).toBe('ran');
    expect(server.requests.some((r) => r.method === 'PUT' && r.path === paths.lease)).toBe(true);
  });

  it("a live holder whose clock is behind ours (its renewTime looks old) is not taken over: it keeps renewing", async () => {
    const server = await strictServer();
    server.put(ns);
    server.put(lease(server, 'skewed@bot-2', -10 * 60_000));
    // The holder renews every few simulated seconds, writing its own (10 minutes slow) clock.
    const renew = setInterval(() => server.put(lease(server, 'skewed@bot-2', -10 * 60_000)), 40);
    const target = targetOn(server, [], { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / 50)) });
    const error = await target.withLock('ci', 'jenkins', 'U1@bot-1', async () => 'ran').catch((e: Error) => e).finally(() => clearInterval(renew));
    expect(error).toBeInstanceOf(BusyError);
    expect(server.get('Lease', 'jenkins', 'ci-lock')!.spec.holderIdentity).toBe('skewed@bot-2');
  });

  it("a dead holder whose clock was ahead of ours (its renewTime is in our future) is taken over after one lease duration unchanged", async () => {
    const server = await strictServer();
    server.put(ns);
    server.put(lease(server, 'ahead@bot-3', 10 * 60_000));
    const target = targetOn(server);
    await expect(target.withLock('ci', 'jenkins', 'U1@bot-1', async () => 'ran')).rejects.toBeInstanceOf(BusyError);
    const since = server.now().getTime();
    await until(() => server.now().getTime() - since > 31_000, 'one lease duration on the cluster clock');
    expect(await target.withLock('ci', 'jenkins', 'U1@bot-1', async () => 'ran')).toBe('ran');
  });

  it('a renewal that fails stops the operation and says so; the lease is not released as if it were ours', async () => {
    const server = await strictServer();
    server.put(ns);
    const target = targetOn(server, [], { leaseSeconds: 3 });
    let aborted = false;
    const error = await target.withLock('ci', 'jenkins', 'U1@bot-1', async (signal) => {
      server.fault({ verb: 'PUT', path: paths.lease, status: 503, times: Infinity });
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => { aborted = true; resolve(); }));
      return 'finished';
    }).catch((e: Error) => e);
    server.clearFaults();
    expect(aborted).toBe(true);
    expect(error).toBeInstanceOf(LockLostError);
    expect((error as Error).message).toMatch(/the operation on ci was stopped: it lost its lock \(Lease jenkins\/ci-lock\) — renewing it failed: .*503/);
    expect(server.requests.some((r) => r.method === 'DELETE' && r.path === paths.lease)).toBe(false);
  }, 15_000);

  it('creates the namespace first when the instance is new', async () => {
    const server = await strictServer();
    await targetOn(server).withLock('ci', 'jenkins', 'U1@bot-1', async () => undefined);
    // The lease's create fails (404: no namespace), the namespace is created, the lease's create is repeated.
    expect(writes(server).slice(0, 3)).toEqual([`POST ${paths.leases}`, `PATCH ${paths.ns}`, `POST ${paths.leases}`]);
    // Created as the renderer writes it: an existing namespace is never relabelled later, so the labels come now.
    expect(server.get('Namespace', undefined, 'jenkins')!.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'baseline', 'app.kubernetes.io/managed-by': 'jenkins-chatops' });
  });
});

describe('ClusterTarget.status', () => {
  it('shows replicas, pods, volumes, the NodePort URL on node addresses, this instance’s agents and the live JCasC revision', async () => {
    const server = await strictServer();
    const target = targetOn(server);
    const b = bundle({ service: { type: 'NodePort', nodePort: 30080 } });
    await target.apply(b, { name: 'ci', namespace: 'jenkins', service: { type: 'NodePort', nodePort: 30080 } });
    await target.waitReady(b, { timeoutSeconds: 300 });
    const agent = (name: string, instance: string, nodeSelector?: Record<string, string>) => ({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name, namespace: 'jenkins', labels: { 'jenkins/label': 'jnlp', 'jenkins-chatops.io/instance': instance } },
      spec: { containers: [{ name: 'jnlp', image: 'jenkins/inbound-agent' }], ...(nodeSelector ? { nodeSelector } : {}) },
    });
    server.put(agent('agent-1', 'ci', { disk: 'none-has-it' }));
    server.put(agent('agent-2', 'other')); // another instance's agent in the same namespace is not counted
    await until(() => server.get('Pod', 'jenkins', 'agent-2')?.status?.phase === 'Running', 'the other agent to run');
    const s = await target.status('ci', 'jenkins');
    expect(s).toMatchObject({
      exists: true,
      replicas: { desired: 1, ready: 1 },
      controllers: [{ name: 'ci-0', phase: 'Running', ready: true, restarts: 0, node: 'node-1' }],
      volumes: [{ claim: 'jenkins-home-ci-0', phase: 'Bound' }],
      urls: ['http://172.18.0.2:30080/', 'http://ci.jenkins.svc.cluster.local:8080/'],
      agents: { running: 0, pending: 1 },
      casc: { desired: b.cascRevision, live: b.cascRevision },
    });
  });
});
