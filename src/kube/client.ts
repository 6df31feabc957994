// A thin layer over client-node: every call is retried when transient and fails with a message naming verb + resource.
import {
  CoordinationV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  type KubeConfig,
  type KubernetesObject,
  type V1APIResource,
  type V1Lease,
  type V1ListMeta,
} from '@kubernetes/client-node';
import type { KubeObject } from './object.js';
import { clone } from '../instance/values.js';
import { describeFailure, KubeApiError, statusCode, type Attempt } from './errors.js';
import { knownResource, pluralOf } from './resources.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, formatTimeout, makeApiClient, RequestTimeoutError, usePooledAgents, withRequestTimeout } from './transport.js';

export const FIELD_MANAGER = 'jenkins-chatops';

/** Avoids a discovery request per API group for the kinds an instance is made of. */
class KnownKindsObjectApi extends KubernetesObjectApi {
  override async resource(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    const known = knownResource(apiVersion, kind);
    if (known) return { kind, name: known.plural, namespaced: known.namespaced, singularName: kind.toLowerCase(), verbs: [] };
    return super.resource(apiVersion, kind);
  }
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export function refOf(object: KubeObject): ObjectRef {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace };
}

export function label(ref: ObjectRef): string {
  return `${ref.kind}/${ref.name}`;
}

export type WatchEnd = 'event' | 'closed' | 'timeout';

/** Items per page of every list (like kubectl's --chunk-size default). */
export const DEFAULT_PAGE_SIZE = 500;

export interface KubeClientOptions {
  /** Deadline of each API request attempt in ms (default 30 s; 0 = none). Watches end by their own timeout. */
  requestTimeoutMs?: number;
  /** Items per list page (default 500). */
  pageSize?: number;
}

interface ListPage<T> {
  items: T[];
  metadata?: V1ListMeta;
}

function where(attempt: Attempt): string {
  const what = attempt.object ?? attempt.resource;
  return attempt.namespace ? `${what} in namespace ${attempt.namespace}` : what;
}

export class KubeClient {
  readonly objects: KubernetesObjectApi;
  readonly core: CoreV1Api;
  readonly coordination: CoordinationV1Api;
  private readonly watcher: Watch;
  readonly retry: RetryPolicy;
  readonly requestTimeoutMs: number;
  readonly pageSize: number;

  constructor(readonly kubeConfig: KubeConfig, retry: Partial<RetryPolicy> = {}, options: KubeClientOptions = {}) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    // API clients and the Watch share the process's keep-alive connections.
    usePooledAgents(kubeConfig);
    this.objects = makeApiClient(kubeConfig, KnownKindsObjectApi, this.requestTimeoutMs);
    this.core = makeApiClient(kubeConfig, CoreV1Api, this.requestTimeoutMs);
    this.coordination = makeApiClient(kubeConfig, CoordinationV1Api, this.requestTimeoutMs);
    this.watcher = new Watch(kubeConfig);
    this.retry = { ...DEFAULT_RETRY, ...retry };
  }

  /** Runs one API call with a deadline per attempt and retries; any final failure becomes a KubeApiError. */
  async call<T>(attempt: Attempt, fn: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(() => withRequestTimeout(this.requestTimeoutMs, fn), this.retry);
    } catch (err) {
      if (err instanceof RequestTimeoutError) {
        throw new KubeApiError(
          `the Kubernetes API did not answer the request to ${attempt.verb} ${where(attempt)} within ${formatTimeout(err.timeoutMs)} (tried ${this.retry.attempts} time${this.retry.attempts === 1 ? '' : 's'}); check the cluster address, your network and the API server's load, then retry`,
          undefined, attempt);
      }
      throw describeFailure(err, attempt);
    }
  }

  /**
   * Every item of a list, read in pages of `pageSize` (limit + continue, like kubectl). A continue token that
   * expired (410 Gone) restarts the list once from the beginning. Returns the last page's list with all items.
   */
  async listAll<T, L extends ListPage<T>>(attempt: Attempt, page: (chunk: { limit: number; _continue?: string }) => Promise<L>): Promise<L> {
    for (let restarted = false; ; restarted = true) {
      const items: T[] = [];
      let token: string | undefined;
      try {
        for (;;) {
          const current = token;
          const list = await this.call(attempt, () => page({ limit: this.pageSize, ...(current ? { _continue: current } : {}) }));
          items.push(...(list.items ?? []));
          token = list.metadata?._continue || undefined;
          if (!token) {
            list.items = items;
            if (list.metadata) list.metadata.remainingItemCount = undefined;
            return list;
          }
        }
      } catch (err) {
        if (!restarted && token !== undefined && statusCode(err) === 410) continue;
        throw err;
      }
    }
  }

  private attempt(verb: string, ref: ObjectRef): Attempt {
    return { verb, resource: pluralOf(ref.apiVersion, ref.kind), namespace: ref.namespace, object: label(ref) };
  }

  /** The live object, or undefined when it does not exist. */
  async read(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      const live = await this.call(this.attempt('get', ref), () =>
        this.objects.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } }));
      // Typed client-node models carry Dates and class instances; diffs and files want plain JSON data.
      return clone(live) as unknown as KubeObject;
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw err;
    }
  }

  /** Server-side apply (PATCH application/apply-patch+yaml, fieldManager jenkins-chatops). */
  async apply(object: KubeObject, options: { dryRun?: boolean; force?: boolean } = {}): Promise<KubeObject> {
    const ref = refOf(object);
    const result = await this.call(this.attempt('patch', ref), () =>
      this.objects.patch(
        clone(object) as KubernetesObject,
        undefined,
        options.dryRun ? 'All' : undefined,
        FIELD_MANAGER,
        options.force ? true : undefined,
        PatchStrategy.ServerSideApply,
      ));
    return clone(result) as unknown as KubeObject;
  }

  /** Creates an object; 'exists' when it is already there (AlreadyExists, 409). */
  async create(object: KubeObject): Promise<'created' | 'exists'> {
    try {
      await this.call(this.attempt('create', refOf(object)), () =>
        this.objects.create(clone(object) as KubernetesObject, undefined, undefined, FIELD_MANAGER));
      return 'created';
    } catch (err) {
      if (statusCode(err) === 409) return 'exists';
      throw err;
    }
  }

  /** Deletes an object; false when it was already gone. */
  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await this.call(this.attempt('delete', ref), () =>
        this.objects.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } }, undefined, undefined, undefined, undefined, 'Background'));
      return true;
    } catch (err) {
      if (statusCode(err) === 404) return false;
      throw err;
    }
  }

  listPods(namespace: string, labelSelector: string) {
    return this.listAll({ verb: 'list', resource: 'pods', namespace }, (chunk) => this.core.listNamespacedPod({ namespace, labelSelector, ...chunk }));
  }

  listClaims(namespace: string, labelSelector?: string) {
    return this.listAll({ verb: 'list', resource: 'persistentvolumeclaims', namespace }, (chunk) =>
      this.core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector, ...chunk }));
  }

  listNodes() {
    return this.listAll({ verb: 'list', resource: 'nodes' }, (chunk) => this.core.listNode({ ...chunk }));
  }

  listConfigMapsEverywhere(labelSelector: string) {
    return this.listAll({ verb: 'list', resource: 'configmaps' }, (chunk) => this.core.listConfigMapForAllNamespaces({ labelSelector, ...chunk }));
  }

  readService(namespace: string, name: string) {
    return this.call({ verb: 'get', resource: 'services', namespace, object: `Service/${name}` }, async () => {
      try {
        return await this.core.readNamespacedService({ namespace, name });
      } catch (err) {
        if (statusCode(err) === 404) return undefined;
        throw err;
      }
    });
  }

  /** Container log lines (optionally the previous, crashed instance's), newest last. */
  async readLog(namespace: string, pod: string, container: string, options: { previous?: boolean; tailLines?: number; sinceSeconds?: number; timestamps?: boolean } = {}): Promise<string[]> {
    const text = await this.call({ verb: 'get', resource: 'pods/log', namespace, object: `Pod/${pod}` }, () =>
      this.core.readNamespacedPodLog({ namespace, name: pod, container, ...options }));
    return String(text ?? '').split('\n').filter((line) => line.length > 0);
  }

  readLease(namespace: string, name: string): Promise<V1Lease | undefined> {
    return this.call({ verb: 'get', resource: 'leases', namespace, object: `Lease/${name}` }, async () => {
      try {
        return await this.coordination.readNamespacedLease({ namespace, name });
      } catch (err) {
        if (statusCode(err) === 404) return undefined;
        throw err;
      }
    });
  }

  createLease(namespace: string, body: V1Lease): Promise<V1Lease> {
    return this.call({ verb: 'create', resource: 'leases', namespace, object: `Lease/${body.metadata?.name}` }, () =>
      this.coordination.createNamespacedLease({ namespace, body }));
  }

  replaceLease(namespace: string, body: V1Lease): Promise<V1Lease> {
    return this.call({ verb: 'update', resource: 'leases', namespace, object: `Lease/${body.metadata?.name}` }, () =>
      this.coordination.replaceNamespacedLease({ namespace, name: body.metadata!.name!, body }));
  }

  async deleteLease(namespace: string, name: string, resourceVersion?: string): Promise<void> {
    try {
      await this.call({ verb: 'delete', resource: 'leases', namespace, object: `Lease/${name}` }, () =>
        this.coordination.deleteNamespacedLease({ namespace, name, body: resourceVersion ? { preconditions: { resourceVersion } } : undefined }));
    } catch (err) {
      // Gone already, or taken over after our lease expired: either way it is no longer ours to release.
      if (statusCode(err) !== 404 && statusCode(err) !== 409) throw err;
    }
  }

  /**
   * Watches pods from `resourceVersion` until the first event, the stream's end (a cut watch) or `timeoutMs`.
   * Callers re-read state after any of the three, so a cut watch only costs one relist.
   */
  async waitForPodEvent(namespace: string, labelSelector: string, resourceVersion: string | undefined, timeoutMs: number, signal?: AbortSignal): Promise<WatchEnd> {
    return new Promise<WatchEnd>((resolve) => {
      let settled = false;
      let controller: AbortController | undefined;
      const finish = (how: WatchEnd) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        controller?.abort();
        resolve(how);
      };
      const onAbort = () => finish('closed');
      const timer = setTimeout(() => finish('timeout'), timeoutMs);
      signal?.addEventListener('abort', onAbort);
      this.watcher
        .watch(
          `/api/v1/namespaces/${namespace}/pods`,
          { labelSelector, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: Math.max(1, Math.ceil(timeoutMs / 1000)) },
          (type) => {
            if (type !== 'BOOKMARK') finish('event');
          },
          () => finish('closed'),
        )
        .then((c) => {
          controller = c;
          if (settled) c.abort();
        })
        .catch(() => finish('closed'));
    });
  }
}
