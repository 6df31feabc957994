// The real cluster: server-side apply with field manager jenkins-chatops, waits that explain failures, a Lease lock.
// Each job lives in its own file (apply, rollout-wait, casc-wait, status, delete, admin-secret); this class wires
// them to the Target port and owns what is shared: the client, the settings and the stored values.
import type { KubeConfig } from '@kubernetes/client-node';
import { mapLimit } from '../../kube/concurrency.js';
import type { Bundle } from '../../render/bundle.js';
import { instanceLabels, LABEL_SPEC, names } from '../../instance/naming.js';
import type { Values } from '../../instance/index.js';
import { FIELD_MANAGER, KubeClient } from '../../kube/client.js';
import type { KubeObject } from '../../kube/object.js';
import { LeaseHeldError, LeaseLostError, withLease, type LeaseObservations } from '../../kube/lease/lease-lock.js';
import type { RetryPolicy } from '../../kube/retry.js';
import { madeByBot, parseStoredValues, VALUES_KEY } from '../stored-values.js';
import {
  BusyError, LockLostError,
  type ApplyOptions, type ApplyResult, type DeleteResult, type InstanceStatus, type Outcome, type Plan, type ProgressSink, type Target, type WaitOptions,
} from '../../operations/target.js';
import { ensureAdminSecret, ensureReloadToken, readAdminPassword } from './admin-secret.js';
import { applyBundle, createNamespace, planObjects } from './apply.js';
import { waitCascReload } from './casc-wait.js';
import type { ClusterContext, ClusterSettings } from './context.js';
import { deleteInstance } from './delete.js';
import { waitReady } from './rollout-wait.js';
import { bundleUrls, instanceStatus } from './status.js';

export interface ClusterTargetOptions extends Partial<ClusterSettings> {
  description?: string;
  retry?: Partial<RetryPolicy>;
  /**
   * The namespaces instances are looked for in (the bot: its policy's managed namespaces, where its RBAC reaches).
   * Without it, instances are found cluster-wide (the command line, with the operator's own credentials).
   */
  namespaces?: string[];
}

export class ClusterTarget implements Target {
  readonly kind = 'cluster' as const;
  readonly description: string;
  readonly client: KubeClient;
  private readonly ctx: ClusterContext;
  /** When this process first saw each lock's current record: expiry is judged by our clock, not the holder's. */
  private readonly observations: LeaseObservations = new Map();

  constructor(kubeConfig: KubeConfig, options: ClusterTargetOptions = {}) {
    this.client = new KubeClient(kubeConfig, options.retry);
    this.description = options.description ?? `cluster ${kubeConfig.getCurrentContext()} (${kubeConfig.getCurrentCluster()?.server ?? '?'})`;
    const settings: ClusterSettings = {
      leaseSeconds: options.leaseSeconds ?? 60,
      pollMs: options.pollMs ?? 5000,
      graceMs: options.graceMs ?? 60_000,
      defaultTimeoutSeconds: options.defaultTimeoutSeconds ?? 600,
      now: options.now ?? Date.now,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref())),
    };
    this.ctx = { client: this.client, settings };
    this.namespaces = options.namespaces?.length ? [...new Set(options.namespaces)] : undefined;
  }

  private readonly namespaces: string[] | undefined;

  /** Stored-values ConfigMaps the bot wrote (labels and field manager), in the namespaces it may look at. */
  private async storedConfigMaps(instance?: string): Promise<KubeObject[]> {
    const selector = instance ? `${LABEL_SPEC}=${instance}` : LABEL_SPEC;
    const found: KubeObject[] = [];
    if (this.namespaces && instance) {
      // The name is known: one namespaced GET per managed namespace instead of a list.
      for (const namespace of this.namespaces) {
        const cm = await this.client.read({ apiVersion: 'v1', kind: 'ConfigMap', name: names.specConfigMap(instance), namespace });
        if (cm) found.push(cm);
      }
    } else if (this.namespaces) {
      // One namespaced list per managed namespace (the bot may not list cluster-wide), all at once.
      const lists = await mapLimit(this.namespaces, 10, (namespace) => this.client.listAll({ verb: 'list', resource: 'configmaps', namespace }, (chunk) =>
        this.client.core.listNamespacedConfigMap({ namespace, labelSelector: selector, ...chunk })));
      for (const list of lists) found.push(...(list.items as unknown as KubeObject[]));
    } else {
      found.push(...((await this.client.listConfigMapsEverywhere(selector)).items as unknown as KubeObject[]));
    }
    return found.filter((cm) => {
      const name = cm.metadata?.labels?.[LABEL_SPEC];
      return name !== undefined && cm.metadata?.name === names.specConfigMap(name) && madeByBot(cm, name, FIELD_MANAGER);
    });
  }

  async listInstances(): Promise<string[]> {
    const found = await this.storedConfigMaps();
    return [...new Set(found.map((cm) => cm.metadata.labels![LABEL_SPEC]!))].sort();
  }

  /**
   * Only values the bot stored count: a ConfigMap someone else made with the same labels (or outside the managed
   * namespaces) neither is read nor blocks the instance.
   */
  async loadValues(instance: string, namespace?: string): Promise<Values | undefined> {
    const parse = (cm: KubeObject) =>
      parseStoredValues((cm.data as Record<string, string> | undefined)?.[VALUES_KEY], `ConfigMap ${cm.metadata.namespace}/${cm.metadata.name}`);
    if (namespace) {
      if (this.namespaces && !this.namespaces.includes(namespace)) return undefined;
      const cm = await this.client.read({ apiVersion: 'v1', kind: 'ConfigMap', name: names.specConfigMap(instance), namespace });
      return cm && madeByBot(cm, instance, FIELD_MANAGER) ? parse(cm) : undefined;
    }
    const found = await this.storedConfigMaps(instance);
    if (found.length > 1) {
      const where = found.map((cm) => cm.metadata.namespace).join(', ');
      throw new Error(`instance ${instance} exists in several namespaces (${where}); name the namespace`);
    }
    return found[0] ? parse(found[0]) : undefined;
  }

  async diff(bundle: Bundle): Promise<Plan> {
    return (await planObjects(this.ctx, bundle, undefined)).plan;
  }

  apply(bundle: Bundle, values: Values, options: ApplyOptions = {}): Promise<ApplyResult> {
    return applyBundle(this.ctx, bundle, values, options);
  }

  ensureAdminSecret(bundle: Bundle): Promise<'created' | 'exists'> {
    return ensureAdminSecret(this.ctx, bundle);
  }

  ensureReloadToken(bundle: Bundle): Promise<'created' | 'exists'> {
    return ensureReloadToken(this.ctx, bundle);
  }

  async readAdminPassword(instance: string, namespace: string): Promise<{ user: string; password: string }> {
    const values = await this.loadValues(instance, namespace);
    const controller = (values?.controller ?? {}) as { adminSecret?: string };
    return readAdminPassword(this.ctx, instance, namespace, names.adminSecret(instance, controller.adminSecret));
  }

  waitReady(bundle: Bundle, options: WaitOptions = {}): Promise<Outcome> {
    return waitReady(this.ctx, bundle, options);
  }

  waitCascReload(bundle: Bundle, options: WaitOptions = {}): Promise<Outcome> {
    return waitCascReload(this.ctx, bundle, options);
  }

  async status(instance: string, namespace: string): Promise<InstanceStatus> {
    return instanceStatus(this.ctx, instance, namespace, await this.loadValues(instance, namespace));
  }

  urls(bundle: Bundle): Promise<string[]> {
    return bundleUrls(this.ctx, bundle);
  }

  delete(bundle: Bundle, options: { purge: boolean; onProgress?: ProgressSink }): Promise<DeleteResult> {
    return deleteInstance(this.ctx, bundle, options);
  }

  async withLock<T>(instance: string, namespace: string, holder: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ref = { name: names.lockLease(instance), namespace, holder, labels: instanceLabels(instance, 'lock') };
    const options = {
      durationSeconds: this.ctx.settings.leaseSeconds,
      now: () => new Date(this.ctx.settings.now()),
      sleep: this.ctx.settings.sleep,
      observations: this.observations,
      createNamespace: async () => {
        // The first deploy into a new namespace: created as the renderer would (its Pod Security labels included),
        // since an existing namespace is never relabelled afterwards.
        await createNamespace(this.ctx, namespace);
      },
    };
    try {
      return await withLease(this.client, ref, options, fn);
    } catch (err) {
      if (err instanceof LeaseHeldError) throw new BusyError(instance, err.holder, err.since);
      if (err instanceof LeaseLostError) {
        throw new LockLostError(instance,
          `the operation on ${instance} was stopped: it lost its lock (Lease ${err.lease}) — ${err.why}. Stopping keeps two operations from ` +
          `changing ${instance} at once; what was applied before the stop stays. Check the connection to the cluster, then run the command again.`);
      }
      throw err;
    }
  }
}
