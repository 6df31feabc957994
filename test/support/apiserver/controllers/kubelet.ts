// A kubelet without containers: it walks each pod on a node through the states the real one reports
// (pkg/kubelet/kubelet_pods.go generateAPIPodStatus, pkg/kubelet/images ErrImagePull/ImagePullBackOff,
// pkg/kubelet/kuberuntime CrashLoopBackOff), one step per tick, and removes pods whose deletion has started.
// Behaviour per image comes from the server's image table; back-off is one tick, not the real 10s doubling.
import { clone, type Obj } from '../util.js';
import { attempt, info, list, type ControllerContext } from './context.js';

type Stage = 'creating' | 'pullfail' | 'running' | 'backoff' | 'completed';

interface ContainerState {
  image: string;
  stage: Stage;
  since: number;
  restarts: number;
  startedAt?: string;
  readySince?: number;
  lastTerminated?: Obj;
  pullFailures: number;
}

interface PodState {
  containers: Map<string, ContainerState>;
  initDone: boolean;
  podIP: string;
  startTime: string;
}

export class Kubelet {
  private readonly pods = new Map<string, PodState>();
  private ticks = 0;
  private ipCounter = 0;

  constructor(private readonly ctx: ControllerContext) {}

  run(): void {
    this.ticks += 1;
    const nodes = new Set(list(this.ctx, 'Node').map((n) => n.metadata.name));
    const seen = new Set<string>();
    for (const pod of list(this.ctx, 'Pod')) {
      if (!pod.spec?.nodeName || !nodes.has(pod.spec.nodeName)) continue;
      if (pod.metadata.deletionTimestamp) {
        // Containers stopped: the kubelet finishes the graceful deletion.
        attempt(() => this.ctx.registry.delete(info('Pod'), pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0 }));
        this.pods.delete(pod.metadata.uid);
        continue;
      }
      seen.add(pod.metadata.uid);
      if (['Succeeded', 'Failed'].includes(pod.status?.phase)) continue;
      this.sync(pod);
    }
    for (const uid of [...this.pods.keys()]) if (!seen.has(uid)) this.pods.delete(uid);
  }

  private sync(pod: Obj): void {
    const ctx = this.ctx;
    let state = this.pods.get(pod.metadata.uid);
    if (!state) {
      this.ipCounter += 1;
      state = { containers: new Map(), initDone: (pod.spec.initContainers ?? []).length === 0, podIP: `10.244.0.${this.ipCounter + 1}`, startTime: ctx.clock.iso() };
      this.pods.set(pod.metadata.uid, state);
    }
    const t = this.ticks;
    const step = (c: Obj, isInit: boolean) => {
      let cs = state.containers.get(c.name);
      if (!cs || cs.image !== c.image) {
        cs = { image: c.image, stage: 'creating', since: t, restarts: cs?.restarts ?? 0, pullFailures: 0 };
        state.containers.set(c.name, cs);
        return cs;
      }
      const b = ctx.imageBehaviour(c.image);
      switch (cs.stage) {
        case 'creating':
        case 'pullfail':
          if (t - cs.since < ctx.kubelet.startTicks && cs.stage === 'creating') break;
          if (b.pullFails) {
            cs.pullFailures += 1;
            if (cs.stage === 'creating') ctx.event(pod, 'Normal', 'Pulling', `Pulling image "${c.image}"`, 'kubelet', pod.spec.nodeName);
            cs.stage = 'pullfail';
            if (cs.pullFailures === 1) {
              ctx.event(pod, 'Warning', 'Failed', `Failed to pull image "${c.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": not found`, 'kubelet', pod.spec.nodeName);
              ctx.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull', 'kubelet', pod.spec.nodeName);
            } else {
              ctx.event(pod, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`, 'kubelet', pod.spec.nodeName);
              ctx.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', 'kubelet', pod.spec.nodeName);
            }
            break;
          }
          cs.stage = 'running';
          cs.since = t;
          cs.startedAt = ctx.clock.iso();
          ctx.event(pod, 'Normal', 'Created', `Created container ${c.name}`, 'kubelet', pod.spec.nodeName);
          ctx.event(pod, 'Normal', 'Started', `Started container ${c.name}`, 'kubelet', pod.spec.nodeName);
          break;
        case 'running': {
          if (isInit) {
            if (b.crash && t - cs.since >= (b.crash.afterTicks ?? 1)) this.crash(pod, c, cs, b.crash);
            else {
              cs.stage = 'completed';
              cs.lastTerminated = { exitCode: 0, reason: 'Completed', startedAt: cs.startedAt, finishedAt: ctx.clock.iso() };
            }
            break;
          }
          if (b.crash && t - cs.since >= (b.crash.afterTicks ?? 1)) {
            this.crash(pod, c, cs, b.crash);
            break;
          }
          const readyAfter = b.readyAfterTicks ?? ctx.kubelet.readyTicks;
          if (!b.neverReady && cs.readySince === undefined && t - cs.since >= readyAfter) cs.readySince = t;
          if (b.neverReady && c.readinessProbe && t - cs.since >= readyAfter) {
            ctx.event(pod, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', 'kubelet', pod.spec.nodeName);
          }
          break;
        }
        case 'backoff':
          cs.stage = 'running';
          cs.since = t;
          cs.startedAt = ctx.clock.iso();
          break;
        case 'completed':
          break;
      }
      return cs;
    };

    if (!state.initDone) {
      for (const c of (pod.spec.initContainers ?? []) as Obj[]) {
        const cs = step(c, true);
        if (cs.stage !== 'completed') break;
      }
      state.initDone = ((pod.spec.initContainers ?? []) as Obj[]).every((c) => state.containers.get(c.name)?.stage === 'completed');
    } else {
      for (const c of (pod.spec.containers ?? []) as Obj[]) step(c, false);
    }
    this.writeStatus(pod, state);
  }

  private crash(pod: Obj, c: Obj, cs: ContainerState, crash: NonNullable<ReturnType<ControllerContext['imageBehaviour']>['crash']>): void {
    cs.stage = 'backoff';
    cs.since = this.ticks;
    cs.restarts += 1;
    cs.readySince = undefined;
    cs.lastTerminated = {
      exitCode: crash.exitCode ?? 1, reason: crash.reason ?? 'Error', startedAt: cs.startedAt, finishedAt: this.ctx.clock.iso(),
      containerID: containerId(pod, c.name, cs.restarts - 1),
    };
    this.ctx.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`, 'kubelet', pod.spec.nodeName);
  }

  private containerStatus(pod: Obj, c: Obj, cs: ContainerState | undefined, initDone: boolean, isInit: boolean): Obj {
    const base: Obj = { name: c.name, image: c.image, imageID: '', ready: false, restartCount: cs?.restarts ?? 0, started: false };
    if (cs?.lastTerminated && cs.stage !== 'completed') base.lastState = { terminated: cs.lastTerminated };
    else base.lastState = {};
    if (!cs || cs.stage === 'creating') {
      base.state = { waiting: { reason: isInit || initDone ? (isInit ? 'PodInitializing' : 'ContainerCreating') : 'PodInitializing' } };
    } else if (cs.stage === 'pullfail') {
      base.state = cs.pullFailures <= 1
        ? { waiting: { reason: 'ErrImagePull', message: `failed to pull and unpack image "${c.image}": not found` } }
        : { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } };
    } else if (cs.stage === 'backoff') {
      base.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})` } };
      base.imageID = imageId(c.image);
      base.containerID = containerId(pod, c.name, cs.restarts - 1);
    } else if (cs.stage === 'completed') {
      base.state = { terminated: cs.lastTerminated };
      base.imageID = imageId(c.image);
      base.containerID = containerId(pod, c.name, cs.restarts);
    } else {
      base.state = { running: { startedAt: cs.startedAt } };
      base.started = true;
      base.ready = cs.readySince !== undefined;
      base.imageID = imageId(c.image);
      base.containerID = containerId(pod, c.name, cs.restarts);
    }
    return base;
  }

  private writeStatus(pod: Obj, state: PodState): void {
    const ctx = this.ctx;
    const now = ctx.clock.iso();
    const inits = ((pod.spec.initContainers ?? []) as Obj[]).map((c) => this.containerStatus(pod, c, state.containers.get(c.name), state.initDone, true));
    const mains = ((pod.spec.containers ?? []) as Obj[]).map((c) => this.containerStatus(pod, c, state.containers.get(c.name), state.initDone, false));
    const allReady = state.initDone && mains.length > 0 && mains.every((s) => s.ready);
    const anyRan = mains.some((s) => s.state.running || s.lastState.terminated);
    const old = pod.status ?? {};
    const cond = (type: string, ok: boolean, reason?: string): Obj => {
      const prev = ((old.conditions ?? []) as Obj[]).find((c) => c.type === type);
      const status = ok ? 'True' : 'False';
      return {
        type, status, lastProbeTime: null,
        lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : now,
        ...(ok || !reason ? {} : { reason }),
      };
    };
    const scheduled = ((old.conditions ?? []) as Obj[]).find((c) => c.type === 'PodScheduled');
    const conditions = [
      ...(ctx.minor >= 29 ? [cond('PodReadyToStartContainers', true)] : []),
      cond('Initialized', state.initDone, 'ContainersNotInitialized'),
      cond('Ready', allReady, 'ContainersNotReady'),
      cond('ContainersReady', allReady, 'ContainersNotReady'),
      ...(scheduled ? [scheduled] : []),
    ];
    for (const c of conditions) {
      if (c.status === 'False' && (c.type === 'Ready' || c.type === 'ContainersReady')) {
        const notReady = mains.filter((s) => !s.ready).map((s) => s.name);
        c.message = `containers with unready status: [${notReady.join(' ')}]`;
      }
      if (c.status === 'False' && c.type === 'Initialized') {
        const pending = inits.filter((s) => !s.state.terminated).map((s) => s.name);
        c.message = `containers with incomplete status: [${pending.join(' ')}]`;
      }
    }
    const status: Obj = {
      phase: state.initDone && anyRan ? 'Running' : 'Pending',
      conditions,
      hostIP: '172.18.0.2', hostIPs: [{ ip: '172.18.0.2' }],
      podIP: state.podIP, podIPs: [{ ip: state.podIP }],
      startTime: state.startTime,
      ...(inits.length ? { initContainerStatuses: inits } : {}),
      containerStatuses: mains,
      qosClass: old.qosClass,
    };
    const next = clone(pod);
    next.status = status;
    attempt(() => ctx.registry.controllerUpdate(info('Pod'), next, 'kubelet', 'status'));
  }
}

function imageId(image: string): string {
  const name = image.split('@')[0]!.split(':')[0]!;
  const full = name.includes('/') ? (name.split('/')[0]!.includes('.') ? name : `docker.io/${name}`) : `docker.io/library/${name}`;
  let h = 0;
  for (const ch of image) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `${full}@sha256:${h.toString(16).padStart(8, '0').repeat(8)}`;
}

function containerId(pod: Obj, name: string, n: number): string {
  let h = 0;
  for (const ch of `${pod.metadata.uid}/${name}/${n}`) h = (h * 33 + ch.charCodeAt(0)) >>> 0;
  return `containerd://${h.toString(16).padStart(8, '0').repeat(8)}`;
}
