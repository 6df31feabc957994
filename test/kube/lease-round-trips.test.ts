// The instance lock's round trips on the strict API server: a free lock costs one create and one delete; the delete
// is conditional, so a lease someone else holds by then is never released; a create whose answer was lost is still
// recognised as ours; a held lock is answered "busy" without writing.
import { describe, expect, it } from '@jest/globals';
import { BusyError } from '../../src/operations/target.js';
import { paths, strictServer, targetOn } from '../targets/strict-cluster.js';

const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins' } };
const leaseRequests = (server: { requests: Array<{ method: string; path: string; body?: string }> }) =>
  server.requests.filter((r) => r.path.startsWith(paths.leases));

function otherHolder(server: { now(): Date }, holder: string) {
  const at = server.now().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'ci-lock', namespace: 'jenkins' }, spec: { holderIdentity: holder, leaseDurationSeconds: 30, acquireTime: at, renewTime: at } };
}

describe('instance lock round trips', () => {
  it('a free lock is one create to take and one conditional delete to release', async () => {
    const server = await strictServer();
    server.put(ns);
    server.clearRequests();
    await targetOn(server).withLock('ci', 'jenkins', 'U1@bot-1', async () => undefined);
    const requests = leaseRequests(server);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${paths.leases}`, `DELETE ${paths.lease}`]);
    // The delete names the version we hold: a lease someone took over since is not ours to release.
    expect(JSON.parse(requests[1]!.body!)).toMatchObject({ preconditions: { resourceVersion: expect.any(String) } });
    expect(server.get('Lease', 'jenkins', 'ci-lock')).toBeUndefined();
  });

  it('a lease another holder wrote while we ran is left alone on release (the delete precondition fails)', async () => {
    const server = await strictServer();
    server.put(ns);
    await targetOn(server).withLock('ci', 'jenkins', 'U1@bot-1', async () => {
      // Someone else took it over (for instance after our renewals stopped reaching the cluster).
      server.put(otherHolder(server, 'U2@bot-2'));
    });
    expect(server.get('Lease', 'jenkins', 'ci-lock')!.spec.holderIdentity).toBe('U2@bot-2');
  });

  it('a create whose answer was lost is recognised as ours after the retry meets it (409), and released', async () => {
    const server = await strictServer();
    server.put(ns);
    server.fault({ verb: 'POST', path: paths.leases, loseAnswer: true });
    let held: string | undefined;
    await targetOn(server).withLock('ci', 'jenkins', 'U1@bot-1', async () => {
      held = server.get('Lease', 'jenkins', 'ci-lock')!.spec.holderIdentity;
    });
    expect(held).toBe('U1@bot-1');
    expect(server.get('Lease', 'jenkins', 'ci-lock')).toBeUndefined();
  });

  it('a held lock: the create meets the lease, one read names the holder, nothing is written', async () => {
    const server = await strictServer();
    server.put(ns);
    server.put(otherHolder(server, 'U2@bot-2'));
    server.clearRequests();
    let ran = false;
    const error = await targetOn(server).withLock('ci', 'jenkins', 'U1@bot-1', async () => { ran = true; }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(BusyError);
    expect((error as Error).message).toMatch(/U2@bot-2 is running an operation/);
    expect(ran).toBe(false);
    expect(leaseRequests(server).map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${paths.leases}`, `GET ${paths.lease}`]);
    expect(server.get('Lease', 'jenkins', 'ci-lock')!.spec.holderIdentity).toBe('U2@bot-2');
  });
});
