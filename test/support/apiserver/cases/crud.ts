// REST basics through the real client: discovery, create/get/list/replace/delete, Status bodies, dry-run.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiException, CoreV1Api, KubernetesObjectApi, VersionApi } from '@kubernetes/client-node';
import { startApiServer, type TestApiServer } from '../index.js';

// Registered by the suite that imports this file; the describe keeps its hooks to its own tests.
describe('REST basics', () => {
  let server: TestApiServer;
  beforeAll(async () => {
    server = await startApiServer({ version: '1.31.2' });
  });
  afterAll(async () => {
    await server.close();
  });

  function body(err: unknown): Record<string, any> {
    expect(err).toBeInstanceOf(ApiException);
    const b = (err as ApiException<unknown>).body;
    return typeof b === 'string' ? JSON.parse(b) : (b as Record<string, any>);
  }

  describe('discovery and version', () => {
    it('serves /version with the configured gitVersion', async () => {
      const v = await server.kubeConfig().makeApiClient(VersionApi).getCode();
      expect(v.gitVersion).toBe('v1.31.2');
      expect(v.minor).toBe('31');
    });

    it('lets KubernetesObjectApi discover kinds of every group', async () => {
      const objects = KubernetesObjectApi.makeApiClient(server.kubeConfig());
      for (const [apiVersion, kind, name] of [
        ['v1', 'Pod', 'pods'], ['apps/v1', 'StatefulSet', 'statefulsets'], ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles'],
        ['coordination.k8s.io/v1', 'Lease', 'leases'], ['storage.k8s.io/v1', 'StorageClass', 'storageclasses'],
        ['networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies'], ['policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets'],
      ]) {
        // resource() is protected: it is the discovery lookup every KubernetesObjectApi call makes first.
        const res = await (objects as unknown as { resource(a: string, k: string): Promise<{ name: string } | undefined> }).resource(apiVersion!, kind!);
        expect(res?.name).toBe(name);
      }
      const groups = await (await fetch(`${server.url}/apis`)).json() as { groups: Array<{ name: string }> };
      expect(groups.groups.map((g) => g.name)).toEqual(['apps', 'rbac.authorization.k8s.io', 'coordination.k8s.io', 'storage.k8s.io', 'networking.k8s.io', 'policy']);
    });
  });

  describe('create, read, replace, delete', () => {
    it('creates with server fields and answers 409 AlreadyExists with a Status', async () => {
      const core = server.kubeConfig().makeApiClient(CoreV1Api);
      const cm = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'one' }, data: { a: '1' } } });
      expect(cm.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(cm.metadata?.resourceVersion).toMatch(/^\d+$/);
      expect(cm.metadata?.creationTimestamp).toEqual(new Date('2026-01-01T00:00:00Z'));
      const err = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'one' } } }).catch((e: unknown) => e);
      expect((err as ApiException<unknown>).code).toBe(409);
      expect(body(err)).toEqual({
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'configmaps "one" already exists',
        reason: 'AlreadyExists', details: { name: 'one', kind: 'configmaps' }, code: 409,
      });
    });

    it('answers 404 NotFound naming the group resource', async () => {
      const objects = KubernetesObjectApi.makeApiClient(server.kubeConfig());
      const err = await objects.read({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'nope', namespace: 'default' } }).catch((e: unknown) => e);
      expect(body(err)).toMatchObject({ reason: 'NotFound', code: 404, message: 'statefulsets.apps "nope" not found', details: { name: 'nope', group: 'apps', kind: 'statefulsets' } });
    });

    it('refuses a create in a namespace that does not exist', async () => {
      const core = server.kubeConfig().makeApiClient(CoreV1Api);
      const err = await core.createNamespacedSecret({ namespace: 'ghost', body: { metadata: { name: 's' } } }).catch((e: unknown) => e);
      expect(body(err)).toMatchObject({ code: 404, message: 'namespaces "ghost" not found' });
    });

    it('replaces with optimistic concurrency: a stale resourceVersion is 409 Conflict', async () => {
      const core = server.kubeConfig().makeApiClient(CoreV1Api);
      const cm = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'occ' }, data: { a: '1' } } });
      const first = await core.replaceNamespacedConfigMap({ name: 'occ', namespace: 'default', body: { ...cm, data: { a: '2' } } });
      expect(Number(first.metadata!.resourceVersion)).toBeGreaterThan(Number(cm.metadata!.resourceVersion));
      const err = await core.replaceNamespacedConfigMap({ name: 'occ', namespace: 'default', body: { ...cm, data: { a: '3' } } }).catch((e: unknown) => e);
      expect(body(err)).toMatchObject({
        code: 409, reason: 'Conflict',
        message: 'Operation cannot be fulfilled on configmaps "occ": the object has been modified; please apply your changes to the latest version and try again',
      });
      expect(server.get('ConfigMap', 'default', 'occ')?.data).toEqual({ a: '2' });
    });

    it('a replace that changes nothing keeps the resourceVersion', async () => {
      const core = server.kubeConfig().makeApiClient(CoreV1Api);
      const cm = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'same' }, data: { a: '1' } } });
      const again = await core.replaceNamespacedConfigMap({ name: 'same', namespace: 'default', body: cm });
      expect(again.metadata?.resourceVersion).toBe(cm.metadata?.resourceVersion);
    });

    it('dryRun=All validates and answers without storing, on every write', async () => {
      const core = server.kubeConfig().makeApiClient(CoreV1Api);
      const made = await core.createNamespacedConfigMap({ namespace: 'default', dryRun: 'All', body: { metadata: { name: 'dry' }, data: { a: '1' } } });
      expect(made.metadata?.uid).toBeDefined();
      expect(server.get('ConfigMap', 'default', 'dry')).toBeUndefined();
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dry' }, data: { a: '1' } } });
      await core.deleteNamespacedConfigMap({ name: 'dry', namespace: 'default', dryRun: 'All' });
      expect(server.get('ConfigMap', 'default', 'dry')).toBeDefined();
      const err = await core.deleteNamespacedConfigMap({ name: 'dry', namespace: 'default', dryRun: 'Some' }).catch((e: unknown) => e);
      expect(body(err)).toMatchObject({ code: 422, reason: 'Invalid', message: 'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Some"]: supported values: "All"' });
    });

    it('deletes, honouring preconditions', async () => {
      const core = server.kubeConfig().makeApiClient(CoreV1Api);
      const cm = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'gone' } } });
      const err = await core.deleteNamespacedConfigMap({ name: 'gone', namespace: 'default', body: { preconditions: { resourceVersion: '1' } } }).catch((e: unknown) => e);
      expect(body(err)).toMatchObject({ code: 409, message: `Operation cannot be fulfilled on configmaps "gone": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${cm.metadata!.resourceVersion}` });
      const st = await core.deleteNamespacedConfigMap({ name: 'gone', namespace: 'default', body: { preconditions: { resourceVersion: cm.metadata!.resourceVersion! } } });
      expect(st).toMatchObject({ status: 'Success', details: { name: 'gone', kind: 'configmaps', uid: cm.metadata!.uid } });
      expect(server.get('ConfigMap', 'default', 'gone')).toBeUndefined();
    });

    it('keeps an object with finalizers until they are removed', async () => {
      const core = server.kubeConfig().makeApiClient(CoreV1Api);
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } } });
      await core.deleteNamespacedConfigMap({ name: 'held', namespace: 'default' });
      const held = await core.readNamespacedConfigMap({ name: 'held', namespace: 'default' });
      expect(held.metadata?.deletionTimestamp).toBeInstanceOf(Date);
      await core.patchNamespacedConfigMap({ name: 'held', namespace: 'default', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
      expect(server.get('ConfigMap', 'default', 'held')).toBeUndefined();
    });
  });

  describe('Secret stringData', () => {
    it('is decoded into data (base64, stringData winning) and never stored (Convert_v1_Secret_To_core_Secret)', async () => {
      const core = server.kubeConfig().makeApiClient(CoreV1Api);
      const created = await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'sd' }, data: { a: Buffer.from('old').toString('base64'), b: Buffer.from('kept').toString('base64') }, stringData: { a: 'new' } } });
      expect(created.stringData).toBeUndefined();
      expect(Buffer.from(created.data!.a!, 'base64').toString()).toBe('new');
      expect(Buffer.from(created.data!.b!, 'base64').toString()).toBe('kept');
      expect(server.get('Secret', 'default', 'sd')!.stringData).toBeUndefined();
    });
  });

  describe('lists', () => {
    it('filters by label selector (=, !=, in, notin, exists, !exists) and field selector', async () => {
      const core = server.kubeConfig().makeApiClient(CoreV1Api);
      await core.createNamespace({ body: { metadata: { name: 'sel' } } });
      const mk = (name: string, labels: Record<string, string>) => core.createNamespacedConfigMap({ namespace: 'sel', body: { metadata: { name, labels } } });
      await mk('a', { app: 'x', tier: 'web' });
      await mk('b', { app: 'y', tier: 'db' });
      await mk('c', { app: 'x' });
      const names = async (labelSelector?: string, fieldSelector?: string) =>
        (await core.listNamespacedConfigMap({ namespace: 'sel', labelSelector, fieldSelector })).items.map((i) => i.metadata?.name);
      expect(await names('app=x')).toEqual(['a', 'c']);
      expect(await names('app==x,tier')).toEqual(['a']);
      expect(await names('app!=x')).toEqual(['b']);
      expect(await names('tier in (web,db)')).toEqual(['a', 'b']);
      expect(await names('tier notin (web)')).toEqual(['b', 'c']);
      expect(await names('!tier')).toEqual(['c']);
      expect(await names(undefined, 'metadata.name=b')).toEqual(['b']);
      expect(await names(undefined, 'metadata.name!=b')).toEqual(['a', 'c']);
      const err = await names(undefined, 'spec.foo=1').catch((e: unknown) => e);
      expect(body(err)).toMatchObject({ code: 400, reason: 'BadRequest', message: 'field label not supported: spec.foo' });
    });

    it('pages with limit and continue', async () => {
      const core = server.kubeConfig().makeApiClient(CoreV1Api);
      await core.createNamespace({ body: { metadata: { name: 'pages' } } });
      for (const n of ['p1', 'p2', 'p3', 'p4', 'p5']) await core.createNamespacedSecret({ namespace: 'pages', body: { metadata: { name: n } } });
      const first = await core.listNamespacedSecret({ namespace: 'pages', limit: 2 });
      expect(first.items.map((i) => i.metadata?.name)).toEqual(['p1', 'p2']);
      expect(first.metadata?.remainingItemCount).toBe(3);
      const second = await core.listNamespacedSecret({ namespace: 'pages', limit: 2, _continue: first.metadata!._continue! });
      expect(second.items.map((i) => i.metadata?.name)).toEqual(['p3', 'p4']);
      const third = await core.listNamespacedSecret({ namespace: 'pages', limit: 2, _continue: second.metadata!._continue! });
      expect(third.items.map((i) => i.metadata?.name)).toEqual(['p5']);
      expect(third.metadata?._continue).toBeUndefined();
      // Items of a list carry no kind/apiVersion, like the real server's typed lists.
      const raw = await (await fetch(`${server.url}/api/v1/namespaces/pages/secrets`)).json() as { kind: string; items: object[] };
      expect(raw.kind).toBe('SecretList');
      expect(raw.items[0]).not.toHaveProperty('kind');
    });
  });
});
