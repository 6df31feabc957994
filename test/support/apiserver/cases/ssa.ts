// Server-side apply: managedFields per manager, conflicts, force, pruning, no-op applies, keyed and atomic lists,
// and the PV claimRef schema change of Kubernetes 1.25.
import { afterEach, describe, expect, it } from '@jest/globals';
import { ApiException, CoreV1Api, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubernetesObject } from '@kubernetes/client-node';
import { byKind } from '../resources.js';
import { startApiServer, type TestApiServer } from '../index.js';

// Registered by the suite that imports this file; the describe keeps its hooks to its own tests.
describe('server-side apply', () => {
  let server: TestApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(version = '1.31.0') {
    server = await startApiServer({ version });
    return { server, objects: KubernetesObjectApi.makeApiClient(server.kubeConfig()), core: server.kubeConfig().makeApiClient(CoreV1Api) };
  }

  function apply(objects: KubernetesObjectApi, obj: object, manager: string, force = false) {
    return objects.patch(JSON.parse(JSON.stringify(obj)) as KubernetesObject, undefined, undefined, manager, force ? true : undefined, PatchStrategy.ServerSideApply);
  }

  function body(err: unknown): Record<string, any> {
    expect(err).toBeInstanceOf(ApiException);
    const b = (err as ApiException<unknown>).body;
    return typeof b === 'string' ? JSON.parse(b) : (b as Record<string, any>);
  }

  const cm = (data: Record<string, string>, extra: object = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default', ...extra }, data });

  const sts = (image: string, env: Array<{ name: string; value: string }>) => ({
    apiVersion: 'apps/v1', kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      serviceName: 'web', replicas: 1, selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'app', image, args: ['--a', '--b'], env, ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
    },
  });

  describe('managedFields', () => {
    it('records an apply in the real fieldsV1 format: f: fields, k: list items by merge key, "." for owned nodes', async () => {
      const { objects, server } = await start();
      await apply(objects, sts('nginx:1.25', [{ name: 'A', value: '1' }]), 'jenkins-chatops');
      const stored = server.get('StatefulSet', 'default', 'web')!;
      expect(stored.metadata.managedFields).toEqual([{
        manager: 'jenkins-chatops', operation: 'Apply', apiVersion: 'apps/v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {}, 'f:selector': {}, 'f:serviceName': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"app"}': {
                    '.': {}, 'f:args': {}, 'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } }, 'f:image': {}, 'f:name': {},
                    'f:ports': { 'k:{"containerPort":8080,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:name': {} } },
                  },
                },
              },
            },
          },
        },
      }]);
      // Defaults are the server's, owned by nobody.
      expect(stored.spec.podManagementPolicy).toBe('OrderedReady');
    });

    it('records non-apply writes as Update under their manager, taking the fields they changed', async () => {
      const { objects, core, server } = await start();
      await apply(objects, cm({ a: '1', b: '2' }), 'applier');
      await core.patchNamespacedConfigMap({ name: 'cfg', namespace: 'default', fieldManager: 'editor', body: { data: { b: '3', c: '4' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      const mf = server.get('ConfigMap', 'default', 'cfg')!.metadata.managedFields;
      expect(mf).toEqual([
        { manager: 'applier', operation: 'Apply', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
        { manager: 'editor', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:b': {}, 'f:c': {} } } },
      ]);
    });

    it('a no-op apply writes nothing: same resourceVersion, same managedFields time', async () => {
      const { objects, server } = await start();
      await apply(objects, sts('nginx:1.25', [{ name: 'A', value: '1' }]), 'm');
      server.advance(60_000);
      const before = server.get('StatefulSet', 'default', 'web')!;
      const again = await apply(objects, sts('nginx:1.25', [{ name: 'A', value: '1' }]), 'm');
      expect(again.metadata?.resourceVersion).toBe(before.metadata.resourceVersion);
      const entry = server.get('StatefulSet', 'default', 'web')!.metadata.managedFields.find((e: { manager: string }) => e.manager === 'm');
      expect(entry.time).toBe('2026-01-01T00:00:00Z');
      const changed = await apply(objects, sts('nginx:1.26', [{ name: 'A', value: '1' }]), 'm');
      expect(changed.metadata?.resourceVersion).not.toBe(before.metadata.resourceVersion);
      expect(server.get('StatefulSet', 'default', 'web')!.metadata.managedFields.find((e: { manager: string }) => e.manager === 'm').time)
        .toBe('2026-01-01T00:01:00Z');
    });
  });

  describe('conflicts', () => {
    it('409 Conflict naming the other applier and the field path; the object is unchanged', async () => {
      const { objects, server } = await start();
      await apply(objects, cm({ a: '1' }), 'alice');
      const err = await apply(objects, cm({ a: '2' }), 'bob').catch((e: unknown) => e);
      expect(body(err)).toEqual({
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Conflict', code: 409,
        message: 'Apply failed with 1 conflict: conflict with "alice": .data.a',
        details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.data.a' }] },
      });
      expect(server.get('ConfigMap', 'default', 'cfg')!.data).toEqual({ a: '1' });
    });

    it('names an Update manager with its apiVersion (conflict.go printManager), one cause per field', async () => {
      const { objects, server } = await start();
      await apply(objects, sts('nginx:1', []), 'jenkins-chatops');
      const set = server.get('StatefulSet', 'default', 'web')!;
      set.spec.replicas = 3;
      set.spec.template.spec.containers[0].image = 'nginx:2';
      server.registry.controllerUpdate(byKind('StatefulSet'), set, 'kubectl-edit');
      const err = await apply(objects, sts('nginx:1', []), 'jenkins-chatops').catch((e: unknown) => e);
      const b = body(err);
      expect(b.message).toBe('Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="app"].image');
      expect(b.details.causes).toEqual([
        { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using apps/v1', field: '.spec.replicas' },
        { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using apps/v1', field: '.spec.template.spec.containers[name="app"].image' },
      ]);
    });

    it('the same value is no conflict: ownership is shared', async () => {
      const { objects, server } = await start();
      await apply(objects, cm({ a: '1' }), 'alice');
      await apply(objects, cm({ a: '1' }), 'bob');
      const owners = server.get('ConfigMap', 'default', 'cfg')!.metadata.managedFields.map((e: { manager: string }) => e.manager);
      expect(owners).toEqual(['alice', 'bob']);
    });

    it('force=true takes the field from the other manager', async () => {
      const { objects, server } = await start();
      await apply(objects, cm({ a: '1', b: '1' }), 'alice');
      await apply(objects, cm({ a: '2' }), 'bob', true);
      const got = server.get('ConfigMap', 'default', 'cfg')!;
      expect(got.data).toEqual({ a: '2', b: '1' });
      expect(got.metadata.managedFields.map((e: { manager: string; fieldsV1: object }) => [e.manager, e.fieldsV1])).toEqual([
        ['alice', { 'f:data': { 'f:b': {} } }],
        ['bob', { 'f:data': { 'f:a': {} } }],
      ]);
    });
  });

  describe('removing fields', () => {
    it('a field the applier stops applying is removed when nobody else owns it, kept when someone does', async () => {
      const { objects, server } = await start();
      await apply(objects, cm({ a: '1', b: '1', c: '1' }), 'alice');
      await apply(objects, cm({ c: '1' }), 'bob');
      await apply(objects, cm({ a: '1' }), 'alice');
      expect(server.get('ConfigMap', 'default', 'cfg')!.data).toEqual({ a: '1', c: '1' });
    });

    it('keyed list items are owned one by one: dropping an env entry removes only it', async () => {
      const { objects, server } = await start();
      await apply(objects, sts('nginx:1', [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]), 'jenkins-chatops');
      // Another manager adds its own env entry to the same container.
      await apply(objects, {
        apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'default' },
        spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'SIDE', value: 'x' }] }] } } },
      }, 'injector');
      await apply(objects, sts('nginx:1', [{ name: 'A', value: '1' }]), 'jenkins-chatops');
      const env = server.get('StatefulSet', 'default', 'web')!.spec.template.spec.containers[0].env;
      expect(env).toEqual([{ name: 'A', value: '1' }, { name: 'SIDE', value: 'x' }]);
    });

    it('atomic lists are one field: args are replaced whole and conflict whole', async () => {
      const { objects } = await start();
      await apply(objects, sts('nginx:1', []), 'jenkins-chatops');
      const other = sts('nginx:1', []);
      other.spec.template.spec.containers[0]!.args = ['--a'];
      const err = await apply(objects, { ...other, spec: { template: other.spec.template } }, 'other').catch((e: unknown) => e);
      expect(body(err).details.causes).toEqual([
        { reason: 'FieldManagerConflict', message: 'conflict with "jenkins-chatops"', field: '.spec.template.spec.containers[name="app"].args' },
      ]);
    });
  });

  describe('PersistentVolume claimRef across the 1.25 schema change', () => {
    const pv = {
      apiVersion: 'v1', kind: 'PersistentVolume',
      metadata: { name: 'home-0' },
      spec: {
        capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'manual',
        claimRef: { namespace: 'default', name: 'home-web-0' }, hostPath: { path: '/data/home-0' },
      },
    };
    const pvc = {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'home-web-0', namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'manual', resources: { requests: { storage: '1Gi' } } },
    };

    it('1.25+: granular, our name/namespace and the controller\'s uid coexist; re-applying is a no-op', async () => {
      const { objects, server } = await start('1.31');
      await apply(objects, pv, 'jenkins-chatops');
      await apply(objects, pvc, 'jenkins-chatops');
      server.settle();
      const bound = server.get('PersistentVolume', undefined, 'home-0')!;
      expect(bound.status.phase).toBe('Bound');
      expect(bound.spec.claimRef).toMatchObject({ kind: 'PersistentVolumeClaim', apiVersion: 'v1', uid: server.get('pvc', 'default', 'home-web-0')!.metadata.uid });
      const kcm = bound.metadata.managedFields.find((e: { manager: string; subresource?: string }) => e.manager === 'kube-controller-manager' && !e.subresource);
      expect(kcm).toMatchObject({ operation: 'Update', apiVersion: 'v1' });
      expect(kcm.fieldsV1['f:spec']['f:claimRef']).toEqual({ 'f:apiVersion': {}, 'f:kind': {}, 'f:resourceVersion': {}, 'f:uid': {} });
      const again = await apply(objects, pv, 'jenkins-chatops');
      expect(again.metadata?.resourceVersion).toBe(bound.metadata.resourceVersion);
    });

    it('1.22–1.24: atomic, re-applying after binding conflicts with kube-controller-manager; force replaces the whole reference', async () => {
      const { objects, server } = await start('1.24');
      await apply(objects, pv, 'jenkins-chatops');
      await apply(objects, pvc, 'jenkins-chatops');
      server.settle();
      expect(server.get('PersistentVolume', undefined, 'home-0')!.status.phase).toBe('Bound');
      const err = await apply(objects, pv, 'jenkins-chatops').catch((e: unknown) => e);
      expect(body(err)).toMatchObject({
        code: 409, message: 'Apply failed with 1 conflict: conflict with "kube-controller-manager" using v1: .spec.claimRef',
        details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kube-controller-manager" using v1', field: '.spec.claimRef' }] },
      });
      await apply(objects, pv, 'jenkins-chatops', true);
      expect(server.get('PersistentVolume', undefined, 'home-0')!.spec.claimRef).toEqual({ namespace: 'default', name: 'home-web-0' });
    });
  });
});
