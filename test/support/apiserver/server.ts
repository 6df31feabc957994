// A strict in-process Kubernetes API server for tests: real HTTP on 127.0.0.1 so that @kubernetes/client-node
// talks to it unmodified, the REST and server-side apply rules of the registry, and controllers that move only when
// the test says so (tick/advance/settle), or on a short real interval in auto mode.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { Clock } from './clock.js';
import { makeEventRecorder } from './controllers/events.js';
import type { ControllerContext, ImageBehaviour, KubeletOptions } from './controllers/context.js';
import { runGarbageCollector, runNamespaces } from './controllers/gc.js';
import { Kubelet } from './controllers/kubelet.js';
import { runScheduler } from './controllers/scheduler.js';
import { runStatefulSets } from './controllers/statefulset.js';
import { runProtection, runVolumes } from './controllers/volumes.js';
import { ApiError, badRequest, invalid, methodNotAllowed, notFound } from './errors.js';
import { faultHeaders, faultStatus, Faults, type FaultRule, type RequestRecord } from './faults.js';
import { parseJson, Registry, type DeleteOptions } from './registry.js';
import { apiGroup, apiGroupList, byKind, byPath, coreVersions, CRD_KINDS, resourceList, type ResourceInfo } from './resources.js';
import { Store } from './store.js';
import { DEFAULT_CLASS_ANNOTATION } from './strategy.js';
import { clone, isObject, type Obj } from './util.js';
import { WatchHub } from './watch.js';

export interface NodeSpec {
  name: string;
  cpu?: string;
  memory?: string;
  pods?: number;
  labels?: Record<string, string>;
  taints?: Obj[];
  unschedulable?: boolean;
}

export interface ApiServerOptions {
  /** Kubernetes version modelled, "1.24" or "1.31.2" (default "1.31.0"): /version, the PV claimRef era, messages. */
  version?: string;
  /** Force the PV spec.claimRef SSA schema: granular (≥1.25) or atomic (1.22–1.24); default from `version`. */
  claimRef?: 'granular' | 'atomic';
  /** Simulated milliseconds per tick (default 1000). */
  tickMs?: number;
  /** Tick on a real interval (ms, default 20 when true) for end-to-end style tests. */
  auto?: boolean | number;
  /** Latency added to every request, in real milliseconds. */
  latencyMs?: number;
  /** Watch history length in events (default 1000): older resourceVersions get 410 Expired. */
  watchHistory?: number;
  /** Create the default namespaces, the kubernetes Service, nodes and the default StorageClass (default true). */
  seed?: boolean;
  /** Nodes to create when seeding (default one node "node-1" with 4 cpu, 8Gi, 110 pods). */
  nodes?: NodeSpec[];
  /** The default StorageClass created when seeding; false for none. */
  defaultStorageClass?: false | { name?: string; provisioner?: string; volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer'; allowVolumeExpansion?: boolean };
  kubelet?: Partial<KubeletOptions>;
  /** How images behave in the kubelet (exact image, or a RegExp in `setImage`). */
  images?: Record<string, ImageBehaviour>;
  /** Text of pods/log when none was set with setLogs (default ""). */
  logs?: (pod: Obj, container: string, previous: boolean) => string;
  /** Clock start (default 2026-01-01T00:00:00Z). */
  startTime?: string;
  /** CRD kinds served from the start (e.g. ['ServiceMonitor']); without them their group answers 404. */
  crds?: string[];
}

export interface TestApiServer {
  url: string;
  kubeConfig(namespace?: string): KubeConfig;
  close(): Promise<void>;
  /** Runs every controller once after moving the clock one tick. */
  tick(n?: number): void;
  /** Moves the clock by `ms`, one tick per tickMs. */
  advance(ms: number): void;
  /** Ticks until a tick changes nothing but Events (at most `maxTicks`, default 100); returns the ticks run. */
  settle(maxTicks?: number): number;
  now(): Date;
  /** A stored object (a copy), or undefined. `kind` is a Kind, plural or short name. */
  get(kind: string, namespace: string | undefined, name: string): Obj | undefined;
  list(kind: string, namespace?: string): Obj[];
  /** Creates or replaces an object as a client with this manager would (validation and defaults apply). */
  put(object: Obj, fieldManager?: string): Obj;
  /** Deletes an object through the API rules. */
  remove(kind: string, namespace: string | undefined, name: string, options?: DeleteOptions): void;
  /** Every request so far, oldest first. */
  readonly requests: RequestRecord[];
  clearRequests(): void;
  fault(rule: FaultRule): void;
  clearFaults(): void;
  setLatency(ms: number): void;
  setImage(image: string | RegExp, behaviour: ImageBehaviour): void;
  setLogs(namespace: string, pod: string, container: string, text: string, options?: { previous?: boolean }): void;
  /** Drops the watch history: watches from an older resourceVersion get 410 Expired. */
  compactWatchHistory(): void;
  /** Ends every open watch stream. */
  closeWatches(): void;
  readonly openWatches: number;
  readonly registry: Registry;
  /** Installs a CRD kind this server models (e.g. 'ServiceMonitor'): its group appears in discovery and is served. */
  registerCrd(kind: string): void;
  /**
   * Deletes a CRD: its group leaves discovery and its objects are no longer served (the apiextensions apiserver also
   * deletes every custom resource of a deleted CRD: kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#delete-a-customresourcedefinition).
   */
  unregisterCrd(kind: string): void;
}

function minorOf(version: string): number {
  const m = /^v?1\.(\d+)/.exec(version);
  return m ? Number(m[1]) : 31;
}

function verbOf(method: string, hasName: boolean, watch: boolean): string {
  switch (method) {
    case 'GET': return watch ? 'watch' : hasName ? 'get' : 'list';
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return hasName ? 'delete' : 'deletecollection';
    default: return method.toLowerCase();
  }
}

interface Route {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** /api/v1/[namespaces/<ns>/]<plural>[/<name>[/<subresource>]] and /apis/<group>/<version>/... */
function route(segments: string[], crds: ReadonlySet<string>): Route | undefined {
  let group = '';
  let version: string;
  let rest: string[];
  if (segments[0] === 'api') {
    version = segments[1] ?? '';
    rest = segments.slice(2);
  } else {
    group = segments[1] ?? '';
    version = segments[2] ?? '';
    rest = segments.slice(3);
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const info = byPath(group, version, rest[2]!, crds);
    if (info?.namespaced) return { info, namespace: rest[1], name: rest[3], subresource: rest[4] };
  }
  const info = byPath(group, version, rest[0] ?? '', crds);
  if (!info || rest.length > 3) return undefined;
  return { info, name: rest[1], subresource: rest[2] };
}

export async function startApiServer(options: ApiServerOptions = {}): Promise<TestApiServer> {
  const version = options.version ?? '1.31.0';
  const minor = minorOf(version);
  const gitVersion = `v${version.replace(/^v/, '')}${/^\d+\.\d+$/.test(version.replace(/^v/, '')) ? '.0' : ''}`;
  const clock = new Clock(options.startTime);
  const store = new Store(options.watchHistory ?? 1000);
  const registry = new Registry(store, clock, {
    minor, claimRefGranular: options.claimRef ? options.claimRef === 'granular' : minor >= 25,
    firstClusterIP: 100, nodePortMin: 30000, nodePortMax: 32767,
  });
  const hub = new WatchHub(store);
  const faults = new Faults();
  const requests: RequestRecord[] = [];
  const images: Array<{ match: string | RegExp; behaviour: ImageBehaviour }> =
    Object.entries(options.images ?? {}).map(([match, behaviour]) => ({ match, behaviour }));
  const logs = new Map<string, string>();
  let latency = options.latencyMs ?? 0;
  const tickMs = options.tickMs ?? 1000;
  const crds = new Set<string>();
  const registerCrd = (kind: string) => {
    if (!CRD_KINDS.includes(kind)) throw new Error(`fake apiserver: no CRD modelled for ${kind} (known: ${CRD_KINDS.join(', ')})`);
    crds.add(kind);
  };
  for (const kind of options.crds ?? []) registerCrd(kind);

  const ctx: ControllerContext = {
    registry, clock, minor,
    kubelet: { startTicks: 1, readyTicks: 1, ...options.kubelet },
    imageBehaviour: (image) => [...images].reverse().find((i) => (i.match instanceof RegExp ? i.match.test(image) : i.match === image))?.behaviour ?? {},
    event: makeEventRecorder(registry, clock),
  };
  const kubelet = new Kubelet(ctx);

  if (options.seed !== false) seed(registry, options);

  const tickOnce = () => {
    clock.advance(tickMs);
    runNamespaces(ctx);
    runGarbageCollector(ctx);
    runProtection(ctx);
    runVolumes(ctx);
    runStatefulSets(ctx);
    runScheduler(ctx);
    kubelet.run();
    hub.bookmarks();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: string): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const q = Object.fromEntries(url.searchParams);
    const method = (req.method ?? 'GET').toUpperCase();
    const segments = path.split('/').filter(Boolean);
    const r = segments[0] === 'api' || segments[0] === 'apis' ? route(segments, crds) : undefined;
    const watch = q.watch === '1' || q.watch === 'true';
    const verb = r ? verbOf(method, !!r.name, watch) : path === '/version' ? 'version' : 'discovery';
    const record: RequestRecord = { method, verb, path, query: q, ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}), ...(body ? { body } : {}) };
    requests.push(record);
    const fault = faults.take(method, verb, path, q.dryRun !== undefined);

    const send = (status: number, payload: unknown, contentType = 'application/json', headers: Record<string, string> = {}) => {
      if (fault?.loseAnswer) {
        record.status = 0;
        req.socket.destroy();
        return;
      }
      record.status = status;
      res.writeHead(status, { 'content-type': contentType, ...headers });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };

    const delay = latency + (fault?.delayMs ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (fault?.reset) {
      record.status = 0;
      req.socket.destroy();
      return;
    }
    if (fault?.status) {
      send(fault.status, faultStatus(fault.status, fault.message, fault.retryAfterSeconds), 'application/json', faultHeaders(fault));
      return;
    }

    try {
      if (path === '/version') return send(200, { major: '1', minor: String(minor), gitVersion, gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.22.0', compiler: 'gc', platform: 'linux/amd64' });
      if (['/healthz', '/livez', '/readyz'].includes(path)) return send(200, 'ok', 'text/plain; charset=utf-8');
      if (path === '/api') return send(200, coreVersions(`127.0.0.1:${(server.address() as AddressInfo).port}`));
      if (path === '/apis') return send(200, apiGroupList(crds));
      if (segments[0] === 'api' && segments.length === 2) {
        const list = resourceList('', segments[1]!, crds);
        return list ? send(200, list) : send(404, new ApiError(404, 'NotFound', 'the server could not find the requested resource').status());
      }
      if (segments[0] === 'apis' && segments.length === 2) {
        const g = apiGroup(segments[1]!, crds);
        return g ? send(200, g) : send(404, new ApiError(404, 'NotFound', 'the server could not find the requested resource').status());
      }
      if (segments[0] === 'apis' && segments.length === 3) {
        const list = resourceList(segments[1]!, segments[2]!, crds);
        return list ? send(200, list) : send(404, new ApiError(404, 'NotFound', 'the server could not find the requested resource').status());
      }
      if (!r) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      const { info, namespace, name, subresource } = r;

      if (q.dryRun !== undefined && q.dryRun !== 'All') {
        // ValidateCreateOptions/UpdateOptions/PatchOptions/DeleteOptions: dryRun may only be "All".
        const kind = method === 'POST' ? 'CreateOptions' : method === 'PUT' ? 'UpdateOptions' : method === 'PATCH' ? 'PatchOptions' : 'DeleteOptions';
        throw invalid({ group: 'meta.k8s.io', kind }, '', [{ type: 'FieldValueNotSupported', field: 'dryRun', value: [q.dryRun], detail: 'supported values: "All"' }]);
      }
      const write = {
        ...(q.fieldManager ? { fieldManager: q.fieldManager } : {}),
        ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
        dryRun: q.dryRun === 'All',
        force: q.force === 'true' || q.force === '1',
      };

      if (subresource === 'log') {
        if (info.kind !== 'Pod' || method !== 'GET' || !name) throw methodNotAllowed(method, path);
        return send(200, podLog(registry, logs, options, registry.get(info, namespace, name), q), 'text/plain');
      }
      if (subresource === 'scale') {
        if (info.kind !== 'StatefulSet' || !name) throw notFound(info, name ?? '');
        return scale(method, info, namespace!, name, body, req.headers['content-type'] ?? '', write, send);
      }
      if (subresource && subresource !== 'status') throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      if (subresource === 'status' && !info.status) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      const sub = subresource === 'status' ? { subresource: 'status' as const } : {};

      switch (method) {
        case 'GET': {
          if (watch) {
            hub.serve({
              info, ...(namespace ? { namespace } : {}),
              ...(q.resourceVersion !== undefined ? { resourceVersion: q.resourceVersion } : {}),
              ...(q.labelSelector ? { labelSelector: q.labelSelector } : {}),
              ...(q.fieldSelector ? { fieldSelector: name ? `metadata.name=${name}` : q.fieldSelector } : name ? { fieldSelector: `metadata.name=${name}` } : {}),
              allowWatchBookmarks: q.allowWatchBookmarks === 'true' || q.allowWatchBookmarks === '1',
              ...(q.timeoutSeconds ? { timeoutSeconds: Number(q.timeoutSeconds) } : {}),
            }, res);
            record.status = 200;
            return;
          }
          if (name) return send(200, registry.get(info, namespace, name));
          return send(200, registry.list(info, namespace, {
            ...(q.labelSelector ? { labelSelector: q.labelSelector } : {}),
            ...(q.fieldSelector ? { fieldSelector: q.fieldSelector } : {}),
            ...(q.limit ? { limit: Number(q.limit) } : {}),
            ...(q.continue ? { continue: q.continue } : {}),
          }));
        }
        case 'POST': {
          if (name) throw methodNotAllowed(method, path);
          const obj = registry.create(info, namespace, parseJson(body), write);
          return send(201, obj);
        }
        case 'PUT': {
          if (!name) throw methodNotAllowed(method, path);
          return send(200, registry.update(info, namespace, name, parseJson(body), { ...write, ...sub }));
        }
        case 'PATCH': {
          if (!name) throw methodNotAllowed(method, path);
          const existed = !!store.get(info, info.namespaced ? namespace : undefined, name);
          const out = registry.patch(info, namespace, name, req.headers['content-type'] ?? '', body, { ...write, ...sub });
          return send(existed ? 200 : 201, out);
        }
        case 'DELETE': {
          const opts = deleteOptions(body, q);
          if (!name) {
            const list = registry.list(info, namespace, { ...(q.labelSelector ? { labelSelector: q.labelSelector } : {}), ...(q.fieldSelector ? { fieldSelector: q.fieldSelector } : {}) });
            for (const item of list.items as Obj[]) registry.delete(info, item.metadata.namespace, item.metadata.name, opts);
            return send(200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
          }
          return send(200, registry.delete(info, namespace, name, opts));
        }
        default:
          throw methodNotAllowed(method, path);
      }
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`);
      send(err.code, err.status());
    }
  };

  const scale = (method: string, info: ResourceInfo, namespace: string, name: string, body: string, contentType: string, write: Obj, send: (s: number, p: unknown) => void) => {
    // autoscaling/v1 Scale of a StatefulSet (pkg/registry/apps/statefulset/storage/storage.go ScaleREST).
    const toScale = (set: Obj) => ({
      kind: 'Scale', apiVersion: 'autoscaling/v1',
      metadata: { name, namespace, uid: set.metadata.uid, resourceVersion: set.metadata.resourceVersion, creationTimestamp: set.metadata.creationTimestamp },
      spec: { replicas: set.spec.replicas }, status: { replicas: set.status?.replicas ?? 0, selector: Object.entries(set.spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(',') },
    });
    const set = registry.get(info, namespace, name);
    if (method === 'GET') return send(200, toScale(set));
    let replicas: unknown;
    if (method === 'PUT') replicas = (parseJson(body) as Obj)?.spec?.replicas;
    else if (method === 'PATCH') {
      const patch = parseJson(body);
      replicas = Array.isArray(patch) ? patch.find((op: Obj) => op.path === '/spec/replicas')?.value : (patch as Obj)?.spec?.replicas;
    } else throw methodNotAllowed(method, 'scale');
    if (typeof replicas !== 'number') throw badRequest('spec.replicas is required');
    const next = clone(set);
    next.spec.replicas = replicas;
    const out = registry.update(info, namespace, name, next, write);
    return send(200, toScale(out));
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((e: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify(new ApiError(500, 'InternalError', String(e)).status()));
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let interval: NodeJS.Timeout | undefined;
  if (options.auto) {
    interval = setInterval(tickOnce, typeof options.auto === 'number' ? options.auto : 20);
    interval.unref();
  }

  const api: TestApiServer = {
    url,
    registry,
    requests,
    get openWatches() {
      return hub.count;
    },
    kubeConfig(namespace = 'default') {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
        users: [{ name: 'tester', token: 'fake-token' }],
        contexts: [{ name: 'fake', cluster: 'fake', user: 'tester', namespace }],
        currentContext: 'fake',
      });
      return kc;
    },
    async close() {
      if (interval) clearInterval(interval);
      hub.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    tick(n = 1) {
      for (let i = 0; i < n; i++) tickOnce();
    },
    advance(ms) {
      for (let left = ms; left >= tickMs; left -= tickMs) tickOnce();
    },
    settle(maxTicks = 100) {
      for (let i = 1; i <= maxTicks; i++) {
        const before = store.lastStateRv;
        tickOnce();
        if (store.lastStateRv === before) return i;
      }
      return maxTicks;
    },
    now: () => clock.now(),
    get: (kind, namespace, name) => store.get(byKind(kind), namespace, name),
    list: (kind, namespace) => store.list(byKind(kind), namespace),
    put(object, fieldManager = 'test') {
      const info = byKind(String(object.kind), object.apiVersion ? String(object.apiVersion) : undefined);
      const ns = info.namespaced ? (object.metadata?.namespace ?? 'default') : undefined;
      const existing = store.get(info, ns, object.metadata?.name);
      if (!existing) return registry.create(info, ns, object, { fieldManager });
      const next = clone(object);
      delete next.metadata.resourceVersion;
      return registry.update(info, ns, object.metadata.name, next, { fieldManager });
    },
    remove(kind, namespace, name, opts = {}) {
      registry.delete(byKind(kind), namespace, name, opts);
    },
    clearRequests() {
      requests.length = 0;
    },
    fault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    setLatency(ms) {
      latency = ms;
    },
    setImage(image, behaviour) {
      images.push({ match: image, behaviour });
    },
    setLogs(namespace, pod, container, text, opts = {}) {
      logs.set(`${namespace}/${pod}/${container}/${opts.previous ? 'previous' : 'current'}`, text);
    },
    compactWatchHistory: () => store.compact(),
    closeWatches: () => hub.closeAll(),
    registerCrd,
    unregisterCrd: (kind: string) => {
      // Its custom resources go with it, then the group stops being served.
      const info = byKind(kind);
      for (const o of store.list(info, undefined)) registry.delete(info, o.metadata.namespace, o.metadata.name);
      crds.delete(kind);
    },
  };
  return api;
}

function deleteOptions(body: string, q: Record<string, string>): DeleteOptions {
  const b = body ? (parseJson(body) as Obj) : {};
  const opts: DeleteOptions = {};
  const policy = q.propagationPolicy ?? b?.propagationPolicy;
  if (policy) {
    if (!['Foreground', 'Background', 'Orphan'].includes(policy)) {
      throw invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [{ type: 'FieldValueNotSupported', field: 'propagationPolicy', value: policy, detail: 'supported values: "Foreground", "Background", "Orphan", "nil"' }]);
    }
    opts.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  } else if (q.orphanDependents === 'true' || b?.orphanDependents === true) {
    opts.propagationPolicy = 'Orphan';
  }
  const grace = q.gracePeriodSeconds ?? b?.gracePeriodSeconds;
  if (grace !== undefined) opts.gracePeriodSeconds = Number(grace);
  if (isObject(b?.preconditions)) opts.preconditions = b.preconditions;
  if (q.dryRun === 'All' || (Array.isArray(b?.dryRun) && b.dryRun.includes('All'))) opts.dryRun = true;
  return opts;
}

/** pods/log (pkg/registry/core/pod/rest/log.go and the kubelet's answers): text/plain, optional tailLines. */
function podLog(registry: Registry, logs: Map<string, string>, options: ApiServerOptions, pod: Obj, q: Record<string, string>): string {
  const name = pod.metadata.name;
  const containers: string[] = ((pod.spec?.containers ?? []) as Obj[]).map((c) => c.name);
  const inits: string[] = ((pod.spec?.initContainers ?? []) as Obj[]).map((c) => c.name);
  let container = q.container;
  if (!container) {
    if (containers.length !== 1) {
      throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`);
    }
    container = containers[0]!;
  }
  if (!containers.includes(container) && !inits.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  const previous = q.previous === 'true' || q.previous === '1';
  const statuses = [...((pod.status?.containerStatuses ?? []) as Obj[]), ...((pod.status?.initContainerStatuses ?? []) as Obj[])];
  const status = statuses.find((s) => s.name === container);
  if (previous && !status?.lastState?.terminated) {
    throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
  }
  if (!previous && (!status || status.state?.waiting)) {
    const reason = status?.state?.waiting?.reason ?? 'ContainerCreating';
    const why = reason === 'ImagePullBackOff' || reason === 'ErrImagePull' ? 'trying and failing to pull image' : reason;
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${why}`);
  }
  const text = logs.get(`${pod.metadata.namespace}/${name}/${container}/${previous ? 'previous' : 'current'}`) ??
    options.logs?.(pod, container, previous) ?? '';
  if (q.tailLines !== undefined) {
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const n = Number(q.tailLines);
    return lines.slice(Math.max(0, lines.length - n)).map((l) => `${l}\n`).join('');
  }
  return text;
}

function seed(registry: Registry, options: ApiServerOptions): void {
  const sys = { fieldManager: 'kube-apiserver' };
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) registry.create(byKind('Namespace'), undefined, { metadata: { name: ns } }, sys);
  registry.create(byKind('Service'), 'default', {
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, targetPort: 6443 }] },
  }, sys);
  for (const n of options.nodes ?? [{ name: 'node-1' }]) {
    const capacity = { cpu: n.cpu ?? '4', memory: n.memory ?? '8Gi', pods: String(n.pods ?? 110), 'ephemeral-storage': '100Gi' };
    const node = registry.create(byKind('Node'), undefined, {
      metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', ...n.labels } },
      spec: { ...(n.taints ? { taints: n.taints } : {}), ...(n.unschedulable ? { unschedulable: true } : {}) },
    }, { fieldManager: 'kubelet' });
    const next = clone(node);
    next.status = {
      capacity, allocatable: capacity,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: node.metadata.creationTimestamp }],
      addresses: [{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'Hostname', address: n.name }],
      nodeInfo: { kubeletVersion: `v1.${registry.config.minor}.0`, containerRuntimeVersion: 'containerd://1.7.0', operatingSystem: 'linux', architecture: 'amd64' },
    };
    registry.controllerUpdate(byKind('Node'), next, 'kubelet', 'status');
  }
  if (options.defaultStorageClass !== false) {
    const sc = options.defaultStorageClass ?? {};
    registry.create(byKind('StorageClass'), undefined, {
      metadata: { name: sc.name ?? 'standard', annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
      provisioner: sc.provisioner ?? 'rancher.io/local-path',
      volumeBindingMode: sc.volumeBindingMode ?? 'Immediate',
      reclaimPolicy: 'Delete',
      ...(sc.allowVolumeExpansion ? { allowVolumeExpansion: true } : {}),
    }, sys);
  }
}
