// A compact, comparable picture of a pod: only what classification needs, so thousands of pods stay cheap to track.
// Accepts both plain watch JSON (timestamps as strings) and client-node objects (timestamps as Dates).
import { AGENT_POD_LABEL, AGENT_POD_MARKER, LABEL_AGENT_CONTROLLER, LABEL_AGENT_INSTANCE, LABEL_COMPONENT, LABEL_INSTANCE, LABEL_NAME } from '../../instance/naming.js';
import type { PodRole } from '../types.js';
import { formatCpu, formatMemory, sumQuantities } from './quantities.js';

interface StateLike {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: unknown };
  terminated?: { exitCode?: number; reason?: string; message?: string; finishedAt?: unknown };
}
interface ContainerStatusLike {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: StateLike;
  lastState?: StateLike;
}
interface ContainerLike {
  name: string;
  resources?: { requests?: Record<string, unknown> };
}
export interface PodLike {
  kind?: string;
  metadata?: {
    uid?: string; name?: string; namespace?: string; resourceVersion?: string;
    labels?: Record<string, string>; deletionTimestamp?: unknown;
  };
  spec?: { containers?: ContainerLike[]; nodeName?: string };
  status?: {
    phase?: string; reason?: string; message?: string;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
    containerStatuses?: ContainerStatusLike[];
    initContainerStatuses?: ContainerStatusLike[];
  };
}

export type ContainerState = 'waiting' | 'running' | 'terminated' | 'unknown';

export interface ContainerSnapshot {
  name: string;
  init: boolean;
  state: ContainerState;
  /** waiting.reason or terminated.reason */
  reason?: string;
  message?: string;
  exitCode?: number;
  /** Identifies one termination, so a resync does not count it twice. */
  finishedAt?: string;
  ready: boolean;
  restarts: number;
  lastReason?: string;
  lastExitCode?: number;
  lastFinishedAt?: string;
}

export interface PodSnapshot {
  uid: string;
  namespace: string;
  name: string;
  resourceVersion?: string;
  role: PodRole;
  instance?: string;
  agentLabel?: string;
  /** For an agent pod: the controller (pod name) of the instance that started it, from the cloud's podLabels. */
  controller?: string;
  phase: string;
  podReason?: string;
  podMessage?: string;
  ready: boolean;
  /** The scheduler's message while PodScheduled=False/Unschedulable. */
  unschedulable?: string;
  scheduled: boolean;
  terminating: boolean;
  nodeName?: string;
  containers: ContainerSnapshot[];
  requests: PodRequests;
}

export interface PodRequests {
  cpu?: string;
  memory?: string;
  cpuCores?: number;
  memoryBytes?: number;
}

export function podRole(labels: Record<string, string> | undefined): PodRole {
  if (!labels) return 'other';
  if (labels[LABEL_NAME] === 'jenkins' && labels[LABEL_COMPONENT] === 'controller') return 'controller';
  if (labels[AGENT_POD_LABEL] !== undefined || labels[AGENT_POD_MARKER] === 'slave' || labels[AGENT_POD_MARKER] === 'agent') {
    return 'agent';
  }
  return 'other';
}

function timeText(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : undefined;
}

/** Every field, optional ones included (undefined): snapshots filled in place keep one shape. */
function emptyContainer(): ContainerSnapshot {
  return {
    name: '', init: false, state: 'unknown', reason: undefined, message: undefined, exitCode: undefined, finishedAt: undefined,
    ready: false, restarts: 0, lastReason: undefined, lastExitCode: undefined, lastFinishedAt: undefined,
  };
}

function containerSnapshot(status: ContainerStatusLike, init: boolean, snap: ContainerSnapshot): ContainerSnapshot {
  const state = status.state ?? NO_STATE;
  snap.name = status.name;
  snap.init = init;
  snap.state = state.waiting ? 'waiting' : state.running ? 'running' : state.terminated ? 'terminated' : 'unknown';
  snap.ready = status.ready === true;
  snap.restarts = status.restartCount ?? 0;
  const ended = state.waiting ? undefined : state.terminated;
  const about = state.waiting ?? ended;
  snap.reason = about?.reason;
  snap.message = about?.message;
  snap.exitCode = ended?.exitCode;
  snap.finishedAt = ended ? timeText(ended.finishedAt) : undefined;
  const last = status.lastState?.terminated;
  snap.lastReason = last?.reason;
  snap.lastExitCode = last?.exitCode;
  snap.lastFinishedAt = last ? timeText(last.finishedAt) : undefined;
  return snap;
}

const NO_STATE: StateLike = {};
const NO_STATUSES: ContainerStatusLike[] = [];

/**
 * Totals by the requests as written: a pod's requests rarely change, and a fleet of agents shares a handful of
 * templates, so each distinct set is parsed and formatted once (a replay or a busy watch sees the same pods again and
 * again). Bounded: the cache is dropped when it grows past 2,048 sets.
 */
const requestsCache = new Map<string, PodRequests>();

function requestsKey(containers: ContainerLike[] | undefined): string {
  let key = '';
  for (const c of containers ?? []) {
    const r = c.resources?.requests;
    key += `${r?.cpu ?? ''}\u0000${r?.memory ?? ''}\u0001`;
  }
  return key;
}

function totalRequests(containers: ContainerLike[] | undefined): PodRequests {
  const key = requestsKey(containers);
  const known = requestsCache.get(key);
  if (known) return known;
  const computed = computeRequests(containers);
  if (requestsCache.size >= 2048) requestsCache.clear();
  requestsCache.set(key, computed);
  return computed;
}

/** The pod's total requests (what the scheduler must fit on one node). Shared between snapshots: never mutate it. */
function computeRequests(containers: ContainerLike[] | undefined): PodRequests {
  const out: PodRequests = {};
  const valuesOf = (key: 'cpu' | 'memory'): string[] =>
    (containers ?? [])
      .map((c) => c.resources?.requests?.[key])
      .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
      .map(String);
  const cpu = valuesOf('cpu');
  const cores = cpu.length > 0 ? sumQuantities(cpu) : undefined;
  if (cores !== undefined) {
    out.cpuCores = cores;
    out.cpu = formatCpu(cores);
  }
  const memory = valuesOf('memory');
  const bytes = memory.length > 0 ? sumQuantities(memory) : undefined;
  if (bytes !== undefined) {
    out.memoryBytes = bytes;
    out.memory = formatMemory(bytes);
  }
  return out;
}

/** Init containers first, then the pod's own; into `reuse` (and its entries) when given. */
function containerSnapshots(init: ContainerStatusLike[] | undefined, main: ContainerStatusLike[] | undefined, reuse?: ContainerSnapshot[]): ContainerSnapshot[] {
  const out = reuse ?? [];
  let n = 0;
  for (const s of init ?? NO_STATUSES) {
    out[n] = containerSnapshot(s, true, out[n] ?? emptyContainer());
    n += 1;
  }
  for (const s of main ?? NO_STATUSES) {
    out[n] = containerSnapshot(s, false, out[n] ?? emptyContainer());
    n += 1;
  }
  if (out.length !== n) out.length = n; // a reused list may have held more containers
  return out;
}

export function isPod(obj: unknown): obj is PodLike {
  if (!obj || typeof obj !== 'object') return false;
  const o = obj as PodLike & { involvedObject?: unknown };
  if (o.kind !== undefined) return o.kind === 'Pod';
  return o.involvedObject === undefined && (o.spec !== undefined || o.status !== undefined);
}

type Condition = NonNullable<NonNullable<PodLike['status']>['conditions']>[number];
const NO_CONDITIONS: Condition[] = [];

function emptySnapshot(): PodSnapshot {
  return {
    uid: '', namespace: '', name: '', resourceVersion: undefined, role: 'other', instance: undefined, agentLabel: undefined,
    controller: undefined, phase: '', podReason: undefined, podMessage: undefined, ready: false, unschedulable: undefined,
    scheduled: false, terminating: false, nodeName: undefined, containers: [], requests: NO_REQUESTS,
  };
}
const NO_REQUESTS: PodRequests = {};

/**
 * The snapshot of one pod event. `into`, when given, is a snapshot nobody holds any more (the pipeline's previous one
 * for a pod that has a newer one): it is filled in place, containers included, so a steady watch allocates no
 * snapshots. Every snapshot lives until its pod's next event, so fresh ones would be copied through the young
 * generation at every collection; that copying was most of a replay's garbage-collection time.
 */
export function snapshotPod(pod: PodLike, into?: PodSnapshot): PodSnapshot {
  const meta = pod.metadata ?? NO_META;
  const status = pod.status ?? NO_STATUS;
  const labels = meta.labels ?? NO_LABELS;
  // One pass, no callbacks: this runs for every pod event.
  let scheduledCond: Condition | undefined;
  let readyCond: Condition | undefined;
  for (const c of status.conditions ?? NO_CONDITIONS) {
    if (c.type === 'PodScheduled') scheduledCond ??= c;
    else if (c.type === 'Ready') readyCond ??= c;
  }
  const nodeName = pod.spec?.nodeName;
  const snap = into ?? emptySnapshot();
  snap.uid = meta.uid ?? `${meta.namespace ?? ''}/${meta.name ?? ''}`;
  snap.namespace = meta.namespace ?? '';
  snap.name = meta.name ?? '';
  snap.resourceVersion = meta.resourceVersion;
  snap.role = podRole(labels);
  snap.phase = status.phase ?? 'Unknown';
  snap.ready = readyCond?.status === 'True';
  snap.scheduled = scheduledCond?.status === 'True' || Boolean(nodeName);
  snap.terminating = meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null;
  snap.containers = containerSnapshots(status.initContainerStatuses, status.containerStatuses, into?.containers);
  snap.requests = totalRequests(pod.spec?.containers);
  // Controllers carry the app.kubernetes.io instance label; agents the ones the cloud's podLabels put on them.
  const instance = labels[LABEL_INSTANCE] ?? labels[LABEL_AGENT_INSTANCE];
  snap.instance = instance ? instance : undefined;
  const controller = labels[LABEL_AGENT_CONTROLLER];
  snap.controller = controller ? controller : undefined;
  const agentLabel = labels[AGENT_POD_LABEL];
  snap.agentLabel = agentLabel ? agentLabel : undefined;
  snap.podReason = status.reason ? status.reason : undefined;
  snap.podMessage = status.message ? status.message : undefined;
  snap.nodeName = nodeName ? nodeName : undefined;
  snap.unschedulable = scheduledCond?.status === 'False' && scheduledCond.reason === 'Unschedulable' ? scheduledCond.message ?? '' : undefined;
  return snap;
}

const NO_META: NonNullable<PodLike['metadata']> = {};
const NO_STATUS: NonNullable<PodLike['status']> = {};
const NO_LABELS: Record<string, string> = {};
