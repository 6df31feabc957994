// The real cluster: server-side apply with field manager jenkins-chatops, waits that explain failures, a Lease lock.
import { randomBytes } from 'node:crypto';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import type { Bundle, KubeObject } from '../../render/bundle.js';
import { ANNOTATION_CASC_REVISION, LABEL_AGENT_INSTANCE, controllerSelector, homeClaimOrdinal, instanceLabels, LABEL_SPEC, names, selectorString } from '../../instance/naming.js';
import type { Values } from '../../instance/index.js';
import { latestReload } from './casc-reload.js';
import { FIELD_MANAGER, KubeClient, plain, refOf } from '../../kube/client.js';
import { objectChange } from '../diff.js';
import { LeaseHeldError, withLease } from '../../kube/lease-lock.js';
import { evaluateRollout, type FirstSeen } from './readiness.js';
import type { RetryPolicy } from '../../kube/retry.js';
import { controllerPod, serviceUrls, volume } from './status-view.js';
import { parseStoredValues, specConfigMap, VALUES_KEY } from '../stored-values.js';
import {
  BusyError,
  type ApplyOptions, type ApplyResult, type DeleteResult, type InstanceStatus, type ObjectChange, type Outcome, type Plan, type ProgressSink, type Target, type WaitOptions,
} from '../../operations/target.js';

export interface ClusterTargetOptions {
  description?: string;
  retry?: Partial<RetryPolicy>;
  /** Lease duration of the instance lock (default 60 s): how long a crashed holder can block others. */
  leaseSeconds?: number;
  /** How long a wait sleeps between looks when no pod event arrives (default 5 s). */
  pollMs?: number;
  /** How long an Unschedulable pod or ErrImagePull may last before the wait fails (default 60 s). */
  graceMs?: number;
  defaultTimeoutSeconds?: number;
  now?: () => number;
}

const adminSecretName = (bundle: Bundle) => names.adminSecret(bundle.instance, bundle.spec.controller.adminSecret);
/** This instance's home claims among a namespace's claims (exact names: `ci` never takes `ci-dev`'s). */
const homeClaimsOf = <T extends { metadata?: { name?: string } }>(instance: string, claims: T[]): T[] =>
  claims.filter((c) => homeClaimOrdinal(instance, c.metadata?.name ?? '') !== undefined);

function decode(value: string | undefined): string {
  return value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');
}

export class ClusterTarget implements Target {
  readonly kind = 'cluster' as const;
  readonly description: string;
  readonly client: KubeClient;
  private readonly options: Required<Omit<ClusterTargetOptions, 'description' | 'retry'>>;

  constructor(kubeConfig: KubeConfig, options: ClusterTargetOptions = {}) {
    this.client = new KubeClient(kubeConfig, options.retry);
    this.description = options.description ?? `cluster ${kubeConfig.getCurrentContext()} (${kubeConfig.getCurrentCluster()?.server ?? '?'})`;
    this.options = {
      leaseSeconds: options.leaseSeconds ?? 60,
      pollMs: options.pollMs ?? 5000,
      graceMs: options.graceMs ?? 60_000,
      defaultTimeoutSeconds: options.defaultTimeoutSeconds ?? 600,
      now: options.now ?? Date.now,
    };
  }

  async listInstances(): Promise<string[]> {
    const list = await this.client.listConfigMapsEverywhere(LABEL_SPEC);
    return [...new Set(list.items.map((cm) => cm.metadata?.labels?.[LABEL_SPEC]).filter((n): n is string => !!n))].sort();
  }

  async loadValues(instance: string, namespace?: string): Promise<Values | undefined> {
    if (namespace) {
      const cm = await this.client.read({ apiVersion: 'v1', kind: 'ConfigMap', name: names.specConfigMap(instance), namespace });
      return cm ? parseStoredValues((cm.data as Record<string, string> | undefined)?.[VALUES_KEY], `ConfigMap ${namespace}/${cm.metadata.name}`) : undefined;
    }
    const list = await this.client.listConfigMapsEverywhere(`${LABEL_SPEC}=${instance}`);
    if (list.items.length > 1) {
      const where = list.items.map((cm) => cm.metadata?.namespace).join(', ');
      throw new Error(`instance ${instance} exists in several namespaces (${where}); name the namespace`);
    }
    const cm = list.items[0];
    return cm ? parseStoredValues(cm.data?.[VALUES_KEY], `ConfigMap ${cm.metadata?.namespace}/${cm.metadata?.name}`) : undefined;
  }

  /** The objects a deploy writes: the rendered bundle, then the stored values. */
  private desiredObjects(bundle: Bundle, values?: Values): KubeObject[] {
    const objects = [...bundle.objects].sort((a, b) => a.order - b.order).map((o) => o.object);
    return values ? [...objects, specConfigMap(bundle, values)] : objects;
  }

  /** Live object vs a server-side dry-run of ours: exactly what a real apply would change. */
  private async changeFor(object: KubeObject, force?: boolean): Promise<ObjectChange> {
    const live = await this.client.read(refOf(object));
    if (!live) return objectChange(object, undefined);
    const predicted = await this.client.apply(object, { dryRun: true, force });
    return objectChange(object, live, predicted);
  }

  private async plan(bundle: Bundle, values: Values | undefined, force?: boolean): Promise<{ plan: Plan; objects: KubeObject[] }> {
    const objects = this.desiredObjects(bundle, values);
    const changes: ObjectChange[] = [];
    for (const object of objects) changes.push(await this.changeFor(object, force));
    return { plan: { instance: bundle.instance, changes, empty: changes.every((c) => c.action === 'unchanged') }, objects };
  }

  async diff(bundle: Bundle): Promise<Plan> {
    return (await this.plan(bundle, undefined)).plan;
  }

  async apply(bundle: Bundle, values: Values, options: ApplyOptions = {}): Promise<ApplyResult> {
    const { plan, objects } = await this.plan(bundle, values, options.force);
    if (options.dryRun || plan.empty) return { plan, applied: false };
    for (const [i, object] of objects.entries()) {
      const change = plan.changes[i]!;
      if (change.action === 'unchanged') continue;
      options.signal?.throwIfAborted();
      await this.client.apply(object, { force: options.force });
      options.onProgress?.({ phase: 'applied', object: `${object.kind}/${object.metadata.name}`, message: `${change.action === 'create' ? 'created' : 'updated'} ${object.kind}/${object.metadata.name}` });
    }
    return { plan, applied: true };
  }

  async ensureAdminSecret(bundle: Bundle): Promise<'created' | 'exists'> {
    const name = adminSecretName(bundle);
    const ref = { apiVersion: 'v1', kind: 'Secret', name, namespace: bundle.namespace };
    if (await this.client.read(ref)) return 'exists';
    return this.client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: bundle.namespace, labels: instanceLabels(bundle.instance, 'admin') },
      type: 'Opaque',
      stringData: { 'jenkins-admin-user': bundle.spec.controller.adminUser, 'jenkins-admin-password': randomBytes(18).toString('base64url') },
    });
  }

  async readAdminPassword(instance: string, namespace: string): Promise<{ user: string; password: string }> {
    const values = await this.loadValues(instance, namespace);
    const controller = (values?.controller ?? {}) as { adminSecret?: string };
    const name = names.adminSecret(instance, controller.adminSecret);
    const secret = await this.client.read({ apiVersion: 'v1', kind: 'Secret', name, namespace });
    if (!secret) throw new Error(`Secret ${namespace}/${name} does not exist; deploy ${instance} first`);
    const data = (secret.data ?? {}) as Record<string, string>;
    return { user: decode(data['jenkins-admin-user']), password: decode(data['jenkins-admin-password']) };
  }

  private async rolloutSnapshot(bundle: Bundle) {
    const ns = bundle.namespace;
    const statefulSet = await this.client.read({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: names.statefulSet(bundle.instance), namespace: ns });
    const pods = await this.client.listPods(ns, selectorString(controllerSelector(bundle.instance)));
    const claims = await this.client.listClaims(ns);
    return {
      snapshot: { instance: bundle.instance, statefulSet, pods: pods.items, claims: homeClaimsOf(bundle.instance, claims.items), now: this.options.now() },
      resourceVersion: pods.metadata?.resourceVersion,
    };
  }

  /** Sleeps until a controller pod changes (or the poll interval passes); a cut watch just means "look again". */
  private async pause(bundle: Bundle, resourceVersion: string | undefined, deadline: number, signal?: AbortSignal): Promise<void> {
    const wait = Math.max(0, Math.min(this.options.pollMs, deadline - this.options.now()));
    const started = this.options.now();
    const how = await this.client.waitForPodEvent(bundle.namespace, selectorString(controllerSelector(bundle.instance)), resourceVersion, wait, signal);
    // A watch that is cut at once would make us spin: wait out the rest of the interval before relisting.
    if (how === 'closed' && !signal?.aborted) {
      const left = Math.min(wait, 1000) - (this.options.now() - started);
      if (left > 0) await this.client.retry.sleep(left);
    }
  }

  async waitReady(bundle: Bundle, options: WaitOptions = {}): Promise<Outcome> {
    const timeout = (options.timeoutSeconds ?? this.options.defaultTimeoutSeconds) * 1000;
    const deadline = this.options.now() + timeout;
    const firstSeen: FirstSeen = new Map();
    const shown = new Set<string>();
    for (;;) {
      const { snapshot, resourceVersion } = await this.rolloutSnapshot(bundle);
      const verdict = evaluateRollout(snapshot, firstSeen, this.options.graceMs);
      for (const { key, ...step } of verdict.steps) {
        if (!shown.has(key)) {
          shown.add(key);
          options.onProgress?.(step);
        }
      }
      if (verdict.outcome) {
        if (verdict.crashed && verdict.outcome.status === 'failed') {
          const logTail = await this.client
            .readLog(bundle.namespace, verdict.crashed.pod, verdict.crashed.container, { previous: true, tailLines: 20 })
            .catch((err: unknown) => [`(could not read the log: ${err instanceof Error ? err.message : String(err)})`]);
          return { ...verdict.outcome, logTail };
        }
        return verdict.outcome;
      }
      if (options.signal?.aborted) return { status: 'timed-out', message: `stopped waiting for ${bundle.instance}` };
      if (this.options.now() >= deadline) {
        return { status: 'timed-out', message: `${bundle.instance} was not ready after ${Math.round(timeout / 1000)}s; still waiting for: ${verdict.waitingFor.join('; ') || 'the StatefulSet to report ready replicas'}` };
      }
      await this.pause(bundle, resourceVersion, deadline, options.signal);
    }
  }

  async waitCascReload(bundle: Bundle, options: WaitOptions = {}): Promise<Outcome> {
    const timeout = (options.timeoutSeconds ?? 120) * 1000;
    const deadline = this.options.now() + timeout;
    const revision = bundle.cascRevision;
    const done = new Set<string>();
    for (;;) {
      const check = await this.cascLoaded(bundle);
      if (check.problem) return { status: 'failed', reason: 'other', message: check.problem };
      for (const pod of check.loaded) {
        if (!done.has(pod)) {
          done.add(pod);
          options.onProgress?.({ phase: 'casc-reloaded', object: `Pod/${pod}`, message: `${pod} loaded JCasC revision ${revision} without a restart` });
        }
      }
      if (check.running === 0) return { status: 'ready', message: `no controller of ${bundle.instance} is running; revision ${revision} is loaded when it starts` };
      if (check.loaded.length >= check.running) {
        return { status: 'ready', message: `JCasC revision ${revision} is live on ${check.loaded.length} controller(s) of ${bundle.instance}, no restart` };
      }
      if (this.options.now() >= deadline) {
        return {
          status: 'timed-out',
          message: `the casc-reload sidecar of ${check.pending.join(', ')} did not report a reload of revision ${revision} within ${Math.round(timeout / 1000)}s; look at \`kubectl logs -n ${bundle.namespace} ${check.pending[0]} -c casc-reload\``,
        };
      }
      await this.client.retry.sleep(Math.min(this.options.pollMs, Math.max(0, deadline - this.options.now())));
    }
  }

  /** Which running controllers have loaded the revision in the `<name>-casc` ConfigMap (see casc-reload.ts). */
  private async cascLoaded(bundle: Bundle): Promise<{ running: number; loaded: string[]; pending: string[]; problem?: string; live?: string }> {
    const ns = bundle.namespace;
    const cm = await this.client.read({ apiVersion: 'v1', kind: 'ConfigMap', name: names.cascConfigMap(bundle.instance), namespace: ns });
    const live = cm?.metadata.annotations?.[ANNOTATION_CASC_REVISION];
    if (live !== bundle.cascRevision) {
      return { running: 0, loaded: [], pending: [], problem: `ConfigMap ${names.cascConfigMap(bundle.instance)} holds JCasC revision ${live ?? '(none)'}, not ${bundle.cascRevision}: the apply did not reach the cluster` };
    }
    const appliedAt = this.appliedAt(cm!);
    const pods = (await this.client.listPods(ns, selectorString(controllerSelector(bundle.instance)))).items.filter((p) => p.status?.phase === 'Running');
    const loaded: string[] = [];
    const pending: string[] = [];
    for (const pod of pods) {
      const name = pod.metadata?.name ?? '?';
      if (this.startedAfter(pod, appliedAt)) {
        loaded.push(name);
        continue;
      }
      const sinceSeconds = Math.max(1, Math.ceil((this.options.now() - appliedAt) / 1000) + 2);
      const lines = await this.client.readLog(ns, name, 'casc-reload', { sinceSeconds, timestamps: true });
      const report = latestReload(lines, appliedAt - 1000);
      if (report?.ok) loaded.push(name);
      else if (report) return { running: pods.length, loaded, pending, problem: `${name}: ${report.why} (sidecar: ${report.line.trim().slice(0, 300)})` };
      else pending.push(name);
    }
    return { running: pods.length, loaded, pending, live };
  }

  /** When our field manager last wrote the ConfigMap (shared by every bot replica, unlike local memory). */
  private appliedAt(cm: KubeObject): number {
    const fields = (cm.metadata.managedFields ?? []) as { manager?: string; time?: string }[];
    const ours = fields.filter((f) => f.manager === FIELD_MANAGER && f.time).map((f) => Date.parse(f.time!));
    return ours.length ? Math.max(...ours) : this.options.now();
  }

  private startedAfter(pod: V1Pod, at: number): boolean {
    const started = pod.status?.startTime ? new Date(pod.status.startTime).getTime() : undefined;
    return started !== undefined && started > at;
  }

  async status(instance: string, namespace: string): Promise<InstanceStatus> {
    const now = this.options.now();
    const values = await this.loadValues(instance, namespace);
    const sts = await this.client.read({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: names.statefulSet(instance), namespace });
    const base: InstanceStatus = { name: instance, namespace, exists: !!(sts || values), replicas: { desired: 0, ready: 0 }, controllers: [], volumes: [], urls: [], agents: { running: 0, pending: 0 }, casc: {} };
    if (!base.exists) return base;
    const spec = (sts?.spec ?? {}) as { replicas?: number };
    const stsStatus = (sts?.status ?? {}) as { readyReplicas?: number };
    base.replicas = { desired: spec.replicas ?? 0, ready: stsStatus.readyReplicas ?? 0 };
    const pods = await this.client.listPods(namespace, selectorString(controllerSelector(instance)));
    base.controllers = pods.items.map((p) => controllerPod(p, now)).sort((a, b) => a.name.localeCompare(b.name));
    base.volumes = homeClaimsOf(instance, (await this.client.listClaims(namespace)).items).map(volume);
    const service = await this.client.readService(namespace, names.httpService(instance));
    const needsNodes = service?.spec?.type === 'NodePort' || service?.spec?.type === 'LoadBalancer';
    const nodes = needsNodes ? (await this.client.listNodes()).items : [];
    const port = (values?.service as { port?: number } | undefined)?.port ?? 8080;
    base.urls = serviceUrls(service, nodes, { name: instance, namespace, port });
    const agentNamespace = (values?.agents as { namespace?: string } | undefined)?.namespace ?? namespace;
    // This instance's agents only: the cloud labels every pod it starts with the instance's name.
    const agents = await this.client.listPods(agentNamespace, `${LABEL_AGENT_INSTANCE}=${instance}`);
    base.agents = {
      running: agents.items.filter((p) => p.status?.phase === 'Running').length,
      pending: agents.items.filter((p) => p.status?.phase === 'Pending').length,
    };
    const cm = await this.client.read({ apiVersion: 'v1', kind: 'ConfigMap', name: names.cascConfigMap(instance), namespace });
    const desired = cm?.metadata.annotations?.[ANNOTATION_CASC_REVISION];
    if (desired) {
      base.casc.desired = desired;
      const fake = { instance, namespace, cascRevision: desired } as Bundle;
      const check = await this.cascLoaded(fake).catch(() => undefined);
      if (check && check.running > 0 && check.loaded.length >= check.running) base.casc.live = desired;
    }
    return base;
  }

  async delete(bundle: Bundle, options: { purge: boolean; onProgress?: ProgressSink }): Promise<DeleteResult> {
    const deleted: string[] = [];
    const kept: string[] = [];
    const remove = async (ref: { apiVersion: string; kind: string; name: string; namespace?: string }) => {
      const gone = await this.client.delete(ref);
      const name = `${ref.kind}/${ref.name}`;
      if (gone) {
        deleted.push(name);
        options.onProgress?.({ phase: 'deleted', object: name, message: `deleted ${name}` });
      }
    };
    const objects = [...this.desiredObjects(bundle, {})].reverse();
    for (const object of objects) {
      const ref = refOf(object);
      // The namespace may hold other things; volumes hold the Jenkins home: both stay unless asked.
      if (object.kind === 'Namespace') kept.push(`Namespace/${ref.name}`);
      else if (object.kind === 'PersistentVolume' && !options.purge) kept.push(`PersistentVolume/${ref.name}`);
      else if (object.kind !== 'PersistentVolume') await remove(ref);
    }
    const claims = homeClaimsOf(bundle.instance, (await this.client.listClaims(bundle.namespace)).items).map((c) => c.metadata?.name ?? '');
    const secret = { apiVersion: 'v1', kind: 'Secret', name: adminSecretName(bundle), namespace: bundle.namespace };
    if (options.purge) {
      for (const claim of claims) await remove({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: claim, namespace: bundle.namespace });
      await remove(secret);
      for (const object of objects.filter((o) => o.kind === 'PersistentVolume')) await remove(refOf(object));
    } else {
      kept.push(...claims.map((c) => `PersistentVolumeClaim/${c}`), `Secret/${secret.name}`);
    }
    return { deleted, kept };
  }

  async withLock<T>(instance: string, namespace: string, holder: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.lease(instance, namespace, holder, fn);
    } catch (err) {
      if (err instanceof LeaseHeldError) throw new BusyError(instance, err.holder, err.since);
      throw err;
    }
  }

  private lease<T>(instance: string, namespace: string, holder: string, fn: () => Promise<T>): Promise<T> {
    const ref = { name: names.lockLease(instance), namespace, holder, labels: instanceLabels(instance, 'lock') };
    return withLease(this.client, ref, {
      durationSeconds: this.options.leaseSeconds,
      now: () => new Date(this.options.now()),
      createNamespace: async () => {
        await this.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      },
    }, fn);
  }
}

export { plain };
