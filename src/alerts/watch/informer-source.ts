// Live source: one client-node informer for Pods and one for Events per namespace. Every (re)list is handed over as
// seed events first (what was already there is not news); the informer then reports only real changes. An
// informer that dies (anything but 410, which it handles by relisting) is restarted with backoff, and said so.
import { CoreV1Api, makeInformer } from '@kubernetes/client-node';
import type { CoreV1Event, Informer, KubeConfig, KubernetesObject, V1Pod } from '@kubernetes/client-node';
import type { Clock, TimerHandle } from '../../kube/clock.js';
import { statusCode } from '../../kube/errors.js';
import type { WatchEvent } from './watch-event.js';

export interface WatchStatus {
  namespace: string;
  resource: 'pods' | 'events';
  state: 'watching' | 'down' | 'stopped';
  error?: string;
  retryInMs?: number;
}

export interface SourceOptions {
  kubeConfig: KubeConfig;
  namespaces: string[];
  clock: Clock;
  onEvent: (event: WatchEvent) => void;
  onStatus?: (status: WatchStatus) => void;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Watch events too (probe failures exist only there). Default true. */
  events?: boolean;
}

interface Watched {
  namespace: string;
  resource: 'pods' | 'events';
  informer: Informer<KubernetesObject>;
  failures: number;
  retry?: TimerHandle;
  state: WatchStatus['state'];
}

function describeError(err: unknown): string {
  const code = statusCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code !== undefined ? `HTTP ${code}: ${message}` : message;
}

export class InformerSource {
  private readonly watched: Watched[] = [];
  private stopped = true;

  constructor(private readonly options: SourceOptions) {}

  /** Every watch is running (for readiness checks). */
  get healthy(): boolean {
    return this.watched.length > 0 && this.watched.every((w) => w.state === 'watching');
  }

  statuses(): WatchStatus[] {
    return this.watched.map((w) => ({ namespace: w.namespace, resource: w.resource, state: w.state }));
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    const core = this.options.kubeConfig.makeApiClient(CoreV1Api);
    for (const namespace of this.options.namespaces) {
      this.watched.push(this.watch(namespace, 'pods', () => core.listNamespacedPod({ namespace })));
      if (this.options.events !== false) this.watched.push(this.watch(namespace, 'events', () => core.listNamespacedEvent({ namespace })));
    }
    await Promise.all(this.watched.map((w) => this.run(w)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.watched) {
      if (w.retry) this.options.clock.clearTimeout(w.retry);
      w.state = 'stopped';
      await w.informer.stop();
    }
    this.watched.length = 0;
  }

  private seed(items: Array<V1Pod | CoreV1Event>): void {
    for (const object of items) this.options.onEvent({ type: 'ADDED', object, seed: true });
  }

  private watch(namespace: string, resource: 'pods' | 'events', fetchList: () => Promise<{ items: Array<V1Pod | CoreV1Event> }>): Watched {
    const path = `/api/v1/namespaces/${namespace}/${resource}`;
    const list = async () => {
      const result = await fetchList();
      w.failures = 0; // the API answers again: the next failure starts the backoff from the beginning
      this.seed(result.items);
      return result;
    };
    const informer = makeInformer<KubernetesObject>(this.options.kubeConfig, path, list as never);
    const w: Watched = { namespace, resource, informer, failures: 0, state: 'down' };
    informer.on('add', (object) => this.options.onEvent({ type: 'ADDED', object }));
    informer.on('update', (object) => this.options.onEvent({ type: 'MODIFIED', object }));
    informer.on('delete', (object) => this.options.onEvent({ type: 'DELETED', object }));
    informer.on('connect', () => {
      w.state = 'watching';
      this.options.onStatus?.({ namespace, resource, state: 'watching' });
    });
    informer.on('error', (err) => this.failed(w, err));
    return w;
  }

  private async run(w: Watched): Promise<void> {
    try {
      await w.informer.start();
    } catch (err) {
      this.failed(w, err);
    }
  }

  private failed(w: Watched, err: unknown): void {
    if (this.stopped) return; // stop() aborts the request: not a failure
    w.failures++;
    w.state = 'down';
    const initial = this.options.backoffInitialMs ?? 1_000;
    const retryInMs = Math.min(this.options.backoffMaxMs ?? 60_000, initial * 2 ** (w.failures - 1));
    this.options.onStatus?.({ namespace: w.namespace, resource: w.resource, state: 'down', error: describeError(err), retryInMs });
    if (w.retry) return;
    w.retry = this.options.clock.setTimeout(() => {
      delete w.retry;
      if (!this.stopped) void this.run(w);
    }, retryInMs);
  }
}
