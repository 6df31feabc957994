import { afterEach, describe, it, expect } from '@jest/globals';
import nock from 'nock';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { ManualClock } from '../../src/kube/clock.js';
import { LeaderElector } from '../../src/kube/lease/leader-election.js';
import { API, JSON_HEADERS, testKubeConfig } from './kube-helpers.js';

const LEASES = '/apis/coordination.k8s.io/v1/namespaces/jenkins/leases';
const LEASE = `${LEASES}/jenkins-chatops-alerter`;

interface LeaseBody {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string; acquireTime?: string; leaseTransitions?: number };
}

/** An in-memory Lease behind the real endpoints, with resourceVersion conflicts like the API server. */
function leaseServer() {
  let lease: (LeaseBody & { kind: string; apiVersion: string }) | undefined;
  let rv = 1;
  const writes: LeaseBody[] = [];
  nock(API)
    .persist()
    .get(LEASE).reply(() => (lease ? [200, lease, JSON_HEADERS] : [404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'leases.coordination.k8s.io "jenkins-chatops-alerter" not found' }, JSON_HEADERS]))
    .post(LEASES).reply((_uri, body) => {
      if (lease) return [409, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'AlreadyExists', code: 409 }, JSON_HEADERS];
      const b = body as LeaseBody;
      writes.push(b);
      lease = { kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', ...b, metadata: { ...b.metadata, resourceVersion: String(++rv) } };
      return [201, lease, JSON_HEADERS];
    })
    .put(LEASE).reply((_uri, body) => {
      const b = body as LeaseBody;
      if (!lease || b.metadata.resourceVersion !== lease.metadata.resourceVersion) {
        return [409, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Conflict', code: 409, message: 'the object has been modified' }, JSON_HEADERS];
      }
      writes.push(b);
      lease = { kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', ...b, metadata: { ...b.metadata, resourceVersion: String(++rv) } };
      return [200, lease, JSON_HEADERS];
    });
  return { holder: () => lease?.spec.holderIdentity, writes };
}

function replica(identity: string, clock: ManualClock, log: string[]) {
  return new LeaderElector({
    api: testKubeConfig().makeApiClient(CoordinationV1Api),
    namespace: 'jenkins', name: 'jenkins-chatops-alerter', identity, clock,
    leaseDurationMs: 15_000, retryPeriodMs: 2_000,
    onStartedLeading: () => log.push(`${identity} leads`),
    onStoppedLeading: () => log.push(`${identity} stops`),
  });
}

/** Steps the manual clock, letting every replica finish its lease round before time moves on. */
async function stepUntil(clock: ManualClock, replicas: LeaderElector[], done: () => boolean, stepMs = 500, maxSteps = 400): Promise<void> {
  for (let i = 0; i < maxSteps && !done(); i++) {
    await clock.advance(stepMs);
    for (const r of replicas) await r.settled();
  }
  if (!done()) throw new Error('condition not reached');
}

afterEach(() => {
  nock.cleanAll();
});
// nock is activated, limited to loopback and restored per file by test/setup/no-network.ts.

describe('Lease leader election', () => {
  it('lets one replica lead; another takes over within the lease duration after the leader dies', async () => {
    const server = leaseServer();
    const clock = new ManualClock();
    const log: string[] = [];
    const a = replica('bot-a', clock, log);
    const b = replica('bot-b', clock, log);
    a.start();
    await stepUntil(clock, [a], () => a.isLeader);
    b.start();
    await b.settled();
    const start = clock.now();
    await stepUntil(clock, [a, b], () => clock.now() - start >= 10_000); // 10 s of a renewing and b watching
    expect(b.isLeader).toBe(false);
    expect(server.holder()).toBe('bot-a');
    expect(server.writes[0]?.spec).toMatchObject({ holderIdentity: 'bot-a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(server.writes[0]?.spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/); // MicroTime

    // bot-a dies without releasing: it stops renewing.
    const diedAt = clock.now();
    // Simulate a crash: no more rounds, no release (reaching into the elector is the only way to "kill" it here).
    const dying = a as unknown as { stopped: boolean; timer?: { id: number }; deadline?: { id: number } };
    dying.stopped = true;
    if (dying.timer) clock.clearTimeout(dying.timer);
    if (dying.deadline) clock.clearTimeout(dying.deadline);
    // Logical time on the manual clock: nobody takes a lease that may still be held…
    await stepUntil(clock, [b], () => clock.now() - diedAt >= 13_000);
    expect(b.isLeader).toBe(false);
    // …and it is taken over once it has not been renewed for its duration (seen at b's next retry period).
    await stepUntil(clock, [b], () => b.isLeader);
    expect(clock.now() - diedAt).toBeLessThanOrEqual(15_000 + 2_000 + 2_000); // its duration after b last saw it renewed
    expect(server.holder()).toBe('bot-b');
    expect(server.writes.at(-1)?.spec.leaseTransitions).toBe(1);
    await b.stop();
    expect(log).toEqual(['bot-a leads', 'bot-b leads', 'bot-b stops']);
  });

  it('releases the lease on shutdown so the next replica takes over at once', async () => {
    const server = leaseServer();
    const clock = new ManualClock();
    const log: string[] = [];
    const a = replica('bot-a', clock, log);
    const b = replica('bot-b', clock, log);
    a.start();
    await stepUntil(clock, [a], () => a.isLeader);
    b.start();
    await stepUntil(clock, [a, b], () => clock.now() >= Date.UTC(2026, 0, 1) + 2_000);
    await a.stop();
    expect(server.holder()).toBeUndefined();
    const releasedAt = clock.now();
    await stepUntil(clock, [b], () => b.isLeader);
    expect(clock.now() - releasedAt).toBeLessThanOrEqual(2_000); // b's next retry period, not a lease duration
    await b.stop();
    expect(log).toEqual(['bot-a leads', 'bot-a stops', 'bot-b leads', 'bot-b stops']);
  });

  it('a leader whose renewals hang steps down within the renew deadline, before a follower may take the lease over', async () => {
    // The Lease API in memory, where the test decides when a renewal hangs (a request that never answers).
    let stored: { metadata: Record<string, unknown>; spec: Record<string, unknown> } | undefined;
    let rv = 0;
    let hang = false;
    const pending: Array<() => void> = [];
    const api = {
      readNamespacedLease: async () => {
        if (!stored) throw Object.assign(new Error('not found'), { code: 404 });
        return structuredClone(stored);
      },
      createNamespacedLease: async ({ body }: { body: typeof stored }) => {
        stored = { ...body!, metadata: { ...body!.metadata, resourceVersion: String(++rv) } };
        return structuredClone(stored);
      },
      replaceNamespacedLease: async ({ body }: { body: typeof stored }) => {
        if (hang) await new Promise<void>((resolve) => pending.push(resolve));
        stored = { ...body!, metadata: { ...body!.metadata, resourceVersion: String(++rv) } };
        return structuredClone(stored);
      },
    };
    const clock = new ManualClock();
    const log: string[] = [];
    const leader = new LeaderElector({
      api: api as unknown as CoordinationV1Api, namespace: 'jenkins', name: 'jenkins-chatops-alerter', identity: 'bot-a', clock,
      leaseDurationMs: 15_000, retryPeriodMs: 2_000,
      onStartedLeading: () => log.push(`leads at ${clock.now() - Date.UTC(2026, 0, 1)}`),
      onStoppedLeading: () => log.push(`stops at ${clock.now() - Date.UTC(2026, 0, 1)}`),
    });
    leader.start();
    await stepUntil(clock, [], () => leader.isLeader);
    await clock.advance(4_000); // two renewals
    const lastRenewal = Date.parse(String(stored!.spec.renewTime));
    hang = true;
    // The lease a follower sees stays unchanged from `lastRenewal`: it may take it over 15 s later. The leader must be
    // gone before that, whatever its hung request does.
    await stepUntil(clock, [], () => !leader.isLeader, 250, 200);
    const steppedDownAt = clock.now();
    expect(steppedDownAt - lastRenewal).toBeLessThanOrEqual(10_000 + 250);
    expect(steppedDownAt - lastRenewal).toBeLessThan(15_000);
    // A late answer to the hung renewal does not make it leader again; the next rounds campaign normally.
    hang = false;
    for (const resolve of pending.splice(0)) resolve();
    await clock.advance(500);
    expect(log[0]).toBe('leads at 0');
    expect(log[1]).toMatch(/^stops at \d+$/);
    await leader.stop();
  });
});
