// Storage: one resourceVersion counter for everything (like etcd's revision), objects keyed like etcd keys
// (/registry/<resource>/<namespace>/<name>, which is also the order lists come back in), and a bounded history of
// changes for watches. A watch from a version older than the history gets 410 Expired, as from the watch cache
// (k8s.io/apiserver/pkg/storage/cacher/watch_cache.go: "too old resource version: %d (%d)").
import type { ResourceInfo } from './resources.js';
import { clone, type Obj } from './util.js';

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ChangeEvent {
  type: WatchType;
  rv: number;
  info: ResourceInfo;
  object: Obj;
}

export class Store {
  private readonly objects = new Map<string, { info: ResourceInfo; obj: Obj }>();
  private readonly history: ChangeEvent[] = [];
  private readonly listeners = new Set<(e: ChangeEvent) => void>();
  private revision: number;
  /** Versions up to this one are no longer in the history. */
  compactedRv: number;
  /** The last version that changed anything but an Event: repeated events do not keep a cluster "busy". */
  lastStateRv = 0;

  constructor(private historyLimit: number, start = 1000) {
    this.revision = start;
    this.compactedRv = start;
  }

  get rv(): number {
    return this.revision;
  }

  static key(info: ResourceInfo, namespace: string | undefined, name: string): string {
    return `${info.group || 'core'}/${info.plural}/${info.namespaced ? `${namespace ?? ''}/` : ''}${name}`;
  }

  get(info: ResourceInfo, namespace: string | undefined, name: string): Obj | undefined {
    const e = this.objects.get(Store.key(info, namespace, name));
    return e ? clone(e.obj) : undefined;
  }

  /** Objects of a kind (in one namespace, or all), in key order; each a copy. */
  list(info: ResourceInfo, namespace?: string): Obj[] {
    const prefix = `${info.group || 'core'}/${info.plural}/${info.namespaced && namespace ? `${namespace}/` : ''}`;
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, e]) => clone(e.obj));
  }

  /** The first stored object of a kind (in one namespace, or all) that `match` accepts, as a copy; nothing else copied. */
  find(info: ResourceInfo, namespace: string | undefined, match: (obj: Readonly<Obj>) => boolean): Obj | undefined {
    const prefix = `${info.group || 'core'}/${info.plural}/${info.namespaced && namespace ? `${namespace}/` : ''}`;
    for (const [k, e] of this.objects) if (k.startsWith(prefix) && match(e.obj)) return clone(e.obj);
    return undefined;
  }

  /** Every stored object itself, not a copy: for controllers that only read (the garbage collector, every tick). */
  peekAll(): Array<{ info: ResourceInfo; obj: Readonly<Obj> }> {
    return [...this.objects.values()].map((e) => ({ info: e.info, obj: e.obj }));
  }

  all(): Array<{ info: ResourceInfo; obj: Obj }> {
    return [...this.objects.values()].map((e) => ({ info: e.info, obj: clone(e.obj) }));
  }

  /** Writes an object under a new resourceVersion and records the change. Returns the stored copy. */
  write(info: ResourceInfo, obj: Obj): Obj {
    const key = Store.key(info, obj.metadata.namespace, obj.metadata.name);
    const type: WatchType = this.objects.has(key) ? 'MODIFIED' : 'ADDED';
    this.revision += 1;
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(this.revision);
    this.objects.set(key, { info, obj: stored });
    this.record({ type, rv: this.revision, info, object: clone(stored) });
    return clone(stored);
  }

  remove(info: ResourceInfo, obj: Obj): Obj {
    const key = Store.key(info, obj.metadata.namespace, obj.metadata.name);
    this.objects.delete(key);
    this.revision += 1;
    // A DELETED event carries the object at the version of its deletion.
    const last = clone(obj);
    last.metadata.resourceVersion = String(this.revision);
    this.record({ type: 'DELETED', rv: this.revision, info, object: clone(last) });
    return last;
  }

  private record(e: ChangeEvent): void {
    if (e.info.kind !== 'Event') this.lastStateRv = e.rv;
    this.history.push(e);
    while (this.history.length > this.historyLimit) this.compactedRv = this.history.shift()!.rv;
    for (const l of [...this.listeners]) l(e);
  }

  /** Changes after `rv`, or undefined when some of them are gone from the history. */
  since(rv: number): ChangeEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    return this.history.filter((e) => e.rv > rv);
  }

  /** Drops the whole history: every watch from an older version now gets 410. */
  compact(): void {
    this.history.length = 0;
    this.compactedRv = this.revision;
  }

  setHistoryLimit(n: number): void {
    this.historyLimit = n;
  }

  subscribe(fn: (e: ChangeEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  findByUid(uid: string): { info: ResourceInfo; obj: Obj } | undefined {
    for (const e of this.objects.values()) if (e.obj.metadata?.uid === uid) return { info: e.info, obj: clone(e.obj) };
    return undefined;
  }
}
