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

function containerSnapshot(status: ContainerStatusLike, init: boolean): ContainerSnapshot {
  const state = status.state ?? {};
  const snap: ContainerSnapshot = {
    name: status.name,
    init,
    state: state.waiting ? 'waiting' : state.running ? 'running' : state.terminated ? 'terminated' : 'unknown',
    ready: status.ready === true,
    restarts: status.restartCount ?? 0,
  };
  if (state.waiting) {
    snap.reason = state.waiting.reason;
    snap.message = state.waiting.message;
  } else if (state.terminated) {
    snap.reason = state.terminated.reason;
    snap.message = state.terminated.message;
    snap.exitCode = state.terminated.exitCode;
    snap.finishedAt = timeText(state.terminated.finishedAt);
  }
  const last = status.lastState?.terminated;
  if (last) {
    snap.lastReason = last.reason;
    snap.lastExitCode = last.exitCode;
    snap.lastFinishedAt = timeText(last.finishedAt);
  }
  return snap;
}

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

function containerSnapshots(init: ContainerStatusLike[] | undefined, main: ContainerStatusLike[] | undefined): ContainerSnapshot[] {
  const out: ContainerSnapshot[] = [];
  if (init) for (const s of init) out.push(containerSnapshot(s, true));
  if (main) for (const s of main) out.push(containerSnapshot(s, false));
  return out;
}

export function isPod(obj: unknown): obj is PodLike {
  if (!obj || typeof obj !== 'object') return false;
  const o = obj as PodLike & { involvedObject?: unknown };
  if (o.kind !== undefined) return o.kind === 'Pod';
  return o.involvedObject === undefined && (o.spec !== undefined || o.status !== undefined);
}

export function snapshotPod(pod: PodLike): PodSnapshot {
  const meta = pod.metadata ?? {};
  const status = pod.status ?? {};
  const labels = meta.labels ?? {};
  const conditions = status.conditions ?? [];
  const scheduledCond = conditions.find((c) => c.type === 'PodScheduled');
  const readyCond = conditions.find((c) => c.type === 'Ready');
  const role = podRole(labels);
  const snap: PodSnapshot = {
    uid: meta.uid ?? `${meta.namespace ?? ''}/${meta.name ?? ''}`,
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    resourceVersion: meta.resourceVersion,
    role,
    phase: status.phase ?? 'Unknown',
    ready: readyCond?.status === 'True',
    scheduled: scheduledCond?.status === 'True' || Boolean(pod.spec?.nodeName),
    terminating: meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null,
    containers: containerSnapshots(status.initContainerStatuses, status.containerStatuses),
    requests: totalRequests(pod.spec?.containers),
  };
  // Controllers carry the app.kubernetes.io instance label; agents the ones the cloud's podLabels put on them.
  const instance = labels[LABEL_INSTANCE] ?? labels[LABEL_AGENT_INSTANCE];
  if (instance) snap.instance = instance;
  const controller = labels[LABEL_AGENT_CONTROLLER];
  if (controller) snap.controller = controller;
  const agentLabel = labels[AGENT_POD_LABEL];
  if (agentLabel) snap.agentLabel = agentLabel;
  if (status.reason) snap.podReason = status.reason;
  if (status.message) snap.podMessage = status.message;
  if (pod.spec?.nodeName) snap.nodeName = pod.spec.nodeName;
  if (scheduledCond?.status === 'False' && scheduledCond.reason === 'Unschedulable') {
    snap.unschedulable = scheduledCond.message ?? '';
  }
  return snap;
}
