// A deploy from chat while the Kubernetes API throttles, fails, conflicts and drops connections (the strict
// in-process API server with its fault hooks): it either ends correctly, without duplicated work, or tells the user
// precisely what failed and leaves nothing half-locked.
import { describe, expect, it } from '@jest/globals';
import { paths, strictServer, targetOn, writes } from '../targets/strict-cluster.js';
import type { TestApiServer } from '../support/apiserver/index.js';
import { chatRunner, textOf } from './fault-helpers.js';

const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins' } };
/** Leases as the API's MicroTime (RFC 3339 with microseconds) at the cluster's clock plus `offsetMs`. */
function lease(server: TestApiServer, holder: string, offsetMs = 0, durationSeconds = 60) {
  const at = new Date(server.now().getTime() + offsetMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'ci-lock', namespace: 'jenkins' }, spec: { holderIdentity: holder, leaseDurationSeconds: durationSeconds, acquireTime: at, renewTime: at } };
}
/** Each non-dry-run write as `METHOD path` with a create's object name (`POST …/secrets/ci-admin`), successful ones only. */
function stored(server: TestApiServer): string[] {
  return server.requests
    .filter((r) => ['create', 'update', 'patch', 'delete'].includes(r.verb) && r.query.dryRun === undefined && r.status !== undefined && r.status > 0 && r.status < 300)
    .map((r) => (r.method === 'POST' ? `POST ${r.path}/${(JSON.parse(r.body ?? '{}') as { metadata?: { name?: string } }).metadata?.name}` : `${r.method} ${r.path}`));
}

describe('deploy of a new instance through API faults', () => {
  it('retries the first apply through 429 (Retry-After), 500 and a reset connection, then ends ready without creating anything twice', async () => {
    const server = await strictServer();
    server.fault({ verb: 'PATCH', path: paths.ns, status: 429, retryAfterSeconds: 1 });
    server.fault({ verb: 'PATCH', path: paths.ns, status: 500, message: 'Internal error occurred: etcdserver: request timed out' });
    server.fault({ verb: 'PATCH', path: paths.ns, reset: true });
    const sleeps: number[] = [];

    const reply = await chatRunner(targetOn(server, sleeps)).run('deploy ci');

    expect(reply.last).toMatchObject({ tone: 'success', title: 'ci created and ready' });
    expect(textOf(reply.last)).toContain('ci is ready: 1/1 controller(s) answering');
    // Retry-After: 1 is honoured as asked; then exponential backoff (250 ms × 2^attempt × jitter 0.5).
    expect(sleeps).toEqual([1000, 250, 500]);
    const nsPatches = server.requests.filter((r) => r.method === 'PATCH' && r.path === paths.ns);
    expect(nsPatches).toHaveLength(4);
    // The retried request is the same server-side apply each time: idempotent, never forced.
    for (const p of nsPatches) {
      expect(p).toMatchObject({ contentType: 'application/apply-patch+yaml', query: { fieldManager: 'jenkins-chatops' } });
      expect(p.query.force).toBeUndefined();
      expect(p.body).toEqual(nsPatches[0]!.body);
    }
    // Every object is stored once; only the lease and the instance's two Secrets are created with POST.
    const w = stored(server);
    expect(new Set(w).size).toBe(w.length);
    expect(w.filter((x) => x.startsWith('POST'))).toEqual([`POST ${paths.leases}/ci-lock`, `POST ${paths.secrets}/ci-admin`, `POST ${paths.secrets}/ci-casc-reload-token`]);
    expect(w.at(-1)).toBe(`DELETE ${paths.lease}`);
  });

  it('a create whose answer is lost after the API stored it is not repeated: one admin Secret, one password', async () => {
    const server = await strictServer();
    server.fault({ verb: 'POST', path: paths.secrets, loseAnswer: true });

    const reply = await chatRunner(targetOn(server)).run('deploy ci');

    expect(reply.last).toMatchObject({ tone: 'success', title: 'ci created and ready' });
    // The retry met AlreadyExists (409) and took the stored Secret as it is: the password was not regenerated.
    const adminCreates = server.requests.filter((r) => r.method === 'POST' && r.path === paths.secrets && r.body?.includes('"ci-admin"'));
    expect(adminCreates).toHaveLength(2);
    const firstPassword = (JSON.parse(adminCreates[0]!.body!) as { stringData: Record<string, string> }).stringData['jenkins-admin-password']!;
    expect(Buffer.from(server.get('Secret', 'jenkins', 'ci-admin')!.data['jenkins-admin-password'], 'base64').toString()).toBe(firstPassword);
    expect(server.list('Secret', 'jenkins').map((s) => s.metadata.name).sort()).toEqual(['ci-admin', 'ci-casc-reload-token']);
  });

  it('a lost answer to the apply of the StatefulSet is retried once; the controller starts once', async () => {
    const server = await strictServer();
    server.fault({ verb: 'PATCH', path: paths.sts, loseAnswer: true });

    const reply = await chatRunner(targetOn(server)).run('deploy ci');

    expect(reply.last).toMatchObject({ tone: 'success', title: 'ci created and ready' });
    expect(server.requests.filter((r) => r.method === 'PATCH' && r.path === paths.sts && r.query.dryRun === undefined)).toHaveLength(2);
    expect(server.get('StatefulSet', 'jenkins', 'ci')!.spec.replicas).toBe(1);
    expect(server.list('Pod', 'jenkins').map((p) => p.metadata.name)).toEqual(['ci-0']);
  });
});

describe('the instance lock through lost answers', () => {
  it('a lock whose create answer was lost is recognised as our own, not reported as "busy" by ourselves', async () => {
    const server = await strictServer();
    server.put(NAMESPACE);
    server.fault({ verb: 'POST', path: paths.leases, loseAnswer: true });

    const reply = await chatRunner(targetOn(server)).run('deploy ci');

    expect(reply.last).toMatchObject({ tone: 'success', title: 'ci created and ready' });
    expect(server.requests.filter((r) => r.method === 'POST' && r.path === paths.leases)).toHaveLength(2);
    expect(server.get('Lease', 'jenkins', 'ci-lock')).toBeUndefined(); // released at the end, not left to block the next command
  });

  it('taking over an abandoned lock whose answer was lost also goes on', async () => {
    const server = await strictServer();
    server.put(NAMESPACE);
    server.put(lease(server, 'U9@crashed-bot', -10 * 60_000, 20));
    server.fault({ verb: 'PUT', path: paths.lease, loseAnswer: true });

    // The lease is watched for one duration (20 s on the cluster's clock) before it is taken over.
    const reply = await chatRunner(targetOn(server, [], { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / 50)) })).run('deploy ci');

    expect(reply.last).toMatchObject({ tone: 'success', title: 'ci created and ready' });
    expect(server.requests.filter((r) => r.method === 'PUT' && r.path === paths.lease).length).toBeGreaterThanOrEqual(2);
    expect(server.get('Lease', 'jenkins', 'ci-lock')).toBeUndefined();
  });

  it('a lock really held by another operation is still reported as busy, with who holds it', async () => {
    const server = await strictServer();
    server.put(NAMESPACE);
    server.put(lease(server, 'UBOB@bot-2'));
    server.clearRequests();

    const reply = await chatRunner(targetOn(server)).run('deploy ci');

    expect(reply.last).toMatchObject({ tone: 'warning', title: 'ci is busy' });
    expect(textOf(reply.last)).toContain('UBOB@bot-2 is running an operation on it');
    // The lock is taken by creating its lease: the API refused that create (409); nothing was written.
    expect(server.requests.filter((r) => ['create', 'update', 'patch', 'delete'].includes(r.verb)).map((r) => `${r.method} ${r.path} ${r.status}`))
      .toEqual([`POST ${paths.leases} 409`]);
    expect(server.get('Lease', 'jenkins', 'ci-lock')!.spec.holderIdentity).toBe('UBOB@bot-2');
  });
});

describe('deploy that cannot finish', () => {
  it('a 409 field conflict (kubectl set image owns the image) names the field, the other manager and the API message, and changes nothing', async () => {
    const server = await strictServer();
    const chat = chatRunner(targetOn(server));
    await chat.run('deploy ci');
    // Someone ran `kubectl set image` on the StatefulSet: that field manager now owns the image.
    const sts = server.get('StatefulSet', 'jenkins', 'ci')!;
    sts.spec.template.spec.containers.find((c: { name: string }) => c.name === 'jenkins').image = 'jenkins/jenkins:hotfix';
    server.put(sts, 'kubectl-set');
    server.clearRequests();

    const reply = await chat.run('deploy ci image=jenkins/jenkins:2.479.3-lts-jdk21');

    expect(reply.confirmation).toBeUndefined(); // found by the server-side dry run, before anyone is asked to confirm
    expect(reply.last).toMatchObject({ tone: 'danger', title: 'The command failed' });
    const text = textOf(reply.last);
    expect(text).toContain('StatefulSet/ci in namespace jenkins');
    expect(text).toContain('.spec.template.spec.containers[name="jenkins"].image');
    expect(text).toContain('owned by another field manager ("kubectl-set"), so they were not changed');
    expect(text).toContain('Apply failed with 1 conflict: conflict with "kubectl-set"');
    // Nothing was written and nothing was forced: the other tool's value stays, the stored values are the old ones.
    expect(writes(server)).toEqual([]);
    expect(server.requests.some((r) => r.query.force === 'true')).toBe(false);
    expect(server.get('ConfigMap', 'jenkins', 'ci-spec')!.data['values.yaml']).not.toContain('2.479.3');
  });

  it('the conflict advice given in chat works in chat: --force asks, then takes the field over', async () => {
    const server = await strictServer();
    const chat = chatRunner(targetOn(server));
    await chat.run('deploy ci');
    const sts = server.get('StatefulSet', 'jenkins', 'ci')!;
    sts.spec.template.spec.containers.find((c: { name: string }) => c.name === 'jenkins').image = 'jenkins/jenkins:hotfix';
    server.put(sts, 'kubectl-set');
    const advice = textOf((await chat.run('deploy ci image=jenkins/jenkins:2.479.3-lts-jdk21')).last);
    expect(advice).toContain('--force');

    const forced = await chat.run('deploy ci image=jenkins/jenkins:2.479.3-lts-jdk21 --force');
    expect(forced.confirmation).toBeDefined();
    const done = await chat.confirm(forced.confirmation!.token);
    expect(done.last.tone).toBe('success');
    const stsPatches = server.requests.filter((r) => r.method === 'PATCH' && r.path === paths.sts && r.query.dryRun === undefined);
    expect(stsPatches.at(-1)!.query.force).toBe('true');
    expect(server.get('StatefulSet', 'jenkins', 'ci')!.spec.template.spec.containers.find((c: { name: string }) => c.name === 'jenkins').image).toBe('jenkins/jenkins:2.479.3-lts-jdk21');
  });

  // A Retry-After longer than the policy's limit (60 s) is reported at once instead of keeping the user waiting.
  it('a Retry-After longer than the bot will wait is reported at once, not slept through', async () => {
    const server = await strictServer();
    server.fault({ verb: 'PATCH', path: paths.ns, status: 429, retryAfterSeconds: 3600, times: 5 });
    const sleeps: number[] = [];
    const reply = await chatRunner(targetOn(server, sleeps)).run('deploy ci');
    expect(reply.last.tone).toBe('danger');
    expect(textOf(reply.last)).toContain('429');
    expect(sleeps.filter((ms) => ms >= 60_000)).toEqual([]);
  });

  it('a 5xx that never recovers ends after bounded retries with a precise message; the next deploy completes the rest', async () => {
    const server = await strictServer();
    server.fault({ verb: 'PATCH', path: paths.sts, status: 503, message: 'the server is currently unable to handle the request', times: 20 });
    const sleeps: number[] = [];
    const chat = chatRunner(targetOn(server, sleeps));

    const reply = await chat.run('deploy ci');

    expect(reply.last).toMatchObject({ tone: 'danger', title: 'The command failed' });
    const text = textOf(reply.last);
    expect(text).toContain('the Kubernetes API failed to patch StatefulSet/ci in namespace jenkins (503: the server is currently unable to handle the request) and kept failing after retries');
    // What did get applied is listed, so the user knows where it stopped.
    expect(text).toContain('created ConfigMap/ci-casc');
    expect(text).not.toContain('created StatefulSet/ci');
    // Five attempts (the bounded default), four backoffs, then the lock is released.
    expect(server.requests.filter((r) => r.method === 'PATCH' && r.path === paths.sts)).toHaveLength(5);
    expect(sleeps).toEqual([125, 250, 500, 1000]);
    expect(writes(server).at(-1)).toBe(`DELETE ${paths.lease}`);
    expect(server.get('Lease', 'jenkins', 'ci-lock')).toBeUndefined();
    // The values are stored only after everything applied: the instance is not recorded as deployed.
    expect(server.get('ConfigMap', 'jenkins', 'ci-spec')).toBeUndefined();

    // The API server is back: the same command applies what is missing and nothing else.
    server.clearFaults();
    server.clearRequests();
    const again = await chat.run('deploy ci');
    expect(again.last).toMatchObject({ tone: 'success', title: 'ci created and ready' });
    expect(writes(server).filter((x) => !x.includes('/leases'))).toEqual([`PATCH ${paths.sts}`, `PATCH ${paths.spec}`]);
  });
});
