// A deploy from chat while the Kubernetes API throttles, fails, conflicts and drops connections: it either ends
// correctly, without duplicated work, or tells the user precisely what failed and leaves nothing half-locked.
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { FakeApi } from '../fixtures/kube/fake-api.js';
import { paths } from '../fixtures/kube/bundles.js';
import { apiStatus, chatRunner, clusterTarget, connectionReset, cutAfterCommit, restoreNock, runController, textOf } from './fault-helpers.js';

afterEach(() => { nock.cleanAll(); });
afterAll(restoreNock);

const LEASES = '/apis/coordination.k8s.io/v1/namespaces/jenkins/leases';
const SECRETS = '/api/v1/namespaces/jenkins/secrets';

const throttled = (retryAfter: string) => ({ status: 429, body: apiStatus(429, 'TooManyRequests', 'Too many requests, please try again later.'), headers: { 'retry-after': retryAfter } });
const internalError = { status: 500, body: apiStatus(500, 'InternalError', 'Internal error occurred: etcdserver: request timed out') };
const unavailable = { status: 503, body: apiStatus(503, 'ServiceUnavailable', 'the server is currently unable to handle the request') };

/** Writes (PATCH/POST/PUT/DELETE, dry runs excluded) as `VERB path`. */
/** Each write as `METHOD path`; a create names the object it creates (`POST …/secrets/ci-admin`). */
function writes(api: FakeApi): string[] {
  const created = (r: { body?: unknown }) => (r.body as { metadata?: { name?: string } } | undefined)?.metadata?.name;
  return api.changing().map((r) => (r.method === 'POST' ? `POST ${r.path}/${created(r)}` : `${r.method} ${r.path}`));
}

describe('deploy of a new instance through API faults', () => {
  it('retries the first apply through 429 (Retry-After), 500 and a reset connection, then ends ready without creating anything twice', async () => {
    const api = new FakeApi();
    runController(api);
    api.fail('PATCH', paths.ns, throttled('1'), internalError, { error: connectionReset() });
    const sleeps: number[] = [];

    const reply = await chatRunner(clusterTarget(sleeps)).run('deploy ci');

    expect(reply.last).toMatchObject({ tone: 'success', title: 'ci created and ready' });
    expect(textOf(reply.last)).toContain('ci is ready: 1/1 controller(s) answering');
    // Retry-After: 1 is honoured as asked; then exponential backoff (250 ms × 2^attempt × jitter 0.5).
    expect(sleeps).toEqual([1000, 250, 500]);
    const nsPatches = api.requests.filter((r) => r.method === 'PATCH' && r.path === paths.ns);
    expect(nsPatches).toHaveLength(4);
    // The retried request is the same server-side apply each time: idempotent, never forced.
    for (const p of nsPatches) {
      expect(p).toMatchObject({ contentType: 'application/apply-patch+yaml', query: { fieldManager: 'jenkins-chatops' } });
      expect(p.query.force).toBeUndefined();
      expect(p.body).toEqual(nsPatches[0]!.body);
    }
    // Every other object is written exactly once; only the lease and the instance's two Secrets are created with POST.
    const w = writes(api);
    const others = w.filter((x) => x !== `PATCH ${paths.ns}`);
    expect(new Set(others).size).toBe(others.length);
    expect(w.filter((x) => x.startsWith('POST'))).toEqual([`POST ${LEASES}/ci-lock`, `POST ${SECRETS}/ci-admin`, `POST ${SECRETS}/ci-casc-reload-token`]);
    expect(w.at(-1)).toBe(`DELETE ${paths.lease}`);
    expect(api.objects.get(paths.ns)).toBeDefined();
  });

  it('a create whose answer is lost after the API stored it is not repeated: one admin Secret, one password', async () => {
    const api = new FakeApi();
    runController(api);
    cutAfterCommit(api, 'POST', SECRETS);

    const reply = await chatRunner(clusterTarget()).run('deploy ci');

    expect(reply.last).toMatchObject({ tone: 'success', title: 'ci created and ready' });
    // The retry met AlreadyExists (409) and took the stored Secret as it is: the password was not regenerated.
    const adminCreates = api.requests.filter((r) => r.method === 'POST' && r.path === SECRETS && (r.body as { metadata: { name: string } }).metadata.name === 'ci-admin');
    expect(adminCreates).toHaveLength(2);
    const stored = api.objects.get(`${SECRETS}/ci-admin`)!;
    const firstPassword = (api.requests.find((r) => r.path === SECRETS)!.body as { stringData: Record<string, string> }).stringData['jenkins-admin-password'];
    expect(stored.stringData['jenkins-admin-password']).toBe(firstPassword);
    expect([...api.objects.keys()].filter((k) => k.startsWith(`${SECRETS}/`)).sort()).toEqual([`${SECRETS}/ci-admin`, `${SECRETS}/ci-casc-reload-token`]);
  });

  it('a lost answer to the apply of the StatefulSet is retried once; the controller starts once', async () => {
    const api = new FakeApi();
    runController(api);
    cutAfterCommit(api, 'PATCH', paths.sts);

    const reply = await chatRunner(clusterTarget()).run('deploy ci');

    expect(reply.last).toMatchObject({ tone: 'success', title: 'ci created and ready' });
    expect(api.changing().filter((r) => r.path === paths.sts)).toHaveLength(2);
    expect(api.objects.get(paths.sts)!.spec.replicas).toBe(1);
    expect([...api.objects.keys()].filter((k) => k.includes('/pods/'))).toEqual([paths.pod(0)]);
  });
});

describe('the instance lock through lost answers', () => {
  it('a lock whose create answer was lost is recognised as our own, not reported as "busy" by ourselves', async () => {
    const api = new FakeApi();
    runController(api);
    cutAfterCommit(api, 'POST', LEASES);

    const reply = await chatRunner(clusterTarget()).run('deploy ci');

    expect(reply.last).toMatchObject({ tone: 'success', title: 'ci created and ready' });
    expect(api.requests.filter((r) => r.method === 'POST' && r.path === LEASES)).toHaveLength(2);
    expect(api.objects.has(paths.lease)).toBe(false); // released at the end, not left to block the next command
  });

  it('taking over an expired lock whose answer was lost also goes on', async () => {
    const api = new FakeApi();
    runController(api);
    const old = new Date(Date.now() - 10 * 60_000).toISOString();
    api.put(paths.lease, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'ci-lock', namespace: 'jenkins' }, spec: { holderIdentity: 'U9@crashed-bot', leaseDurationSeconds: 60, acquireTime: old, renewTime: old } });
    cutAfterCommit(api, 'PUT', paths.lease);

    const reply = await chatRunner(clusterTarget()).run('deploy ci');

    expect(reply.last).toMatchObject({ tone: 'success', title: 'ci created and ready' });
    expect(api.requests.filter((r) => r.method === 'PUT' && r.path === paths.lease)).toHaveLength(2);
    expect(api.objects.has(paths.lease)).toBe(false);
  });

  it('a lock really held by another operation is still reported as busy, with who holds it', async () => {
    const api = new FakeApi();
    const now = new Date().toISOString();
    api.put(paths.lease, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'ci-lock', namespace: 'jenkins' }, spec: { holderIdentity: 'UBOB@bot-2', leaseDurationSeconds: 60, acquireTime: now, renewTime: now } });

    const reply = await chatRunner(clusterTarget()).run('deploy ci');

    expect(reply.last).toMatchObject({ tone: 'warning', title: 'ci is busy' });
    expect(textOf(reply.last)).toContain('UBOB@bot-2 is running an operation on it');
    expect(writes(api)).toEqual([]);
  });
});

describe('deploy that cannot finish', () => {
  it('a 409 field conflict names the field, the other manager and the API message, and changes nothing', async () => {
    const api = new FakeApi();
    runController(api);
    const chat = chatRunner(clusterTarget());
    await chat.run('deploy ci');
    api.requests.length = 0;
    // Someone ran `kubectl set image` on the StatefulSet: that field manager now owns the image.
    const conflict = 'Apply failed with 1 conflict: conflict with "kubectl-set" using apps/v1: .spec.template.spec.containers[name="jenkins"].image';
    api.fail('PATCH', paths.sts, {
      status: 409,
      body: apiStatus(409, 'Conflict', conflict, {
        details: { name: 'ci', group: 'apps', kind: 'statefulsets', causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-set" using apps/v1', field: '.spec.template.spec.containers[name="jenkins"].image' }] },
      }),
    });

    const reply = await chat.run('deploy ci image=jenkins/jenkins:2.479.3-lts-jdk21');

    expect(reply.confirmation).toBeUndefined(); // found by the server-side dry run, before anyone is asked to confirm
    expect(reply.last).toMatchObject({ tone: 'danger', title: 'The command failed' });
    const text = textOf(reply.last);
    expect(text).toContain('StatefulSet/ci in namespace jenkins');
    expect(text).toContain('.spec.template.spec.containers[name="jenkins"].image');
    expect(text).toContain('owned by another field manager ("kubectl-set"), so they were not changed');
    expect(text).toContain(conflict);
    // Nothing was written and nothing was forced: the other tool's value stays, the stored values are the old ones.
    expect(writes(api)).toEqual([]);
    expect(api.requests.some((r) => r.query.force === 'true')).toBe(false);
    expect(api.objects.get(paths.spec)!.data['values.yaml']).not.toContain('2.479.3');
  });

  it('the conflict advice given in chat works in chat: --force asks, then takes the field over', async () => {
    const api = new FakeApi();
    runController(api);
    const chat = chatRunner(clusterTarget());
    await chat.run('deploy ci');
    const conflict = {
      status: 409,
      body: apiStatus(409, 'Conflict', 'Apply failed with 1 conflict: conflict with "kubectl-set" using apps/v1: .spec.template.spec.containers[name="jenkins"].image', {
        details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-set" using apps/v1', field: '.spec.template.spec.containers[name="jenkins"].image' }] },
      }),
    };
    // Only unforced applies of the StatefulSet conflict; a forced one takes the field.
    api.fail('PATCH', paths.sts, conflict, conflict);
    const advice = textOf((await chat.run('deploy ci image=jenkins/jenkins:2.479.3-lts-jdk21')).last);
    expect(advice).toContain('--force');

    api.faults.clear();
    const forced = await chat.run('deploy ci image=jenkins/jenkins:2.479.3-lts-jdk21 --force');
    const confirmation = forced.confirmation;
    expect(confirmation).toBeDefined();
    const done = await chat.confirm(confirmation!.token);
    expect(done.last.tone).toBe('success');
    const stsPatches = api.requests.filter((r) => r.method === 'PATCH' && r.path === paths.sts && r.query.dryRun === undefined);
    expect(stsPatches.at(-1)!.query.force).toBe('true');
  });

  // A Retry-After longer than the policy's limit (60 s) is reported at once instead of keeping the user waiting.
  it('a Retry-After longer than the bot will wait is reported at once, not slept through', async () => {
    const api = new FakeApi();
    api.fail('PATCH', paths.ns, ...Array.from({ length: 5 }, () => throttled('3600')));
    const sleeps: number[] = [];
    const reply = await chatRunner(clusterTarget(sleeps)).run('deploy ci');
    expect(reply.last.tone).toBe('danger');
    expect(textOf(reply.last)).toContain('429');
    expect(sleeps.filter((ms) => ms >= 60_000)).toEqual([]);
  });

  it('a 5xx that never recovers ends after bounded retries with a precise message; the next deploy completes the rest', async () => {
    const api = new FakeApi();
    runController(api);
    api.fail('PATCH', paths.sts, ...Array.from({ length: 20 }, () => unavailable));
    const sleeps: number[] = [];
    const chat = chatRunner(clusterTarget(sleeps));

    const reply = await chat.run('deploy ci');

    expect(reply.last).toMatchObject({ tone: 'danger', title: 'The command failed' });
    const text = textOf(reply.last);
    expect(text).toContain('the Kubernetes API failed to patch StatefulSet/ci in namespace jenkins (503: the server is currently unable to handle the request) and kept failing after retries');
    // What did get applied is listed, so the user knows where it stopped.
    expect(text).toContain('created ConfigMap/ci-casc');
    expect(text).not.toContain('created StatefulSet/ci');
    // Five attempts (the bounded default), four backoffs, then the lock is released.
    expect(api.requests.filter((r) => r.method === 'PATCH' && r.path === paths.sts)).toHaveLength(5);
    expect(sleeps).toEqual([125, 250, 500, 1000]);
    expect(writes(api).at(-1)).toBe(`DELETE ${paths.lease}`);
    expect(api.objects.has(paths.lease)).toBe(false);
    // The values are stored only after everything applied: the instance is not recorded as deployed.
    expect(api.objects.has(paths.spec)).toBe(false);

    // The API server is back: the same command applies what is missing and nothing else.
    api.faults.clear();
    api.requests.length = 0;
    const again = await chat.run('deploy ci');
    expect(again.last).toMatchObject({ tone: 'success', title: 'ci created and ready' });
    expect(writes(api).filter((x) => !x.includes('/leases'))).toEqual([`PATCH ${paths.sts}`, `PATCH ${paths.spec}`]);
  });
});
