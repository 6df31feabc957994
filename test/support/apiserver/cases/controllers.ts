// Controllers driven by the explicit clock: StatefulSet, PV binder and provisioning, scheduler, kubelet-lite,
// garbage collection and storage protection.
import { afterEach, describe, expect, it } from '@jest/globals';
import { AppsV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubernetesObject } from '@kubernetes/client-node';
import { startApiServer, type ApiServerOptions, type TestApiServer } from '../index.js';

// Registered by the suite that imports this file; the describe keeps its hooks to its own tests.
describe('controllers', () => {
  let server: TestApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(options: ApiServerOptions = {}) {
    server = await startApiServer(options);
    const kc = server.kubeConfig();
    return { server, core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api), objects: KubernetesObjectApi.makeApiClient(kc) };
  }

  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

  function sts(name: string, opts: { replicas?: number; image?: string; policy?: string; claims?: boolean; cpu?: string } = {}) {
    return {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, namespace: 'default' },
      spec: {
        serviceName: name, replicas: opts.replicas ?? 1, podManagementPolicy: opts.policy ?? 'OrderedReady', selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'main', image: opts.image ?? 'jenkins/jenkins:2.440', ...(opts.cpu ? { resources: { requests: { cpu: opts.cpu } } } : {}) }] },
        },
        ...(opts.claims === false ? {} : { volumeClaimTemplates: [{ metadata: { name: 'home' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] }),
      },
    };
  }

  const apply = (objects: KubernetesObjectApi, obj: object) =>
    objects.patch(JSON.parse(JSON.stringify(obj)) as KubernetesObject, undefined, undefined, 'test', undefined, PatchStrategy.ServerSideApply);

  const podNames = (s: TestApiServer) => s.list('Pod', 'default').map((p) => p.metadata.name);
  const ready = (pod: { status?: { conditions?: Array<{ type: string; status: string }> } } | undefined) =>
    pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

  describe('StatefulSet controller', () => {
    it('OrderedReady: claim before pod, one pod at a time, each Running and Ready first; status follows', async () => {
      const { server, objects } = await start();
      await apply(objects, sts('web', { replicas: 3 }));
      server.tick();
      expect(server.get('pvc', 'default', 'home-web-0')).toBeDefined();
      expect(podNames(server)).toEqual(['web-0']);
      const pod = server.get('Pod', 'default', 'web-0')!;
      const set = server.get('StatefulSet', 'default', 'web')!;
      expect(pod.metadata.labels).toMatchObject({ app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-0', 'apps.kubernetes.io/pod-index': '0', 'controller-revision-hash': set.status.updateRevision });
      expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: set.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      expect(pod.spec.volumes).toEqual([{ name: 'home', persistentVolumeClaim: { claimName: 'home-web-0' } }]);
      expect(pod.spec).toMatchObject({ hostname: 'web-0', subdomain: 'web' });
      expect(server.list('ControllerRevision', 'default').map((r) => [r.metadata.name, r.revision])).toEqual([[set.status.updateRevision, 1]]);
      server.tick(2);
      expect(podNames(server)).toEqual(['web-0']);
      server.settle();
      expect(podNames(server)).toEqual(['web-0', 'web-1', 'web-2']);
      expect(server.get('StatefulSet', 'default', 'web')!.status).toMatchObject({
        observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3,
      });
    });

    it('Parallel creates every pod at once', async () => {
      const { server, objects } = await start();
      await apply(objects, sts('par', { replicas: 3, policy: 'Parallel', claims: false }));
      server.tick();
      expect(podNames(server)).toEqual(['par-0', 'par-1', 'par-2']);
    });

    it('rolls out from the highest ordinal; scales down from the highest ordinal and keeps claims', async () => {
      const { server, objects, apps } = await start();
      await apply(objects, sts('roll', { replicas: 2 }));
      server.settle();
      const oldRev = server.get('sts', 'default', 'roll')!.status.currentRevision;
      await apps.patchNamespacedStatefulSet({ name: 'roll', namespace: 'default', body: { spec: { template: { spec: { containers: [{ name: 'main', image: 'jenkins/jenkins:2.450' }] } } } } }, merge);
      const deleted: string[] = [];
      const off = server.registry.store.subscribe((e) => { if (e.type === 'DELETED' && e.info.kind === 'Pod') deleted.push(e.object.metadata.name); });
      server.settle();
      off();
      expect(deleted).toEqual(['roll-1', 'roll-0']);
      const st = server.get('sts', 'default', 'roll')!.status;
      expect(st.currentRevision).toBe(st.updateRevision);
      expect(st.currentRevision).not.toBe(oldRev);
      expect(server.get('Pod', 'default', 'roll-0')!.spec.containers[0].image).toBe('jenkins/jenkins:2.450');
      await apps.patchNamespacedStatefulSet({ name: 'roll', namespace: 'default', body: { spec: { replicas: 1 } } }, merge);
      server.settle();
      expect(podNames(server)).toEqual(['roll-0']);
      expect(server.list('pvc', 'default').map((c) => c.metadata.name)).toEqual(['home-roll-0', 'home-roll-1']);
    });

    it('kubernetes#67250: a pod that never becomes Ready blocks an OrderedReady rollout even after the template is fixed', async () => {
      const { server, objects, apps } = await start({ images: { 'broken:1': { neverReady: true } } });
      await apply(objects, sts('stuck', { replicas: 1, image: 'broken:1', claims: false }));
      server.settle();
      expect(ready(server.get('Pod', 'default', 'stuck-0'))).toBe(false);
      await apps.patchNamespacedStatefulSet({ name: 'stuck', namespace: 'default', body: { spec: { template: { spec: { containers: [{ name: 'main', image: 'fixed:1' }] } } } } }, merge);
      server.tick(20);
      expect(server.get('Pod', 'default', 'stuck-0')!.spec.containers[0].image).toBe('broken:1');
      const st = server.get('sts', 'default', 'stuck')!.status;
      expect(st.updateRevision).not.toBe(st.currentRevision);
      expect(st.observedGeneration).toBe(2);
      // Deleting the stuck pod is the way out.
      server.remove('Pod', 'default', 'stuck-0');
      server.settle();
      expect(server.get('Pod', 'default', 'stuck-0')!.spec.containers[0].image).toBe('fixed:1');
      expect(ready(server.get('Pod', 'default', 'stuck-0'))).toBe(true);
    });
  });

  describe('kubelet and scheduler', () => {
    it('image pull failure: ErrImagePull then ImagePullBackOff, phase Pending', async () => {
      const { server, core } = await start();
      server.setImage(/^nope\//, { pullFails: true });
      await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nope/x:1' }] } } });
      server.tick(2);
      expect(server.get('Pod', 'default', 'p')!.status.containerStatuses[0].state.waiting.reason).toBe('ErrImagePull');
      server.tick();
      const pod = server.get('Pod', 'default', 'p')!;
      expect(pod.status.phase).toBe('Pending');
      expect(pod.status.containerStatuses[0].state.waiting.reason).toBe('ImagePullBackOff');
    });

    it('crash: CrashLoopBackOff with lastState.terminated and a rising restartCount; logs of the previous container', async () => {
      const { server, core } = await start({ images: { 'crashy:1': { crash: { exitCode: 137, reason: 'OOMKilled' } } } });
      await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'c' }, spec: { containers: [{ name: 'main', image: 'crashy:1' }] } } });
      server.tick(3);
      let cs = server.get('Pod', 'default', 'c')!.status.containerStatuses[0];
      expect(cs.state.waiting.reason).toBe('CrashLoopBackOff');
      expect(cs.lastState.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
      expect(cs.restartCount).toBe(1);
      server.tick(4);
      cs = server.get('Pod', 'default', 'c')!.status.containerStatuses[0];
      expect(cs.restartCount).toBe(3);
      expect(server.get('Pod', 'default', 'c')!.status.phase).toBe('Running');
      server.setLogs('default', 'c', 'main', 'line 1\nline 2\nkilled\n', { previous: true });
      expect(await core.readNamespacedPodLog({ name: 'c', namespace: 'default', container: 'main', previous: true, tailLines: 2 })).toBe('line 2\nkilled\n');
      const events = await core.listNamespacedEvent({ namespace: 'default', fieldSelector: 'involvedObject.name=c,reason=BackOff' });
      expect(events.items[0]?.count).toBeGreaterThanOrEqual(2);
    });

    it('Unschedulable: the scheduler\'s message for too little cpu and for an unbound immediate claim', async () => {
      const { server, core, objects } = await start({ nodes: [{ name: 'small', cpu: '1' }], defaultStorageClass: false });
      await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'big' }, spec: { containers: [{ name: 'c', image: 'x:1', resources: { requests: { cpu: '2' } } }] } } });
      await apply(objects, sts('db', { claims: true }));
      server.tick(2);
      const cond = (name: string) => server.get('Pod', 'default', name)!.status.conditions.find((c: { type: string }) => c.type === 'PodScheduled');
      expect(cond('big')).toMatchObject({ status: 'False', reason: 'Unschedulable',
        message: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.' });
      expect(cond('db-0')).toMatchObject({ status: 'False', reason: 'Unschedulable',
        message: '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.' });
      const ev = await core.listNamespacedEvent({ namespace: 'default', fieldSelector: 'reason=FailedScheduling' });
      expect(ev.items.map((e) => e.involvedObject.name).sort()).toEqual(['big', 'db-0']);
    });
  });

  describe('volumes', () => {
    it('binds a pre-bound PV to its claim and provisions for the default class; both sides Bound', async () => {
      const { server, core } = await start();
      await core.createPersistentVolume({ body: { metadata: { name: 'pv-a' }, spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', claimRef: { namespace: 'default', name: 'want-a' }, hostPath: { path: '/a' } } } });
      await core.createNamespacedPersistentVolumeClaim({ namespace: 'default', body: { metadata: { name: 'want-a' }, spec: { storageClassName: 'manual', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } });
      await core.createNamespacedPersistentVolumeClaim({ namespace: 'default', body: { metadata: { name: 'dyn' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } } } });
      server.settle();
      const pvc = server.get('pvc', 'default', 'want-a')!;
      expect(pvc.spec.volumeName).toBe('pv-a');
      expect(pvc.status).toMatchObject({ phase: 'Bound', capacity: { storage: '5Gi' } });
      expect(pvc.metadata.annotations).toMatchObject({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
      expect(server.get('pv', undefined, 'pv-a')!.spec.claimRef).toMatchObject({ uid: pvc.metadata.uid, name: 'want-a' });
      const dyn = server.get('pvc', 'default', 'dyn')!;
      expect(dyn.spec.volumeName).toBe(`pvc-${dyn.metadata.uid}`);
      expect(server.get('pv', undefined, dyn.spec.volumeName)).toMatchObject({ spec: { storageClassName: 'standard', persistentVolumeReclaimPolicy: 'Delete' }, status: { phase: 'Bound' } });
    });

    it('pvc-protection: a claim in use waits for its pod; then a Retain volume is Released', async () => {
      const { server, core } = await start();
      await core.createPersistentVolume({ body: { metadata: { name: 'keep' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', claimRef: { namespace: 'default', name: 'used' }, hostPath: { path: '/k' } } } });
      await core.createNamespacedPersistentVolumeClaim({ namespace: 'default', body: { metadata: { name: 'used' }, spec: { storageClassName: 'manual', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } });
      await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'user' }, spec: { containers: [{ name: 'c', image: 'x:1' }], volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'used' } }] } } });
      server.settle();
      await core.deleteNamespacedPersistentVolumeClaim({ name: 'used', namespace: 'default' });
      server.tick(3);
      expect(server.get('pvc', 'default', 'used')!.metadata.deletionTimestamp).toBeDefined();
      await core.deleteNamespacedPod({ name: 'user', namespace: 'default' });
      expect(server.get('Pod', 'default', 'user')!.metadata.deletionTimestamp).toBeDefined();
      server.settle();
      expect(server.get('pvc', 'default', 'used')).toBeUndefined();
      expect(server.get('pv', undefined, 'keep')!.status.phase).toBe('Released');
    });

    it('a provisioned (Delete) volume whose claim is gone is Released, then deleted past pv-protection', async () => {
      const { server, core } = await start();
      await core.createNamespacedPersistentVolumeClaim({ namespace: 'default', body: { metadata: { name: 'dyn' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } });
      server.settle();
      const pv = server.get('pvc', 'default', 'dyn')!.spec.volumeName as string;
      expect(server.get('pv', undefined, pv)!.spec.persistentVolumeReclaimPolicy).toBe('Delete');
      await core.deleteNamespacedPersistentVolumeClaim({ name: 'dyn', namespace: 'default' });
      server.settle();
      expect(server.get('pv', undefined, pv)).toBeUndefined();
    });
  });

  describe('garbage collection', () => {
    it('background: pods and revisions of a deleted StatefulSet go; orphan: they stay without owner references', async () => {
      const { server, objects, apps } = await start();
      await apply(objects, sts('bg', { claims: false }));
      await apply(objects, sts('orph', { claims: false }));
      server.settle();
      await apps.deleteNamespacedStatefulSet({ name: 'bg', namespace: 'default' });
      await apps.deleteNamespacedStatefulSet({ name: 'orph', namespace: 'default', propagationPolicy: 'Orphan' });
      server.settle();
      expect(podNames(server)).toEqual(['orph-0']);
      expect(server.get('Pod', 'default', 'orph-0')!.metadata.ownerReferences).toBeUndefined();
      expect(server.get('sts', 'default', 'orph')).toBeUndefined();
      expect(server.list('ControllerRevision', 'default').map((r) => r.metadata.name)).toEqual([expect.stringMatching(/^orph-/)]);
    });

    it('foreground: the owner stays until its dependents are gone', async () => {
      const { server, objects, apps } = await start();
      await apply(objects, sts('fg', { claims: false }));
      server.settle();
      await apps.deleteNamespacedStatefulSet({ name: 'fg', namespace: 'default', propagationPolicy: 'Foreground' });
      expect(server.get('sts', 'default', 'fg')!.metadata.finalizers).toEqual(['foregroundDeletion']);
      server.settle();
      expect(server.get('sts', 'default', 'fg')).toBeUndefined();
      expect(podNames(server)).toEqual([]);
    });
  });
});
