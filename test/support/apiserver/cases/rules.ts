// Defaulting on create and immutable fields on update, with the apiserver's messages.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiException, AppsV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubernetesObject } from '@kubernetes/client-node';
import { startApiServer, type TestApiServer } from '../index.js';
import { statefulSetForbiddenMessage } from '../validation.js';

// Registered by the suite that imports this file; the describe keeps its hooks to its own tests.
describe('defaulting and validation', () => {
  let server: TestApiServer;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let objects: KubernetesObjectApi;
  beforeAll(async () => {
    server = await startApiServer();
    core = server.kubeConfig().makeApiClient(CoreV1Api);
    apps = server.kubeConfig().makeApiClient(AppsV1Api);
    objects = KubernetesObjectApi.makeApiClient(server.kubeConfig());
  });
  afterAll(async () => {
    await server.close();
  });

  function body(err: unknown): Record<string, any> {
    expect(err).toBeInstanceOf(ApiException);
    const b = (err as ApiException<unknown>).body;
    return typeof b === 'string' ? JSON.parse(b) : (b as Record<string, any>);
  }

  const apply = (obj: object, force = false) =>
    objects.patch(JSON.parse(JSON.stringify(obj)) as KubernetesObject, undefined, undefined, 'test', force || undefined, PatchStrategy.ServerSideApply);
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

  const statefulSet = (name: string) => ({
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, namespace: 'default' },
    spec: {
      serviceName: name, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80 }] }, { name: 'd', image: 'repo/x:1.2' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  });

  describe('defaulting on create (pkg/apis/*/v1/defaults.go)', () => {
    it('StatefulSet: policy, strategy, history, retention, generation and the pod template', async () => {
      await apply(statefulSet('dflt'));
      const s = server.get('StatefulSet', 'default', 'dflt')!;
      expect(s.metadata.generation).toBe(1);
      expect(s.spec).toMatchObject({
        replicas: 1, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        revisionHistoryLimit: 10, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      });
      const pod = s.spec.template.spec;
      expect(pod).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', securityContext: {}, terminationGracePeriodSeconds: 30 });
      expect(pod.containers[0]).toMatchObject({ terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'Always', ports: [{ containerPort: 80, protocol: 'TCP' }] });
      expect(pod.containers[1].imagePullPolicy).toBe('IfNotPresent');
      expect(s.spec.volumeClaimTemplates[0].spec.volumeMode).toBe('Filesystem');
      expect(s.status).toEqual({ replicas: 0, availableReplicas: 0 });
    });

    it('Service: clusterIP allocated, families, session affinity, protocol and targetPort', async () => {
      const svc = await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 8080 }] } } });
      expect(svc.spec).toMatchObject({
        type: 'ClusterIP', clusterIP: '10.96.0.100', clusterIPs: ['10.96.0.100'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
        sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ports: [{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 8080 }],
      });
      const second = await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'web2' }, spec: { ports: [{ port: 1 }] } } });
      expect(second.spec?.clusterIP).toBe('10.96.0.101');
    });

    it('NodePort: allocated above the static band; 422 for out-of-range or taken ports', async () => {
      const np = await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'np' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } } });
      expect(np.spec?.ports?.[0]?.nodePort).toBe(30086);
      const fixed = await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'np2' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } } });
      expect(fixed.spec?.ports?.[0]?.nodePort).toBe(30080);
      const taken = await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'np3' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } } }).catch((e: unknown) => e);
      expect(body(taken)).toMatchObject({
        code: 422, reason: 'Invalid', message: 'Service "np3" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
        details: { name: 'np3', kind: 'Service', causes: [{ reason: 'FieldValueInvalid', field: 'spec.ports[0].nodePort', message: 'Invalid value: 30080: provided port is already allocated' }] },
      });
      const range = await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'np4' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 40000 }] } } }).catch((e: unknown) => e);
      expect(body(range).message).toBe('Service "np4" is invalid: spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. The range of valid ports is 30000-32767');
    });

    it('PVC and PV: volumeMode, reclaim policy, default class, protection finalizers, Pending', async () => {
      const pvc = await core.createNamespacedPersistentVolumeClaim({ namespace: 'default', body: { metadata: { name: 'claim' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } });
      expect(pvc.spec).toMatchObject({ volumeMode: 'Filesystem', storageClassName: 'standard' });
      expect(pvc.metadata?.finalizers).toEqual(['kubernetes.io/pvc-protection']);
      expect(pvc.status?.phase).toBe('Pending');
      const pv = await core.createPersistentVolume({ body: { metadata: { name: 'vol' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/x' } } } });
      expect(pv.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' });
      expect(pv.metadata?.finalizers).toEqual(['kubernetes.io/pv-protection']);
    });
  });

  describe('immutable fields (validation.go)', () => {
    it('StatefulSet: spec fields other than the mutable ones are 422 Forbidden', async () => {
      await apply(statefulSet('imm'));
      const changed = statefulSet('imm');
      changed.spec.volumeClaimTemplates[0]!.spec.resources.requests.storage = '2Gi';
      const err = await apply(changed).catch((e: unknown) => e);
      const msg = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";
      expect(body(err)).toMatchObject({
        code: 422, reason: 'Invalid', message: `StatefulSet.apps "imm" is invalid: spec: Forbidden: ${msg}`,
        details: { name: 'imm', group: 'apps', kind: 'StatefulSet', causes: [{ reason: 'FieldValueForbidden', message: `Forbidden: ${msg}`, field: 'spec' }] },
      });
      const selector = await apps.patchNamespacedStatefulSet({ name: 'imm', namespace: 'default', body: { spec: { selector: { matchLabels: { app: 'other' } } } } }, merge).catch((e: unknown) => e);
      expect(body(selector).details.causes[0].field).toBe('spec');
      const ok = await apps.patchNamespacedStatefulSet({ name: 'imm', namespace: 'default', body: { spec: { replicas: 3, template: { metadata: { labels: { app: 'imm', v: '2' } } } } } }, merge);
      expect(ok.metadata?.generation).toBe(2);
      expect(statefulSetForbiddenMessage(24)).toBe("updates to statefulset spec for fields other than 'replicas', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
    });

    it('PersistentVolume: the volume source and node affinity', async () => {
      await core.createPersistentVolume({ body: { metadata: { name: 'src' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/a' }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }] }] } } } } });
      const err = await core.patchPersistentVolume({ name: 'src', body: { spec: { hostPath: { path: '/b' } } } }, merge).catch((e: unknown) => e);
      expect(body(err).message).toMatch(/^PersistentVolume "src" is invalid: spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n/);
      const aff = await core.patchPersistentVolume({ name: 'src', body: { spec: { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-2'] }] }] } } } } }, merge).catch((e: unknown) => e);
      expect(body(aff).details.causes[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'nodeAffinity' });
      expect(body(aff).details.causes[0].message).toMatch(/: field is immutable$/);
    });

    it('PersistentVolumeClaim: spec is immutable except a storage request on a bound claim, which may only grow', async () => {
      await core.createNamespacedPersistentVolumeClaim({ namespace: 'default', body: { metadata: { name: 'grow' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } });
      const pending = await core.patchNamespacedPersistentVolumeClaim({ name: 'grow', namespace: 'default', body: { spec: { resources: { requests: { storage: '2Gi' } } } } }, merge).catch((e: unknown) => e);
      expect(body(pending).message).toMatch(/^PersistentVolumeClaim "grow" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims/);
      server.settle();
      expect(server.get('pvc', 'default', 'grow')!.status.phase).toBe('Bound');
      await core.patchNamespacedPersistentVolumeClaim({ name: 'grow', namespace: 'default', body: { spec: { resources: { requests: { storage: '2Gi' } } } } }, merge);
      const shrink = await core.patchNamespacedPersistentVolumeClaim({ name: 'grow', namespace: 'default', body: { spec: { resources: { requests: { storage: '1Gi' } } } } }, merge).catch((e: unknown) => e);
      expect(body(shrink).details.causes[0]).toMatchObject({ field: 'spec.resources.requests.storage', reason: 'FieldValueForbidden' });
    });

    it('Service: clusterIP may not change once set; leaving it out keeps it', async () => {
      await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'fixed' }, spec: { ports: [{ port: 80 }] } } });
      const ip = server.get('Service', 'default', 'fixed')!.spec.clusterIP;
      const err = await core.patchNamespacedService({ name: 'fixed', namespace: 'default', body: { spec: { clusterIP: '10.96.9.9', clusterIPs: ['10.96.9.9'] } } }, merge).catch((e: unknown) => e);
      expect(body(err)).toMatchObject({ code: 422, message: 'Service "fixed" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.9.9"]: may not change once set' });
      // A replace without the allocated values keeps them (patchAllocatedValues).
      const current = await core.readNamespacedService({ name: 'fixed', namespace: 'default' });
      delete current.spec!.clusterIP;
      delete current.spec!.clusterIPs;
      const kept = await core.replaceNamespacedService({ name: 'fixed', namespace: 'default', body: current });
      expect(kept.spec?.clusterIP).toBe(ip);
    });
  });
});
