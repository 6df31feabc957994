import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { ClusterTarget } from '../../src/targets/cluster/cluster-target.js';
import { BusyError, type Progress } from '../../src/operations/target.js';
import { FakeApi, kubeConfig, status } from '../fixtures/kube/fake-api.js';
import { bundleOf, cascConfigMap, claim, liveStatefulSet, namespace, paths, pod, service, statefulSet, volume } from '../fixtures/kube/bundles.js';

afterEach(() => { nock.cleanAll(); });
afterAll(() => { nock.cleanAll(); nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/); nock.restore(); });

const sleeps: number[] = [];
function target(extra: { now?: () => number; graceMs?: number } = {}) {
  return new ClusterTarget(kubeConfig(), {
    retry: { sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.5 },
    pollMs: 5, graceMs: extra.graceMs ?? 0, leaseSeconds: 30, now: extra.now,
  });
}
const values = { name: 'ci' };

describe('ClusterTarget.apply (server-side apply)', () => {
  it('creates every object in order with PATCH application/apply-patch+yaml and fieldManager jenkins-chatops, never forced', async () => {
    const api = new FakeApi();
    const bundle = bundleOf([namespace(), cascConfigMap(), statefulSet()]);
    const steps: Progress[] = [];
    const result = await target().apply(bundle, values, { onProgress: (s) => steps.push(s) });

    expect(result.applied).toBe(true);
    expect(result.plan.changes.map((c) => `${c.action} ${c.kind}/${c.name}`)).toEqual([
      'create Namespace/jenkins', 'create ConfigMap/ci-casc', 'create StatefulSet/ci', 'create ConfigMap/ci-spec',
    ]);
    const writes = api.changing();
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH ${paths.ns}`, `PATCH ${paths.casc}`, `PATCH ${paths.sts}`, `PATCH ${paths.spec}`,
    ]);
    for (const w of writes) {
      expect(w.contentType).toBe('application/apply-patch+yaml');
      expect(w.query.fieldManager).toBe('jenkins-chatops');
      expect(w.query.force).toBeUndefined();
    }
    // The stored values are what the next deploy (from any bot replica) starts from.
    expect(api.objects.get(paths.spec)!.data['values.yaml']).toBe('name: ci\n');
    expect(api.objects.get(paths.spec)!.metadata.labels['jenkins-chatops.io/spec']).toBe('ci');
    expect(steps.map((s) => s.message)).toContain('created StatefulSet/ci');
  });

  it('an unchanged re-deploy says no changes and sends no changing request (only reads and dry runs)', async () => {
    const api = new FakeApi();
    const bundle = bundleOf([namespace(), cascConfigMap(), statefulSet()]);
    await target().apply(bundle, values);
    api.requests.length = 0;

    const again = await target().apply(bundle, values);
    expect(again.plan.empty).toBe(true);
    expect(again.applied).toBe(false);
    expect(api.changing()).toEqual([]);
    expect(api.requests.filter((r) => r.method === 'PATCH').every((r) => r.query.dryRun === 'All')).toBe(true);
  });

  it('diff names the changed fields from a server-side dry run against the live object', async () => {
    const api = new FakeApi();
    await target().apply(bundleOf([cascConfigMap('rev1', 10), statefulSet(1)]), values);
    api.requests.length = 0;
    const plan = await target().diff(bundleOf([cascConfigMap('rev2', 20), statefulSet(1)]));
    const cm = plan.changes.find((c) => c.name === 'ci-casc')!;
    expect(cm.action).toBe('update');
    expect(cm.fields.map((f) => f.path)).toEqual(expect.arrayContaining(['data["jenkins.yaml"]', 'metadata.annotations["jenkins-chatops.io/casc-revision"]']));
    expect(plan.changes.find((c) => c.kind === 'StatefulSet')!.action).toBe('unchanged');
    expect(api.changing()).toEqual([]);
  });

  it('dry run applies nothing', async () => {
    const api = new FakeApi();
    const result = await target().apply(bundleOf([namespace(), statefulSet()]), values, { dryRun: true });
    expect(result.applied).toBe(false);
    expect(result.plan.changes.every((c) => c.action === 'create')).toBe(true);
    expect(api.changing()).toEqual([]);
  });

  it('--force sends force=true', async () => {
    const api = new FakeApi();
    await target().apply(bundleOf([statefulSet()]), values, { force: true });
    expect(api.changing().every((r) => r.query.force === 'true')).toBe(true);
  });

  it('scaling up with static storage creates the new PersistentVolume before raising replicas', async () => {
    const api = new FakeApi();
    await target().apply(bundleOf([volume(0), statefulSet(1)], { static: true }), values);
    api.requests.length = 0;
    await target().apply(bundleOf([volume(0), volume(1), statefulSet(2)], { static: true, replicas: 2 }), values);
    expect(api.changing().map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH ${paths.pv(1)}`, `PATCH ${paths.sts}`]);
    expect((api.objects.get(paths.sts)!.spec as { replicas: number }).replicas).toBe(2);
  });
});

describe('ClusterTarget and namespaces it did not create', () => {
  it('never relabels an existing namespace: the plan shows it unchanged and nothing is sent to it', async () => {
    const api = new FakeApi();
    api.put(paths.ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    const result = await target().apply(bundleOf([namespace(), cascConfigMap()]), values);
    expect(result.plan.changes[0]).toMatchObject({ kind: 'Namespace', action: 'unchanged' });
    expect(api.requests.filter((r) => r.path === paths.ns).map((r) => r.method)).toEqual(['GET']);
    expect(api.objects.get(paths.ns)!.metadata.labels).toEqual({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  it('a namespace it may not create (403) is explained: who creates it and how', async () => {
    const api = new FakeApi();
    api.fail('PATCH', paths.ns, { status: 403, body: status(403, 'Forbidden', 'namespaces "jenkins" is forbidden: User "system:serviceaccount:jenkins-chatops:jenkins-chatops" cannot patch resource "namespaces"') });
    const error = (await target().apply(bundleOf([namespace(), cascConfigMap()]), values).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/namespace jenkins does not exist and this bot may not create namespaces/);
    expect(error.message).toContain('kubectl apply -k deploy/namespaces/jenkins');
    expect(api.objects.has(paths.casc)).toBe(false);
  });
});

describe('ClusterTarget errors', () => {
  it('403: names the verb and resource RBAC denied', async () => {
    const api = new FakeApi();
    api.fail('GET', paths.sts, { status: 403, body: status(403, 'Forbidden', 'statefulsets.apps "ci" is forbidden: User "system:serviceaccount:bots:chatops" cannot get resource "statefulsets" in API group "apps" in the namespace "jenkins"') });
    await expect(target().apply(bundleOf([statefulSet()]), values)).rejects.toThrow(/RBAC denied: the bot may not get statefulsets in namespace jenkins/);
  });

  it('409 apply conflict: names the other field manager and does not force', async () => {
    const api = new FakeApi();
    await target().apply(bundleOf([statefulSet(1)]), values);
    api.fail('PATCH', paths.sts, { status: 409, body: status(409, 'Conflict', 'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas', { details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-scale" using apps/v1', field: '.spec.replicas' }] } }) });
    const error = await target().apply(bundleOf([statefulSet(3)]), values).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/\.spec\.replicas.*owned by another field manager \("kubectl-scale"\).*--force/);
  });

  it('422: shows the API message', async () => {
    const api = new FakeApi();
    await target().apply(bundleOf([statefulSet(1)]), values);
    api.fail('PATCH', paths.sts, { status: 422, body: status(422, 'Invalid', 'StatefulSet.apps "ci" is invalid: spec: Forbidden: updates to statefulset spec for fields other than \'replicas\' are forbidden') });
    await expect(target().apply(bundleOf([statefulSet(2)]), values)).rejects.toThrow(/refused StatefulSet\/ci in namespace jenkins as invalid \(422: StatefulSet\.apps "ci" is invalid: spec: Forbidden/);
  });

  it('429 with Retry-After is retried after the time the server asked for', async () => {
    const api = new FakeApi();
    sleeps.length = 0;
    api.fail('GET', paths.sts, { status: 429, body: status(429, 'TooManyRequests', 'too many requests'), headers: { 'retry-after': '3' } });
    const result = await target().apply(bundleOf([statefulSet()]), values);
    expect(result.applied).toBe(true);
    expect(sleeps).toEqual([3000]);
  });

  it('500 and a reset connection are retried with backoff, then succeed', async () => {
    const api = new FakeApi();
    sleeps.length = 0;
    api.fail('GET', paths.sts, { status: 500, body: status(500, 'InternalError', 'etcdserver: request timed out') }, { error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    await target().apply(bundleOf([statefulSet()]), values);
    expect(sleeps).toEqual([125, 250]); // base 250 ms × 2^attempt × jitter 0.5
    expect(api.requests.filter((r) => r.path === paths.sts && r.method === 'GET')).toHaveLength(3);
  });

  it('gives up after the bounded number of attempts and says what failed', async () => {
    const api = new FakeApi();
    const fault = { status: 503, body: status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request') };
    api.fail('GET', paths.sts, fault, fault, fault, fault, fault);
    await expect(target().apply(bundleOf([statefulSet()]), values)).rejects.toThrow(/failed to get StatefulSet\/ci in namespace jenkins \(503: the server is currently unable/);
  });

  it('a connection that keeps resetting is reported as unreachable', async () => {
    const api = new FakeApi();
    const reset = { error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) };
    api.fail('GET', paths.sts, reset, reset, reset, reset, reset);
    await expect(target().apply(bundleOf([statefulSet()]), values)).rejects.toThrow(/cannot reach the Kubernetes API to get StatefulSet\/ci.*ECONNRESET/);
  });
});

describe('ClusterTarget.ensureAdminSecret', () => {
  it('creates the Secret once with a random password and never rotates it', async () => {
    const api = new FakeApi();
    const bundle = bundleOf([statefulSet()]);
    expect(await target().ensureAdminSecret(bundle)).toBe('created');
    const created = api.requests.find((r) => r.method === 'POST')!;
    expect(created.path).toBe('/api/v1/namespaces/jenkins/secrets');
    const password = (created.body as { stringData: Record<string, string> }).stringData['jenkins-admin-password']!;
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(await target().ensureAdminSecret(bundle)).toBe('exists');
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});

describe('ClusterTarget.ensureReloadToken', () => {
  it('creates the reload token Secret once, with a random token, labelled as the instance', async () => {
    const api = new FakeApi();
    const bundle = bundleOf([statefulSet()]);
    expect(await target().ensureReloadToken(bundle)).toBe('created');
    const created = api.requests.find((r) => r.method === 'POST')!.body as { metadata: { name: string; labels: Record<string, string> }; stringData: { token: string } };
    expect(created.metadata.name).toBe('ci-casc-reload-token');
    expect(created.metadata.labels['app.kubernetes.io/instance']).toBe('ci');
    expect(created.stringData.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await target().ensureReloadToken(bundle)).toBe('exists');
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});

describe('ClusterTarget.waitReady', () => {
  const bundle = bundleOf([statefulSet()]);

  it('reports PVC bound, scheduled, started and ready, across a cut watch', async () => {
    const api = new FakeApi();
    api.watchMode = 'cut';
    api.put(paths.sts, liveStatefulSet(1, 0));
    api.put(paths.pvc(0), claim(0, 'Pending'));
    api.put(paths.pod(0), pod(0, 'creating'));
    let lists = 0;
    api.hooks.set('GET /api/v1/namespaces/jenkins/pods', () => {
      if (++lists === 2) {
        api.put(paths.pvc(0), claim(0, 'Bound'));
        api.put(paths.pod(0), pod(0, 'ready'));
        api.put(paths.sts, liveStatefulSet(1, 1));
      }
    });
    const steps: Progress[] = [];
    const outcome = await target().waitReady(bundle, { timeoutSeconds: 30, onProgress: (s) => steps.push(s) });
    expect(outcome).toEqual({ status: 'ready', message: 'ci is ready: 1/1 controller(s) answering' });
    expect(steps.map((s) => s.phase)).toEqual(['pod-scheduled', 'pvc-bound', 'container-started', 'ready', 'jenkins-answering']);
    expect(api.requests.some((r) => r.query.watch === 'true')).toBe(true);
  });

  it('fails on a crash loop with the last lines of the previous container log', async () => {
    const api = new FakeApi();
    api.put(paths.sts, liveStatefulSet(1, 0));
    api.put(paths.pod(0), pod(0, 'crash'));
    api.logs.set('/api/v1/namespaces/jenkins/pods/ci-0/log?previous', 'Running from: /usr/share/jenkins/jenkins.war\njava.lang.OutOfMemoryError: Java heap space\n');
    const outcome = await target().waitReady(bundle, { timeoutSeconds: 30 });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'crash-loop', logTail: ['Running from: /usr/share/jenkins/jenkins.war', 'java.lang.OutOfMemoryError: Java heap space'] });
    expect(outcome.message).toMatch(/keeps crashing \(last exit code 137, OOMKilled: raise controller\.resources\.limits\.memory\)/);
    const logRead = api.requests.find((r) => r.path.endsWith('/log'))!;
    expect(logRead.query).toMatchObject({ container: 'jenkins', previous: 'true' });
  });

  it('fails on an image pull error naming the image', async () => {
    const api = new FakeApi();
    api.put(paths.sts, liveStatefulSet(1, 0));
    api.put(paths.pod(0), pod(0, 'pull'));
    const outcome = await target().waitReady(bundle, { timeoutSeconds: 30 });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'image-pull' });
    expect(outcome.message).toMatch(/cannot pull image jenkins\/jenkins:lts-jdk21: ImagePullBackOff/);
  });

  it('fails on an unschedulable pod with the scheduler message once the grace period passed', async () => {
    const api = new FakeApi();
    api.put(paths.sts, liveStatefulSet(1, 0));
    api.put(paths.pod(0), pod(0, 'unschedulable'));
    const outcome = await target().waitReady(bundle, { timeoutSeconds: 30 });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'unschedulable' });
    expect(outcome.message).toContain('0/3 nodes are available: 3 Insufficient memory.');
  });

  it('fails on an unbound volume claim and says what to check', async () => {
    const api = new FakeApi();
    api.put(paths.sts, liveStatefulSet(1, 0));
    api.put(paths.pvc(0), claim(0, 'Pending'));
    api.put(paths.pod(0), pod(0, 'unbound'));
    const outcome = await target().waitReady(bundle, { timeoutSeconds: 30 });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'pvc-unbound' });
    expect(outcome.message).toMatch(/claim jenkins-home-ci-0 is Pending.*default StorageClass/);
  });

  it('times out saying what it still waits for', async () => {
    const api = new FakeApi();
    let clock = 0;
    api.put(paths.sts, liveStatefulSet(1, 0));
    api.put(paths.pod(0), pod(0, 'creating'));
    api.hooks.set('GET /api/v1/namespaces/jenkins/pods', () => { clock += 20_000; });
    const outcome = await target({ now: () => clock }).waitReady(bundle, { timeoutSeconds: 30 });
    expect(outcome.status).toBe('timed-out');
    expect(outcome.message).toMatch(/not ready after 30s; still waiting for: ci-0 to become ready \(ContainerCreating\)/);
  });

  it('scale to 0 is ready once the pods are gone', async () => {
    const api = new FakeApi();
    api.put(paths.sts, liveStatefulSet(0, 0));
    const outcome = await target().waitReady(bundleOf([statefulSet(0)], { replicas: 0 }), { timeoutSeconds: 30 });
    expect(outcome).toEqual({ status: 'ready', message: 'ci is scaled to 0 (hibernating); its volumes and data are kept' });
  });
});

describe('ClusterTarget.waitCascReload', () => {
  it('is done when the casc-reload sidecar logged a 200 from the reload endpoint after our apply', async () => {
    const api = new FakeApi(() => Date.parse('2024-05-01T10:00:00Z'));
    await target({ now: () => Date.parse('2024-05-01T10:00:05Z') }).apply(bundleOf([cascConfigMap('rev2', 20)], { cascRevision: 'rev2' }), values);
    api.put(paths.pod(0), pod(0, 'ready', '2024-04-30T08:00:00Z'));
    api.logs.set('/api/v1/namespaces/jenkins/pods/ci-0/log',
      '2024-05-01T09:59:00.000000000Z {"level": "DEBUG", "msg": "POST request sent to http://localhost:8080/reload-configuration-as-code/?casc-reload-token=ci-0. Response: 401 Unauthorized "}\n' +
      '2024-05-01T10:00:02.120000000Z {"level": "DEBUG", "msg": "POST request sent to http://localhost:8080/reload-configuration-as-code/?casc-reload-token=ci-0. Response: 200 OK "}\n');
    const steps: Progress[] = [];
    const outcome = await target({ now: () => Date.parse('2024-05-01T10:00:05Z') }).waitCascReload(bundleOf([], { cascRevision: 'rev2' }), { onProgress: (s) => steps.push(s) });
    expect(outcome).toEqual({ status: 'ready', message: 'JCasC revision rev2 is live on 1 controller(s) of ci, no restart' });
    expect(steps).toEqual([{ phase: 'casc-reloaded', object: 'Pod/ci-0', message: 'ci-0 loaded JCasC revision rev2 without a restart' }]);
    expect(api.requests.find((r) => r.path.endsWith('/log'))!.query).toMatchObject({ container: 'casc-reload', timestamps: 'true' });
  });

  it('fails with the reason when Jenkins refused the reload', async () => {
    const api = new FakeApi(() => Date.parse('2024-05-01T10:00:00Z'));
    await target().apply(bundleOf([cascConfigMap('rev2')], { cascRevision: 'rev2' }), values);
    api.put(paths.pod(0), pod(0, 'ready', '2024-04-30T08:00:00Z'));
    api.logs.set('/api/v1/namespaces/jenkins/pods/ci-0/log', '2024-05-01T10:00:02Z POST request sent to http://localhost:8080/reload-configuration-as-code/?casc-reload-token=ci-0. Response: 404 Not Found\n');
    const outcome = await target({ now: () => Date.parse('2024-05-01T10:00:05Z') }).waitCascReload(bundleOf([], { cascRevision: 'rev2' }));
    expect(outcome).toMatchObject({ status: 'failed' });
    expect(outcome.message).toMatch(/no reload endpoint \(404\): CASC_RELOAD_TOKEN/);
  });

  it('never quotes the reload token from the sidecar log', async () => {
    const api = new FakeApi(() => Date.parse('2024-05-01T10:00:00Z'));
    await target().apply(bundleOf([cascConfigMap('rev2')], { cascRevision: 'rev2' }), values);
    api.put(paths.pod(0), pod(0, 'ready', '2024-04-30T08:00:00Z'));
    api.logs.set('/api/v1/namespaces/jenkins/pods/ci-0/log', '2024-05-01T10:00:02Z POST request sent to http://localhost:8080/reload-configuration-as-code/?casc-reload-token=Zm9vYmFy-s3cr3t_Tok. Response: 401 Unauthorized\n');
    const outcome = await target({ now: () => Date.parse('2024-05-01T10:00:05Z') }).waitCascReload(bundleOf([], { cascRevision: 'rev2' }));
    expect(outcome).toMatchObject({ status: 'failed' });
    expect(outcome.message).toContain('casc-reload-token=<redacted>');
    expect(outcome.message).not.toContain('s3cr3t');
  });
});

describe('ClusterTarget.delete', () => {
  it('removes the instance but keeps volume claims, PersistentVolumes, the admin Secret and the namespace', async () => {
    const api = new FakeApi();
    const bundle = bundleOf([namespace(), volume(0), cascConfigMap(), service(), statefulSet()], { static: true });
    await target().apply(bundle, values);
    api.put(paths.pvc(0), claim(0, 'Bound'));
    api.put(paths.secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ci-admin', namespace: 'jenkins' } });
    const result = await target().delete(bundle, { purge: false });
    expect(result.deleted).toEqual(['ConfigMap/ci-spec', 'StatefulSet/ci', 'Service/ci', 'ConfigMap/ci-casc']);
    expect(result.kept).toEqual(['PersistentVolume/ci-home-0', 'Namespace/jenkins', 'PersistentVolumeClaim/jenkins-home-ci-0', 'Secret/ci-admin']);
    expect(api.objects.has(paths.pvc(0))).toBe(true);
    expect(api.objects.has(paths.pv(0))).toBe(true);
  });

  it('--purge also removes claims, volumes and the admin Secret', async () => {
    const api = new FakeApi();
    const bundle = bundleOf([volume(0), statefulSet()], { static: true });
    await target().apply(bundle, values);
    api.put(paths.pvc(0), claim(0, 'Bound'));
    api.put(paths.secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ci-admin', namespace: 'jenkins' } });
    const result = await target().delete(bundle, { purge: true });
    expect(result.deleted).toEqual(expect.arrayContaining(['PersistentVolumeClaim/jenkins-home-ci-0', 'Secret/ci-admin', 'PersistentVolume/ci-home-0']));
    expect(api.objects.has(paths.pvc(0)) || api.objects.has(paths.pv(0))).toBe(false);
  });

  it("--purge of ci leaves the claims of an instance whose name starts the same (ci-dev)", async () => {
    const api = new FakeApi();
    const bundle = bundleOf([statefulSet()], { static: true });
    await target().apply(bundle, values);
    api.put(paths.pvc(0), claim(0, 'Bound'));
    const other = `/api/v1/namespaces/jenkins/persistentvolumeclaims/jenkins-home-ci-dev-0`;
    api.put(other, { ...claim(0, 'Bound'), metadata: { name: 'jenkins-home-ci-dev-0', namespace: 'jenkins' } });
    const result = await target().delete(bundle, { purge: true });
    expect(result.deleted).toContain('PersistentVolumeClaim/jenkins-home-ci-0');
    expect(result.deleted).not.toContain('PersistentVolumeClaim/jenkins-home-ci-dev-0');
    expect(api.objects.has(other)).toBe(true);
  });
});

describe('ClusterTarget.withLock (Lease)', () => {
  it('takes the Lease, runs, and releases it', async () => {
    const api = new FakeApi();
    api.put(paths.ns, namespace());
    const value = await target().withLock('ci', 'jenkins', 'U123@bot-1', async () => {
      expect(api.objects.get(paths.lease)!.spec.holderIdentity).toBe('U123@bot-1');
      return 42;
    });
    expect(value).toBe(42);
    expect(api.objects.has(paths.lease)).toBe(false);
  });

  it('a second caller is told who is busy', async () => {
    const api = new FakeApi();
    api.put(paths.lease, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'ci-lock', namespace: 'jenkins' }, spec: { holderIdentity: 'U999@bot-2', leaseDurationSeconds: 60, acquireTime: new Date().toISOString(), renewTime: new Date().toISOString() } });
    const error = await target().withLock('ci', 'jenkins', 'U123@bot-1', async () => 1).catch((e: Error) => e);
    expect(error).toBeInstanceOf(BusyError);
    expect((error as Error).message).toMatch(/instance ci is busy: U999@bot-2 is running an operation/);
  });

  it('an expired lease of a dead holder is taken over', async () => {
    const api = new FakeApi();
    const old = new Date(Date.now() - 10 * 60_000).toISOString();
    api.put(paths.lease, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'ci-lock', namespace: 'jenkins' }, spec: { holderIdentity: 'dead@bot-0', leaseDurationSeconds: 60, acquireTime: old, renewTime: old } });
    expect(await target().withLock('ci', 'jenkins', 'U1@bot-1', async () => 'ran')).toBe('ran');
    expect(api.requests.some((r) => r.method === 'PUT' && r.path === paths.lease)).toBe(true);
  });

  it('creates the namespace first when the instance is new', async () => {
    const api = new FakeApi();
    api.fail('POST', '/apis/coordination.k8s.io/v1/namespaces/jenkins/leases', { status: 404, body: status(404, 'NotFound', 'namespaces "jenkins" not found') });
    await target().withLock('ci', 'jenkins', 'U1@bot-1', async () => undefined);
    expect(api.changing().map((r) => `${r.method} ${r.path}`).slice(0, 3)).toEqual([
      'POST /apis/coordination.k8s.io/v1/namespaces/jenkins/leases', `PATCH ${paths.ns}`, 'POST /apis/coordination.k8s.io/v1/namespaces/jenkins/leases',
    ]);
    // Created as the renderer writes it: an existing namespace is never relabelled later, so the labels come now.
    expect(api.objects.get(paths.ns)!.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'baseline', 'app.kubernetes.io/managed-by': 'jenkins-chatops' });
  });
});

describe('ClusterTarget.status', () => {
  it('shows replicas, pods, volumes, the NodePort URL on node addresses, agents and the JCasC revision', async () => {
    const api = new FakeApi();
    await target().apply(bundleOf([cascConfigMap('rev1')]), { name: 'ci', namespace: 'jenkins' });
    api.put(paths.sts, liveStatefulSet(1, 1));
    api.put(paths.pod(0), pod(0, 'ready', '2030-01-01T00:00:00Z'));
    api.put(paths.pvc(0), claim(0, 'Bound'));
    api.put(paths.svc, service('NodePort', 30080));
    api.put('/api/v1/nodes/node-a', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'node-a' }] } });
    api.put('/api/v1/namespaces/jenkins/pods/agent-1', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'agent-1', namespace: 'jenkins', labels: { 'jenkins/label': 'jnlp', 'jenkins-chatops.io/instance': 'ci' } }, status: { phase: 'Pending' } });
    // Another instance's agent in the same namespace is not counted.
    api.put('/api/v1/namespaces/jenkins/pods/agent-2', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'agent-2', namespace: 'jenkins', labels: { 'jenkins/label': 'jnlp', 'jenkins-chatops.io/instance': 'other' } }, status: { phase: 'Running' } });
    const s = await target().status('ci', 'jenkins');
    expect(s).toMatchObject({
      exists: true,
      replicas: { desired: 1, ready: 1 },
      controllers: [{ name: 'ci-0', phase: 'Running', ready: true, restarts: 0, node: 'node-a' }],
      volumes: [{ claim: 'jenkins-home-ci-0', phase: 'Bound', volume: 'pvc-0' }],
      urls: ['http://10.0.0.5:30080/', 'http://ci.jenkins.svc.cluster.local:8080/'],
      agents: { running: 0, pending: 1 },
      casc: { desired: 'rev1', live: 'rev1' },
    });
  });
});
