// A spec switch turned off takes its object away on the next deploy (like `kubectl apply --prune` with an ApplySet):
// the stored values record what the switches made, and only objects the bot made for this instance are removed.
import { describe, expect, it } from '@jest/globals';
import { ANNOTATION_SWITCHED_OBJECTS } from '../../src/instance/naming.js';
import { bundle, strictServer, targetOn } from './strict-cluster.js';

const on = {
  networkPolicy: { enabled: true },
  controller: { podDisruptionBudget: { enabled: true } },
  ingress: { enabled: true, host: 'ci.example.com' },
};
const changesOf = (plan: { changes: Array<{ action: string; kind: string; name: string }> }) =>
  plan.changes.filter((c) => c.action !== 'unchanged').map((c) => `${c.action} ${c.kind}/${c.name}`);

describe('turning a spec switch off', () => {
  it('removes what the switch made, says so in the plan, and records what is left', async () => {
    const server = await strictServer();
    const target = targetOn(server);
    await target.apply(bundle(on), { name: 'ci', ...on });
    expect(server.get('ConfigMap', 'jenkins', 'ci-spec')!.metadata.annotations[ANNOTATION_SWITCHED_OBJECTS])
      .toBe('networking.k8s.io/v1/Ingress/ci,networking.k8s.io/v1/NetworkPolicy/ci-controller,policy/v1/PodDisruptionBudget/ci-controller');

    const fewer = { ingress: on.ingress };
    const preview = await target.apply(bundle(fewer), { name: 'ci', ...fewer }, { dryRun: true });
    expect(changesOf(preview.plan)).toEqual(expect.arrayContaining(['delete NetworkPolicy/ci-controller', 'delete PodDisruptionBudget/ci-controller']));
    expect(server.list('NetworkPolicy', 'jenkins')).toHaveLength(1); // a preview removes nothing

    await target.apply(bundle(fewer), { name: 'ci', ...fewer });
    expect(server.list('NetworkPolicy', 'jenkins')).toEqual([]);
    expect(server.list('PodDisruptionBudget', 'jenkins')).toEqual([]);
    expect(server.get('Ingress', 'jenkins', 'ci')).toBeDefined();
    expect(server.get('ConfigMap', 'jenkins', 'ci-spec')!.metadata.annotations[ANNOTATION_SWITCHED_OBJECTS]).toBe('networking.k8s.io/v1/Ingress/ci');
    // Nothing left to remove: the next deploy is empty.
    expect((await target.apply(bundle(fewer), { name: 'ci', ...fewer })).plan.empty).toBe(true);
  });

  it('leaves an object of the same name that someone else made', async () => {
    const server = await strictServer();
    const target = targetOn(server);
    await target.apply(bundle({ networkPolicy: on.networkPolicy }), { name: 'ci', networkPolicy: on.networkPolicy });
    // Someone replaces the policy with their own, copying the labels.
    const theirs = server.get('NetworkPolicy', 'jenkins', 'ci-controller')!;
    server.remove('NetworkPolicy', 'jenkins', 'ci-controller');
    server.put({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'ci-controller', namespace: 'jenkins', labels: theirs.metadata.labels }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }, 'kubectl-client-side-apply');
    const result = await target.apply(bundle(), { name: 'ci' });
    expect(changesOf(result.plan)).not.toContain('delete NetworkPolicy/ci-controller');
    expect(server.get('NetworkPolicy', 'jenkins', 'ci-controller')).toBeDefined();
  });
});

describe('turning a spec switch off on the directory target', () => {
  it('plans the file\'s removal and removes it', async () => {
    const { mkdtempSync, readdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { DirectoryTarget } = await import('../../src/targets/directory/directory-target.js');
    const dir = mkdtempSync(join(tmpdir(), 'switched-'));
    const target = new DirectoryTarget(dir);
    await target.apply(bundle({ networkPolicy: on.networkPolicy }), { name: 'ci', networkPolicy: on.networkPolicy });
    const files = () => readdirSync(join(dir, 'ci', 'manifests'));
    expect(files().some((f) => f.includes('networkpolicy-ci-controller'))).toBe(true);
    const steps: string[] = [];
    const result = await target.apply(bundle(), { name: 'ci' }, { onProgress: (p) => steps.push(p.message) });
    expect(changesOf(result.plan)).toContain('delete NetworkPolicy/ci-controller');
    expect(files().some((f) => f.includes('networkpolicy'))).toBe(false);
    expect(steps.some((s) => /removed \d+-networkpolicy-ci-controller\.yaml \(delete\)/.test(s))).toBe(true);
  });
});
