// The seed's whole lifecycle as one scenario, driven through the real command layer (chat commands → runner →
// operations → ClusterTarget → client-node → an API server), asserting the words a user reads. It runs on two
// backends with the same steps: the strict in-process API server (npm test; test/lifecycle/lifecycle.test.ts) and a
// real cluster (npm run test:e2e; test/e2e/cluster.test.ts). What only one backend can do (make an image crash,
// emulate the JCasC reload sidecar) is a hook of the backend; a real cluster does the real thing.
import { expect } from '@jest/globals';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { CoreV1Api, AppsV1Api } from '@kubernetes/client-node';
import { pino } from 'pino';
import { TokenSigner } from '../../src/commands/confirmation-token.js';
import { createCommandRunner } from '../../src/commands/create-runner.js';
import { Policy } from '../../src/commands/policy.js';
import { createOperations } from '../../src/operations/index.js';
import { ClusterTarget } from '../../src/targets/cluster/cluster-target.js';
import { names } from '../../src/instance/naming.js';
import { RecordingReply, alice, textOf } from '../commands/recording-reply.js';

export interface Backend {
  /** e.g. `strict API server 1.24`, `cluster kind-kind`. */
  name: string;
  kubeConfig: KubeConfig;
  namespace: string;
  storage: 'static' | 'dynamic';
  /** Static storage: the hostPath parent folder. */
  hostPath: string;
  /** Images the controller runs before and after the image change (both start), and one that cannot be pulled. */
  images: { before: string; after: string; broken: string };
  /** Clock of the cluster (the target's `now`), and its settings for waits. */
  now?: () => number;
  pollMs?: number;
  graceMs?: number;
  readyTimeoutSeconds?: number;
  /** Lets the backend's controllers move (the strict server ticks); a real cluster needs nothing. */
  settle?: () => Promise<void>;
}

/** The chat pipeline on a ClusterTarget, as a Slack user who may deploy sees it. */
export function chat(backend: Backend) {
  const target = new ClusterTarget(backend.kubeConfig, {
    description: backend.name,
    ...(backend.now ? { now: backend.now } : {}),
    pollMs: backend.pollMs ?? 2000,
    graceMs: backend.graceMs ?? 60_000,
    defaultTimeoutSeconds: backend.readyTimeoutSeconds ?? 900,
  });
  const runner = createCommandRunner({
    operations: createOperations(target, { host: 'bot-1', readyTimeoutSeconds: backend.readyTimeoutSeconds ?? 900, reloadTimeoutSeconds: backend.readyTimeoutSeconds ?? 900 }),
    policy: new Policy({ deployers: { users: [alice.userId], groups: [] } }),
    signer: new TokenSigner('lifecycle-key'),
    logger: pino({ level: 'silent' }),
    waitTimeoutSeconds: backend.readyTimeoutSeconds ?? 900,
  });
  const say = async (line: string): Promise<RecordingReply> => {
    const reply = new RecordingReply();
    await runner.handle(line, alice, reply);
    return reply;
  };
  return {
    target,
    say,
    /** Runs a command and says yes when asked; returns both answers. */
    async sayYes(line: string): Promise<{ question: RecordingReply; answer: RecordingReply }> {
      const question = await say(line);
      const confirmation = question.confirmation;
      if (!confirmation) return { question, answer: question };
      const answer = new RecordingReply();
      await runner.confirm(confirmation.token, alice, answer);
      return { question, answer };
    },
  };
}

/** Every progress line and the final answer, as one text (what the user saw, in order). */
export function transcript(reply: RecordingReply): string {
  // The progress message is edited in place: its last state holds every step.
  const last = reply.progresses.at(-1);
  return [...(last ? [textOf(last)] : []), ...reply.seen.flatMap((s) => (s.kind === 'confirm' ? [textOf(s.confirmation.message)] : s.kind === 'result' ? [textOf(s.message)] : []))].join('\n');
}

type Obj = KubernetesObject & { spec?: Record<string, unknown>; status?: Record<string, unknown>; data?: Record<string, string> };

/** What the scenario reads back from the cluster, through client-node like any client. */
function cluster(backend: Backend) {
  const core = backend.kubeConfig.makeApiClient(CoreV1Api);
  const apps = backend.kubeConfig.makeApiClient(AppsV1Api);
  const ns = backend.namespace;
  const ignore404 = async <T>(p: Promise<T>): Promise<T | undefined> => p.catch((e: { code?: number }) => {
    if (e.code === 404) return undefined;
    throw e;
  });
  return {
    claim: (name: string) => ignore404(core.readNamespacedPersistentVolumeClaim({ name, namespace: ns })) as Promise<Obj | undefined>,
    volume: (name: string) => ignore404(core.readPersistentVolume({ name })) as Promise<Obj | undefined>,
    statefulSet: (name: string) => ignore404(apps.readNamespacedStatefulSet({ name, namespace: ns })) as Promise<Obj | undefined>,
    configMap: (name: string) => ignore404(core.readNamespacedConfigMap({ name, namespace: ns })) as Promise<Obj | undefined>,
    pod: (name: string) => ignore404(core.readNamespacedPod({ name, namespace: ns })) as Promise<Obj | undefined>,
    /** Everything labelled as `instance`'s (exact label), namespaced kinds and PersistentVolumes. */
    async owned(instance: string): Promise<string[]> {
      const selector = `app.kubernetes.io/instance=${instance}`;
      const found: string[] = [];
      const add = (kind: string, items: { metadata?: { name?: string; deletionTimestamp?: unknown } }[]) => {
        for (const i of items) if (!i.metadata?.deletionTimestamp) found.push(`${kind}/${i.metadata?.name}`);
      };
      add('StatefulSet', (await apps.listNamespacedStatefulSet({ namespace: ns, labelSelector: selector })).items);
      add('Service', (await core.listNamespacedService({ namespace: ns, labelSelector: selector })).items);
      add('ConfigMap', (await core.listNamespacedConfigMap({ namespace: ns, labelSelector: selector })).items);
      add('Secret', (await core.listNamespacedSecret({ namespace: ns, labelSelector: selector })).items);
      add('PersistentVolumeClaim', (await core.listNamespacedPersistentVolumeClaim({ namespace: ns, labelSelector: selector })).items);
      add('PersistentVolume', (await core.listPersistentVolume({ labelSelector: selector })).items.filter((pv) => pv.spec?.claimRef?.namespace === ns));
      add('Pod', (await core.listNamespacedPod({ namespace: ns, labelSelector: selector })).items);
      return found.sort();
    },
  };
}

/** The objects of an instance that must not change while another instance is worked on: uid + spec/data. */
async function fingerprint(backend: Backend, instance: string): Promise<Record<string, unknown>> {
  const c = cluster(backend);
  const id = (o: Obj | undefined) => (o ? { uid: o.metadata?.uid, spec: o.spec, data: o.data } : 'missing');
  const claim = await c.claim(names.homeClaim(instance, 0));
  return {
    statefulSet: id(await c.statefulSet(names.statefulSet(instance))),
    values: id(await c.configMap(names.specConfigMap(instance))),
    casc: id(await c.configMap(names.cascConfigMap(instance))),
    claim: id(claim),
    volume: id(await c.volume(String(claim?.spec?.volumeName ?? ''))),
    pod: (await c.pod(names.controllerPod(instance, 0)))?.metadata?.uid ?? 'missing',
  };
}

/** The lifecycle: each step's words and effects, on any backend. */
export async function runLifecycle(backend: Backend): Promise<void> {
  const ns = backend.namespace;
  const { say, sayYes } = chat(backend);
  const c = cluster(backend);
  const storage = backend.storage === 'static'
    ? `storage=static:1Gi hostPath=${backend.hostPath}`
    : 'storage=dynamic:1Gi';
  const settle = async () => backend.settle?.();
  const t0 = Date.now();
  const step = (what: string) => { if (process.env.LIFECYCLE_TRACE) console.log(`${Date.now() - t0} ms: ${what}`); };

  // A second instance whose name shares the prefix: nothing below may touch it.
  step('A second instance whose name shares the prefix: nothing below may touch it.');
  const other = await say(`deploy ci-dev namespace=${ns} ${storage} image=${backend.images.before}`);
  expect(other.last).toMatchObject({ tone: 'success', title: 'ci-dev created and ready' });
  await settle();
  const otherBefore = await fingerprint(backend, 'ci-dev');

  // deploy → bound
  step('deploy → bound');
  const first = await say(`deploy ci namespace=${ns} ${storage} image=${backend.images.before}`);
  expect(first.last).toMatchObject({ tone: 'success', title: 'ci created and ready' });
  const firstWords = transcript(first);
  expect(firstWords).toContain('ci is ready: 1/1 controller(s) answering');
  const claim0 = await c.claim(names.homeClaim('ci', 0));
  expect(claim0?.status?.phase).toBe('Bound');
  expect(firstWords).toContain(`volume claim ${names.homeClaim('ci', 0)} is bound to ${String(claim0?.spec?.volumeName)}`);
  if (backend.storage === 'static') expect(claim0?.spec?.volumeName).toBe(names.staticVolume(ns, 'ci', 0));
  await settle();

  // no-change deploy: 0 changes, no 409 (the bound PersistentVolume is not applied again)
  step('no-change deploy: 0 changes, no 409 (the bound PersistentVolume is not applied again)');
  const same = await say('deploy ci');
  expect(same.last).toMatchObject({ tone: 'info', title: 'ci already has these settings: nothing to change' });
  expect(transcript(same)).not.toMatch(/409|conflict/i);

  // agent cap change: a JCasC reload, no restart
  step('agent cap change: a JCasC reload, no restart');
  const podBefore = await c.pod('ci-0');
  const cap = await say('scale ci agents 7');
  expect(cap.last).toMatchObject({ tone: 'success', title: 'ci: at most 7 agent pods' });
  expect(transcript(cap)).toContain('ci-0 loaded JCasC revision');
  expect((await c.pod('ci-0'))?.metadata?.uid).toBe(podBefore?.metadata?.uid);
  expect((await c.configMap(names.cascConfigMap('ci')))?.data?.['jenkins.yaml']).toContain('containerCapStr: "7"');

  // scale to 2: with static storage the new PersistentVolume is created before the StatefulSet asks for its claim
  step('scale to 2: with static storage the new PersistentVolume is created before the StatefulSet asks for its claim');
  const two = await sayYes('scale ci 2');
  expect(textOf(two.question.last ?? two.question.confirmation!.message)).toBeDefined();
  expect(two.answer.last).toMatchObject({ tone: 'success', title: 'ci scaled to 2 controllers and ready' });
  const twoWords = transcript(two.answer);
  if (backend.storage === 'static') {
    const pv1 = names.staticVolume(ns, 'ci', 1);
    expect(twoWords).toContain(`created PersistentVolume/${pv1}`);
    expect(twoWords.indexOf(`created PersistentVolume/${pv1}`)).toBeLessThan(twoWords.indexOf('updated StatefulSet/ci'));
    expect((await c.claim(names.homeClaim('ci', 1)))?.spec?.volumeName).toBe(pv1);
  }
  expect((await c.claim(names.homeClaim('ci', 1)))?.status?.phase).toBe('Bound');
  // status: this instance's claims, by its ownership labels and exact names (never ci-dev's)
  const status = transcript(await say('status ci'));
  expect(status).toContain(`${names.homeClaim('ci', 0)} Bound, ${names.homeClaim('ci', 1)} Bound`);
  expect(status).not.toContain(names.homeClaim('ci-dev', 0));

  // scale to 0: hibernate, every claim kept
  step('scale to 0: hibernate, every claim kept');
  const zero = await say('scale ci 0');
  expect(zero.last).toMatchObject({ tone: 'success', title: 'ci is hibernating' });
  expect(transcript(zero)).toContain(`kept ${names.homeClaim('ci', 0)}, ${names.homeClaim('ci', 1)}`);
  await settle();

  // scale to 1: the same claim (same uid), so the same data
  step('scale to 1: the same claim (same uid), so the same data');
  const one = await say('scale ci 1');
  expect(one.last).toMatchObject({ tone: 'success', title: 'ci scaled to 1 controller and ready' });
  const claimAgain = await c.claim(names.homeClaim('ci', 0));
  expect(claimAgain?.metadata?.uid).toBe(claim0?.metadata?.uid);
  expect(claimAgain?.spec?.volumeName).toBe(claim0?.spec?.volumeName);

  // image change to an image that cannot be pulled: the wait names the pod and the image
  step('image change to an image that cannot be pulled');
  const bad = await sayYes(`deploy ci image=${backend.images.broken}`);
  expect(bad.answer.last).toMatchObject({ tone: 'danger', title: 'ci updated but did not become ready' });
  expect(transcript(bad.answer)).toMatch(new RegExp(`image-pull: container [a-z-]+ of ci-0 cannot pull image ${backend.images.broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

  // image change: the pod stuck on the broken revision is replaced (OrderedReady would never do it), then ready
  step('image change: the stuck pod is replaced');
  const image = await sayYes(`deploy ci image=${backend.images.after}`);
  expect(image.answer.last).toMatchObject({ tone: 'success', title: 'ci updated and ready' });
  const imageWords = transcript(image.answer);
  expect(imageWords).toMatch(/ci-0 is stuck on the old revision ci-[a-z0-9]+ \(container [a-z-]+ of ci-0 cannot pull image .*\); with podManagementPolicy OrderedReady the StatefulSet never replaces a pod that is not Ready/);
  expect(imageWords).toContain('deleted it so it is recreated from revision');
  const sts = await c.statefulSet('ci');
  const pod0 = await c.pod('ci-0');
  expect(pod0?.metadata?.labels?.['controller-revision-hash']).toBe(sts?.status?.updateRevision);

  // an immutable storage field: refused at plan time, in words, with the way to migrate; nothing changed
  step('an immutable storage field: refused at plan time, in words, with the way to migrate; nothing changed');
  const valuesBefore = (await c.configMap(names.specConfigMap('ci')))?.data;
  const grow = await say(backend.storage === 'static' ? 'deploy ci storage=static:2Gi' : 'deploy ci storage=dynamic:2Gi');
  expect(grow.confirmation).toBeUndefined();
  expect(grow.last).toMatchObject({ tone: 'danger' });
  const growWords = transcript(grow);
  expect(growWords).toContain('persistence.size ("1Gi" → "2Gi") cannot change on an existing instance; nothing was changed');
  expect(growWords).toContain(`kubectl -n ${ns} delete statefulset ci --cascade=orphan`);
  expect(growWords).not.toMatch(/422|Forbidden/);
  expect((await c.configMap(names.specConfigMap('ci')))?.data).toEqual(valuesBefore);

  // delete: the settings and the data stay
  step('delete: the settings and the data stay');
  const removed = await sayYes('delete ci');
  expect(removed.answer.last).toMatchObject({ tone: 'success', title: 'ci deleted' });
  expect(textOf(removed.answer.last)).toContain(`PersistentVolumeClaim/${names.homeClaim('ci', 0)}`);
  expect(await c.statefulSet('ci')).toBeUndefined();
  expect((await c.configMap(names.specConfigMap('ci')))?.data).toEqual(valuesBefore);
  await settle();

  // deploy: the same settings come back (the new image, the storage, two claims' worth of volumes kept)
  step("deploy: the same settings come back (the new image, the storage, two claims' worth of volumes kept)");
  const back = await sayYes('deploy ci');
  expect(back.answer.last).toMatchObject({ tone: 'success' });
  expect(transcript(back.answer)).toContain('ci is ready: 1/1 controller(s) answering');
  const stsBack = await c.statefulSet('ci') as { spec: { template: { spec: { containers: { name: string; image: string }[] } } } } | undefined;
  expect(stsBack?.spec.template.spec.containers.find((x) => x.name === 'jenkins')?.image).toBe(backend.images.after);
  expect((await c.claim(names.homeClaim('ci', 0)))?.metadata?.uid).toBe(claim0?.metadata?.uid);
  await settle();

  // delete --purge: only this instance's objects, every ordinal's volume; hostPath data stays on the node
  step("delete --purge: only this instance's objects, every ordinal's volume; hostPath data stays on the node");
  const volumes = [String(claim0?.spec?.volumeName), String((await c.claim(names.homeClaim('ci', 1)))?.spec?.volumeName)];
  const purge = await sayYes('delete ci --purge');
  expect(purge.answer.last).toMatchObject({ tone: 'success', title: 'ci deleted' });
  const purgeWords = transcript(purge.answer);
  expect(purgeWords).toContain(`PersistentVolumeClaim/${names.homeClaim('ci', 1)}`);
  if (backend.storage === 'static') {
    for (const ordinal of [0, 1]) {
      expect(purgeWords).toContain(`deleted PersistentVolume/${names.staticVolume(ns, 'ci', ordinal)}`);
      expect(purgeWords).toContain(`Kubernetes never deletes hostPath files: the data stays in ${names.hostDirectory(backend.hostPath, ns, 'ci', ordinal)} on `);
    }
    // ci-0 ran on a known node when the purge started: the answer names it.
    expect(purgeWords).toMatch(new RegExp(`hostPath data ${names.hostDirectory(backend.hostPath, ns, 'ci', 0)} on node \\S+`));
  }
  await settle();
  await eventually(async () => expect(await c.owned('ci')).toEqual([]), backend);
  for (const v of volumes) await eventually(async () => expect(await c.volume(v)).toBeUndefined(), backend);

  // the other instance was never touched
  step('the other instance was never touched');
  expect(await fingerprint(backend, 'ci-dev')).toEqual(otherBefore);
}

/** Retries an assertion while the backend's controllers catch up (garbage collection, finalizers). */
async function eventually(check: () => Promise<void>, backend: Backend, tries = 60): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await check();
      return;
    } catch (err) {
      if (i >= tries) throw err;
      await backend.settle?.();
      await new Promise((resolve) => setTimeout(resolve, backend.settle ? 20 : 2000));
    }
  }
}
