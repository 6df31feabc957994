// `kubectl apply -k deploy/` installs the bot: every manifest is schema-valid, least-privilege, hardened, and
// carries no secret. Validated offline (no cluster needed).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { load } from 'js-yaml';
import { validateKubeObject, type KubeObject } from '../../src/render/index.js';
import { packageRoot } from '../../src/instance/index.js';
import { render, type Loose } from '../helpers/render.js';

const deployDir = join(packageRoot(), 'deploy');
const kustomization = load(readFileSync(join(deployDir, 'kustomization.yaml'), 'utf8')) as { resources: string[]; namespace: string };
const objects = kustomization.resources.map((file) => load(readFileSync(join(deployDir, file), 'utf8')) as KubeObject);
const byKind = (kind: string): Loose => objects.find((o) => o.kind === kind);

describe('deploy/ (kubectl apply -k)', () => {
  it('lists only files that exist, each one schema-valid', () => {
    for (const file of kustomization.resources) expect(existsSync(join(deployDir, file))).toBe(true);
    for (const object of objects) expect({ kind: object.kind, problems: validateKubeObject(object) }).toEqual({ kind: object.kind, problems: [] });
  });

  it('commits no Secret: the Slack tokens come from one the user creates', () => {
    expect(objects.map((o) => o.kind)).not.toContain('Secret');
    const envFrom = byKind('Deployment').spec.template.spec.containers[0].envFrom;
    expect(envFrom).toContainEqual({ secretRef: { name: 'jenkins-chatops-slack' } });
  });

  it('runs two hardened replicas with health probes', () => {
    const deployment = byKind('Deployment');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(deployment.spec.replicas).toBe(2);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.resources.limits).toBeDefined();
    expect(pod.serviceAccountName).toBe(byKind('ServiceAccount').metadata.name);
  });

  it('holds every permission it grants to a Jenkins controller (Kubernetes refuses to let it grant more)', () => {
    const clusterRole = byKind('ClusterRole');
    const holds = (group: string, resource: string, verb: string) =>
      clusterRole.rules.some((r: Loose) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
    const bundle = render({ name: 'perm' });
    const granted = bundle.objects.filter((o) => o.object.kind === 'Role').flatMap((o) => (o.object as Loose).rules);
    for (const rule of granted) {
      for (const group of rule.apiGroups) for (const resource of rule.resources) for (const verb of rule.verbs) {
        expect(`${resource}:${verb}:${holds(group, resource, verb)}`).toBe(`${resource}:${verb}:true`);
      }
    }
  });

  it('can create and apply every kind of object the generator renders', () => {
    const clusterRole = byKind('ClusterRole');
    const bundle = render({ name: 'kinds', persistence: { mode: 'static', hostPath: '/data' } });
    const plural: Record<string, string> = { Namespace: 'namespaces', ServiceAccount: 'serviceaccounts', Role: 'roles', RoleBinding: 'rolebindings', ConfigMap: 'configmaps', PersistentVolume: 'persistentvolumes', Service: 'services', StatefulSet: 'statefulsets' };
    for (const { object } of bundle.objects) {
      const resource = plural[object.kind]!;
      const rule = clusterRole.rules.find((r: Loose) => r.resources.includes(resource));
      expect({ resource, verbs: rule?.verbs }).toEqual({ resource, verbs: expect.arrayContaining(['get', 'create', 'patch']) });
    }
  });

  it('ships the Slack app manifest with the /jenkins command, Socket Mode and interactivity', () => {
    const manifest = load(readFileSync(join(deployDir, 'slack-app-manifest.yaml'), 'utf8')) as Loose;
    expect(manifest.features.slash_commands.map((c: Loose) => c.command)).toContain('/jenkins');
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });
});
