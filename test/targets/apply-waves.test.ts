// Applying concurrently must not break what depends on what: the namespace before anything in it, the volumes (and
// the governing Service) before the StatefulSet that claims them, the stored values after everything they describe.
import { describe, expect, it } from '@jest/globals';
import { bundle, strictServer, targetOn } from './strict-cluster.js';

describe('apply in dependency waves', () => {
  it('keeps the order that matters while the rest goes concurrently', async () => {
    const server = await strictServer({ latencyMs: 5 });
    const target = targetOn(server);
    const spec = { name: 'ci', controller: { replicas: 2 }, persistence: { mode: 'static', hostPath: '/data/jenkins' } };
    server.clearRequests();
    await target.apply(bundle(spec), spec);
    const writes = server.requests.filter((r) => r.verb === 'patch' && r.query.dryRun === undefined).map((r) => r.path);
    const at = (pattern: RegExp) => writes.flatMap((p, i) => (pattern.test(p) ? [i] : []));
    const [namespace] = at(/^\/api\/v1\/namespaces\/jenkins$/);
    const namespaced = at(/\/namespaces\/jenkins\/.+/);
    expect(namespace).toBeDefined();
    expect(Math.min(...namespaced)).toBeGreaterThan(namespace!);
    const [statefulSet] = at(/\/statefulsets\/ci$/);
    expect(Math.max(...at(/\/persistentvolumes\//))).toBeLessThan(statefulSet!);
    expect(Math.max(...at(/\/services\/ci-pods$/))).toBeLessThan(statefulSet!);
    expect(at(/\/configmaps\/ci-spec$/)).toEqual([writes.length - 1]);
    // Everything the bundle holds was written once.
    expect(new Set(writes).size).toBe(writes.length);
    expect(at(/\/persistentvolumes\//)).toHaveLength(2);
  });

  it('a StatefulSet is never written while its volumes could not be', async () => {
    const server = await strictServer();
    const target = targetOn(server);
    const spec = { name: 'ci', persistence: { mode: 'static', hostPath: '/data/jenkins' } };
    server.fault({ verb: 'patch', path: /\/persistentvolumes\//, status: 500, times: Infinity });
    await expect(target.apply(bundle(spec), spec)).rejects.toThrow(/persistentvolume/i);
    const statefulSetWrites = server.requests.filter((r) => r.verb === 'patch' && r.path.endsWith('/statefulsets/ci') && r.query.dryRun === undefined);
    expect(statefulSetWrites).toEqual([]);
    expect(server.get('StatefulSet', 'jenkins', 'ci')).toBeUndefined();
  });

  it('a plan reads each object once, however many checks look at it', async () => {
    const server = await strictServer();
    const target = targetOn(server);
    const spec = { name: 'ci', persistence: { mode: 'static', hostPath: '/data/jenkins' } };
    await target.apply(bundle(spec), spec);
    server.clearRequests();
    await target.apply(bundle(spec), spec);
    const reads = (suffix: string) => server.requests.filter((r) => r.verb === 'get' && r.path.endsWith(suffix)).length;
    expect(reads('/statefulsets/ci')).toBe(1);
    expect(reads('/persistentvolumes/jenkins.ci-home-0')).toBe(1);
  });
});

