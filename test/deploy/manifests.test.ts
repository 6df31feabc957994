// `kubectl apply -k deploy/` installs the bot: every manifest is schema-valid, least-privilege, hardened, and
// carries no secret. Validated offline (no cluster needed).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { load, loadAll } from 'js-yaml';
import { validateKubeObject, type KubeObject } from '../../src/render/index.js';
import { packageRoot } from '../../src/instance/index.js';
import { render, type Loose } from '../helpers/render.js';
import { authorize, type Request } from '../support/rbac.js';
import { OPTIONAL_KINDS } from '../../src/targets/switched-objects.js';
import { pluralOf } from '../../src/kube/resources.js';

const deployDir = join(packageRoot(), 'deploy');
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume']);

/** What `kubectl apply -k DIR` sends: every document of every listed file, namespaced ones in the kustomization's namespace. */
function kustomize(dir: string): { resources: string[]; objects: KubeObject[] } {
  const kustomization = load(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[]; namespace: string };
  const objects = kustomization.resources.flatMap((file) => loadAll(readFileSync(join(dir, file), 'utf8')) as KubeObject[]);
  for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = kustomization.namespace;
  return { resources: kustomization.resources, objects };
}

const { resources, objects } = kustomize(deployDir);
const managed = kustomize(join(deployDir, 'namespaces', 'jenkins'));
const installed = [...objects, ...managed.objects];
const byKind = (kind: string): Loose => objects.find((o) => o.kind === kind);
const bot = { kind: 'ServiceAccount' as const, name: 'jenkins-chatops', namespace: 'jenkins-chatops' };
const can = (req: Request) => authorize(installed, bot, req);

describe('deploy/ (kubectl apply -k)', () => {
  it('lists only files that exist, each one schema-valid', () => {
    for (const file of resources) expect(existsSync(join(deployDir, file))).toBe(true);
    for (const file of managed.resources) expect(existsSync(join(deployDir, 'namespaces', 'jenkins', file))).toBe(true);
    for (const object of installed) expect({ kind: object.kind, problems: validateKubeObject(object) }).toEqual({ kind: object.kind, problems: [] });
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

  it('holds, in a managed namespace, every permission it grants a Jenkins controller there (Kubernetes refuses to let it grant more)', () => {
    const bundle = render({ name: 'perm', namespace: 'jenkins' });
    const granted = bundle.objects.filter((o) => o.object.kind === 'Role').flatMap((o) => (o.object as Loose).rules);
    expect(granted.length).toBeGreaterThan(0);
    for (const rule of granted) {
      for (const apiGroup of rule.apiGroups) for (const resource of rule.resources) for (const verb of rule.verbs) {
        expect(`${resource}:${verb}:${can({ verb, apiGroup, resource, namespace: 'jenkins' })}`).toBe(`${resource}:${verb}:true`);
      }
    }
  });

  it('can apply every kind of object the generator renders, in a managed namespace (namespaces are only read)', () => {
    const bundle = render({ name: 'kinds', namespace: 'jenkins', persistence: { mode: 'static', hostPath: '/data' }, controller: { podDisruptionBudget: { enabled: true } }, ingress: { enabled: true, host: 'ci.example.com' }, metrics: { enabled: true, serviceMonitor: true }, networkPolicy: { enabled: true } });
    const plural: Record<string, [string, string]> = { PodDisruptionBudget: ['policy', 'poddisruptionbudgets'], Ingress: ['networking.k8s.io', 'ingresses'], NetworkPolicy: ['networking.k8s.io', 'networkpolicies'], ServiceMonitor: ['monitoring.coreos.com', 'servicemonitors'], ServiceAccount: ['', 'serviceaccounts'], Role: ['rbac.authorization.k8s.io', 'roles'], RoleBinding: ['rbac.authorization.k8s.io', 'rolebindings'], ConfigMap: ['', 'configmaps'], PersistentVolume: ['', 'persistentvolumes'], Service: ['', 'services'], StatefulSet: ['apps', 'statefulsets'] };
    for (const { object } of bundle.objects) {
      if (object.kind === 'Namespace') {
        expect(can({ verb: 'get', apiGroup: '', resource: 'namespaces', name: 'jenkins' })).toBe(true);
        expect(can({ verb: 'patch', apiGroup: '', resource: 'namespaces', name: 'jenkins' })).toBe(false);
        continue;
      }
      const [apiGroup, resource] = plural[object.kind]!;
      for (const verb of ['get', 'create', 'patch']) {
        expect(`${resource}:${verb}:${can({ verb, apiGroup, resource, namespace: object.metadata.namespace })}`).toBe(`${resource}:${verb}:true`);
      }
    }
  });

  it('can find by labels and delete every kind `delete` sweeps (the switches a spec turns on), in a managed namespace only', () => {
    for (const { apiVersion, kind } of OPTIONAL_KINDS) {
      const apiGroup = apiVersion.split('/')[0]!;
      const resource = pluralOf(apiVersion, kind);
      for (const verb of ['list', 'delete']) {
        expect(`${resource}:${verb}:${can({ verb, apiGroup, resource, namespace: 'jenkins' })}`).toBe(`${resource}:${verb}:true`);
        expect(`${resource}:${verb}:other:${can({ verb, apiGroup, resource, namespace: 'other-team' })}`).toBe(`${resource}:${verb}:other:false`);
      }
    }
  });

  it('has no cluster-wide access to secrets or pods: an unmanaged namespace is out of reach', () => {
    for (const namespace of ['kube-system', 'default', 'other-team']) {
      expect(can({ verb: 'get', apiGroup: '', resource: 'secrets', namespace, name: 'anything' })).toBe(false);
      expect(can({ verb: 'create', apiGroup: '', resource: 'pods', namespace })).toBe(false);
      expect(can({ verb: 'create', apiGroup: '', resource: 'pods/exec', namespace })).toBe(false);
      expect(can({ verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace })).toBe(false);
    }
    // Cluster-wide lists (no namespace) of secrets, pods or config maps are not granted either.
    for (const resource of ['secrets', 'pods', 'configmaps']) expect(can({ verb: 'list', apiGroup: '', resource })).toBe(false);
    // …while the managed namespace works.
    expect(can({ verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'jenkins', name: 'ci-admin' })).toBe(true);
    expect(can({ verb: 'create', apiGroup: '', resource: 'pods', namespace: 'jenkins' })).toBe(true);
    // No ClusterRoleBinding reaches a role with secrets, pods or namespaced workload rules.
    const bound = installed.filter((o) => o.kind === 'ClusterRoleBinding').map((b: Loose) => installed.find((r) => r.kind === 'ClusterRole' && r.metadata.name === b.roleRef.name) as Loose);
    const clusterWide = bound.flatMap((r) => r.rules.flatMap((rule: Loose) => rule.resources));
    expect(clusterWide.sort()).toEqual(['namespaces', 'nodes', 'persistentvolumes']);
  });

  it('the RBAC check itself refuses what Kubernetes refuses', () => {
    const role = { kind: 'ClusterRole', metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] };
    const inNs = { kind: 'RoleBinding', metadata: { name: 'b', namespace: 'a' }, roleRef: { kind: 'ClusterRole', name: 'r' }, subjects: [bot] };
    expect(authorize([role, inNs], bot, { verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'a' })).toBe(true);
    expect(authorize([role, inNs], bot, { verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'b' })).toBe(false);
    expect(authorize([role, inNs], bot, { verb: 'list', apiGroup: '', resource: 'secrets', namespace: 'a' })).toBe(false);
    expect(authorize([role, inNs], { ...bot, name: 'other' }, { verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'a' })).toBe(false);
  });

  it('a managed namespace is labelled for Pod Security like the generator labels it', () => {
    const ns = managed.objects.find((o) => o.kind === 'Namespace') as Loose;
    const rendered = render({ name: 'x', namespace: 'jenkins' }).objects.find((o) => o.object.kind === 'Namespace')!.object as Loose;
    for (const [key, value] of Object.entries(rendered.metadata.labels as Record<string, string>)) {
      if (key.startsWith('pod-security.kubernetes.io/')) expect(ns.metadata.labels[key]).toBe(value);
    }
  });

  it('ships the Slack app manifest with the /jenkins command, Socket Mode and interactivity', () => {
    const manifest = load(readFileSync(join(deployDir, 'slack-app-manifest.yaml'), 'utf8')) as Loose;
    expect(manifest.features.slash_commands.map((c: Loose) => c.command)).toContain('/jenkins');
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });
});
