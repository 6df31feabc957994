// Issue #13's "done when", on examples/from-helm-chart.yaml (a spec that sets every key a team coming from the Helm
// chart expects): it renders objects that pass the Kubernetes schemas and the JCasC attribute check, a deploy on the
// strict API server (with the Prometheus operator's CRD and the user's credential Secrets) plans and applies them all,
// and status names the external URL first.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { load } from 'js-yaml';
import { packageRoot, type Values } from '../../src/instance/index.js';
import { renderBundle } from '../../src/render/index.js';
import { cascOf, specFromFile } from '../helpers/render.js';
import { strictServer, targetOn } from '../targets/strict-cluster.js';

const file = join(packageRoot(), 'examples', 'from-helm-chart.yaml');
const values = load(readFileSync(file, 'utf8')) as Values;
const kinds = (objects: Array<{ kind: string; name: string }>) => objects.map((o) => `${o.kind}/${o.name}`);

describe('examples/from-helm-chart.yaml', () => {
  const bundle = renderBundle(specFromFile(file));

  it('renders every object the keys ask for, validated', () => {
    expect(kinds(bundle.objects.map((o) => ({ kind: o.object.kind, name: o.object.metadata.name })))).toEqual(expect.arrayContaining([
      'Ingress/team', 'PodDisruptionBudget/team-controller', 'ServiceMonitor/team', 'NetworkPolicy/team-controller', 'StatefulSet/team', 'ConfigMap/team-casc',
    ]));
    const casc = bundle.objects.find((o) => o.object.metadata.name === 'team-casc')!.object.data as Record<string, string>;
    expect(Object.keys(casc).sort()).toEqual(['jenkins.yaml', 'seed-job.yaml', 'welcome.yaml']);
    // User text stays literal: JCasC never replaces ${COST_CENTER}.
    expect(casc['welcome.yaml']).toContain('^${COST_CENTER}');
    const generated = cascOf(bundle);
    expect(generated.unclassified.location.url).toBe('https://jenkins.example.com/');
    expect(generated.credentials.system.domainCredentials[0].credentials.map((c: Record<string, { id: string }>) => Object.values(c)[0]!.id)).toEqual(['github', 'slack-token']);
    const template = generated.jenkins.clouds[0].kubernetes.templates[0];
    expect(template.imagePullSecrets).toEqual([{ name: 'registry-pull' }]);
    expect(template.yamlMergeStrategy).toBe('merge');
  });

  it('deploys on a cluster with the operator and the Secrets, and status leads with the external URL', async () => {
    const server = await strictServer({ crds: ['ServiceMonitor'] });
    server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jenkins' } }, 'kubectl');
    server.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'github-bot', namespace: 'jenkins' }, stringData: { username: 'bot', password: 'pw' } }, 'kubectl');
    server.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'slack-ci-token', namespace: 'jenkins' }, stringData: { text: 'xoxb' } }, 'kubectl');
    const target = targetOn(server);
    const result = await target.apply(bundle, values);
    expect(result.applied).toBe(true);
    expect(kinds(result.plan.changes.filter((c) => c.action === 'create'))).toEqual(expect.arrayContaining([
      'Ingress/team', 'PodDisruptionBudget/team-controller', 'ServiceMonitor/team', 'NetworkPolicy/team-controller', 'StatefulSet/team',
    ]));
    expect(server.get('ServiceMonitor', 'jenkins', 'team')).toBeDefined();
    expect((await target.apply(bundle, values)).plan.empty).toBe(true);
    const status = await target.status('team', 'jenkins');
    expect(status.urls[0]).toBe('https://jenkins.example.com/');
    expect(await target.urls(bundle)).toEqual(expect.arrayContaining(['https://jenkins.example.com/']));
  });
});
