// "A place to deploy to": the real cluster (client-node) or a directory (dry-run, tests, first contact).
// Operations above this interface never know which one they talk to.
import type { Bundle } from '../render/bundle.js';
import type { Values } from '../instance/index.js';

/** One step of a long operation, shown live by transports (Slack edits one message, the console prints lines). */
export interface Progress {
  /** Machine-readable phase, e.g. `applied`, `pvc-bound`, `pod-scheduled`, `container-started`, `ready`, `jenkins-answering`, `casc-reloaded`. */
  phase: string;
  /** One human sentence. */
  message: string;
  /** `Kind/name` the step is about, when there is one. */
  object?: string;
}

export type ProgressSink = (progress: Progress) => void;

export interface FieldChange {
  /** Dotted path inside the object, e.g. `spec.replicas`. */
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface ObjectChange {
  kind: string;
  name: string;
  namespace?: string;
  action: 'create' | 'update' | 'unchanged' | 'delete';
  fields: FieldChange[];
}

export interface Plan {
  instance: string;
  changes: ObjectChange[];
  /** True when nothing would change. */
  empty: boolean;
}

/**
 * What a plan saw, handed back to a later `apply` of the same objects so it need not plan again when nothing changed
 * in between (the cluster verifies each object's resourceVersion). Opaque outside the target that made it.
 */
export interface PlanSnapshot {
  readonly instance: string;
  readonly plan: Plan;
}

export interface ApplyOptions {
  /** Compute and report, change nothing. */
  dryRun?: boolean;
  /** Take ownership of fields other field managers own (server-side apply `force=true`). */
  force?: boolean;
  onProgress?: ProgressSink;
  signal?: AbortSignal;
  /** An earlier plan of these objects: reused when the target verifies nothing it read has changed; planned again otherwise. */
  reuse?: PlanSnapshot;
  /**
   * `reuse` is the plan the user agreed to: when the target changed since and its plan now differs, the apply stops
   * with ClusterChangedError before writing anything.
   */
  confirmed?: boolean;
  /**
   * Work that must be done before the first write (the instance's Secrets). The cluster target plans meanwhile; when it
   * rejects, nothing is written.
   */
  beforeWrites?: Promise<unknown>;
}

export interface WaitOptions {
  timeoutSeconds?: number;
  onProgress?: ProgressSink;
  signal?: AbortSignal;
}

/** How a wait for an instance ended. `reason` is what a user acts on (scheduler message, pull error, log tail). */
export type Outcome =
  | { status: 'ready'; message: string }
  | { status: 'failed'; reason: 'pvc-unbound' | 'unschedulable' | 'image-pull' | 'crash-loop' | 'config-error' | 'other'; message: string; logTail?: string[] }
  | { status: 'timed-out'; message: string };

export interface ControllerPodStatus {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  node?: string;
  ageSeconds?: number;
  /** Waiting/terminated reason when not ready (CrashLoopBackOff, Unschedulable, ...). */
  reason?: string;
  /** Where to open this controller (its own Service with several controllers; the shared one otherwise). */
  url?: string;
  /** Whether it has loaded the desired JCasC revision (undefined when unknown). */
  cascLoaded?: boolean;
  /** Its own agent pods (labelled with its pod name by the cloud's podLabels). */
  agents?: { running: number; pending: number };
}

export interface VolumeStatus {
  claim: string;
  phase: string;
  volume?: string;
}

export interface InstanceStatus {
  name: string;
  namespace: string;
  exists: boolean;
  replicas: { desired: number; ready: number };
  controllers: ControllerPodStatus[];
  volumes: VolumeStatus[];
  /** Where to open Jenkins, best first (node address + NodePort, load balancer, in-cluster name). */
  urls: string[];
  agents: { running: number; pending: number };
  casc: { desired?: string; live?: string };
}

export interface ApplyResult {
  plan: Plan;
  /** False for dry runs and for plans with no changes. */
  applied: boolean;
  /** What the plan saw, for a later apply's `reuse` (targets that plan over the network). */
  snapshot?: PlanSnapshot;
}

export interface DeleteResult {
  deleted: string[];
  kept: string[];
}

/** Thrown by `lock` when another operation holds the instance. */
export class BusyError extends Error {
  constructor(readonly instance: string, readonly holder: string, readonly since?: string) {
    super(`instance ${instance} is busy: ${holder} is running an operation on it${since ? ` (since ${since})` : ''}; try again when it finishes`);
    this.name = 'BusyError';
  }
}

/**
 * A deploy that would change what Kubernetes never changes in place (a StatefulSet's volumeClaimTemplates, a
 * PersistentVolume's source): refused at plan time, before anything is applied. The message says what cannot change
 * and how to migrate.
 */
export class ImmutableChangeError extends Error {
  constructor(readonly instance: string, readonly keys: string[], message: string) {
    super(message);
    this.name = 'ImmutableChangeError';
  }
}

/**
 * The plan the user agreed to no longer holds: something changed the instance's objects between the preview and the
 * apply (another tool, a controller, a deploy from elsewhere). Nothing was written.
 */
export class ClusterChangedError extends Error {
  constructor(readonly instance: string, readonly objects: string[]) {
    super(`the cluster changed since the preview: ${objects.join(', ')}; nothing was applied to ${instance}. Run the command again to see the current plan`);
    this.name = 'ClusterChangedError';
  }
}

/** The instance lock was lost while the operation ran (its renewal failed, or another holder took it). */
export class LockLostError extends Error {
  constructor(readonly instance: string, message: string) {
    super(message);
    this.name = 'LockLostError';
  }
}

export interface Target {
  readonly kind: 'cluster' | 'directory';
  /** e.g. `cluster kind-kind (https://127.0.0.1:6443)` or `directory ./.jenkins-chatops`. */
  readonly description: string;

  listInstances(): Promise<string[]>;
  /**
   * The user values stored with the instance at its last deploy (undefined if it was never deployed).
   * Without `namespace` the instance is looked up by name everywhere (an error if several namespaces hold it).
   */
  loadValues(instance: string, namespace?: string): Promise<Values | undefined>;

  diff(bundle: Bundle): Promise<Plan>;
  /** Server-side apply of every object in order, storing `values` with the instance. */
  apply(bundle: Bundle, values: Values, options?: ApplyOptions): Promise<ApplyResult>;
  /** Creates the admin Secret with a random password if it does not exist; never rotates it. */
  ensureAdminSecret(bundle: Bundle): Promise<'created' | 'exists'>;
  /** Creates the Secret holding the random JCasC reload token if it does not exist; never rotates it. */
  ensureReloadToken(bundle: Bundle): Promise<'created' | 'exists'>;
  readAdminPassword(instance: string, namespace: string): Promise<{ user: string; password: string }>;

  waitReady(bundle: Bundle, options?: WaitOptions): Promise<Outcome>;
  /** Waits until the running controller has loaded JCasC revision `bundle.cascRevision`. */
  waitCascReload(bundle: Bundle, options?: WaitOptions): Promise<Outcome>;

  status(instance: string, namespace: string): Promise<InstanceStatus>;
  /** Where people open the instance just deployed (first the one to use): only what the URLs need is read. */
  urls(bundle: Bundle): Promise<string[]>;
  delete(bundle: Bundle, options: { purge: boolean; onProgress?: ProgressSink }): Promise<DeleteResult>;

  /**
   * Runs `fn` holding the instance's lock (works across bot replicas); throws BusyError if held. When the lock is
   * lost while `fn` runs (renewal failed, or another holder took it), `signal` aborts and the call rejects with
   * LockLostError: pass the signal on so the operation stops where it is.
   */
  withLock<T>(instance: string, namespace: string, holder: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
}
