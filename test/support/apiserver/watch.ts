// Watch streams: newline-delimited JSON events (k8s.io/apiserver/pkg/endpoints/handlers/watch.go).
// From resourceVersion N: the changes after N from the history, or one ERROR event with a 410 Expired Status when
// N is older than the history; without a version (or "0"): ADDED for everything that exists, then changes.
// An object that stops matching the selectors is sent as DELETED, one that starts matching as ADDED
// (cacher.go filterWithAttrsFunction). BOOKMARK events when asked for, on every tick. timeoutSeconds ends the stream.
import type { ServerResponse } from 'node:http';
import { expired } from './errors.js';
import type { ResourceInfo } from './resources.js';
import { matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { ChangeEvent, Store } from './store.js';
import type { Obj } from './util.js';

export interface WatchRequest {
  info: ResourceInfo;
  namespace?: string;
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks: boolean;
  timeoutSeconds?: number;
}

export class WatchHub {
  private readonly open = new Set<{ res: ServerResponse; bookmark: () => void; end: () => void }>();

  constructor(private readonly store: Store) {}

  get count(): number {
    return this.open.size;
  }

  serve(req: WatchRequest, res: ServerResponse): void {
    const labels = req.labelSelector ? parseLabelSelector(req.labelSelector) : undefined;
    const fields = req.fieldSelector ? parseFieldSelector(req.fieldSelector, req.info.kind) : undefined;
    const inScope = (o: Obj) => !req.info.namespaced || !req.namespace || o.metadata.namespace === req.namespace;
    const matches = (o: Obj) => inScope(o) && (!labels || matchesLabels(labels, o.metadata.labels)) && (!fields || fields(o));
    const key = (o: Obj) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const visible = new Set<string>();

    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache, private' });
    // The real server flushes headers at once. nock 14 (the project's test setup) hands a passed-through response to
    // the client only with its first body chunk, so one blank line (whitespace between JSON documents) goes first.
    res.write('\n');
    const send = (type: string, object: Obj) => {
      if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const deliver = (e: ChangeEvent) => {
      if (e.info !== req.info || !inScope(e.object)) return;
      const k = key(e.object);
      const now = e.type !== 'DELETED' && matches(e.object);
      if (e.type === 'DELETED') {
        if (visible.delete(k) || matches(e.object)) send('DELETED', e.object);
      } else if (now) {
        send(visible.has(k) ? e.type : 'ADDED', e.object);
        visible.add(k);
      } else if (visible.delete(k)) {
        send('DELETED', e.object);
      }
    };

    const rv = req.resourceVersion;
    if (rv && rv !== '0') {
      const n = Number(rv);
      const backlog = Number.isFinite(n) ? this.store.since(n) : undefined;
      if (!backlog) {
        // The watch cache's wording; clients relist on this 410.
        send('ERROR', expired(`too old resource version: ${rv} (${this.store.compactedRv + 1})`).status());
        res.end();
        return;
      }
      for (const o of this.store.list(req.info, req.info.namespaced ? req.namespace : undefined)) if (matches(o)) visible.add(key(o));
      // Objects as they were at `rv` would be the exact starting set; the current ones are close enough for
      // MODIFIED vs ADDED except for objects created after rv, which the backlog replays as ADDED anyway.
      for (const e of backlog) if (e.type === 'ADDED') visible.delete(key(e.object));
      for (const e of backlog) deliver(e);
    } else {
      for (const o of this.store.list(req.info, req.info.namespaced ? req.namespace : undefined)) {
        if (!matches(o)) continue;
        visible.add(key(o));
        send('ADDED', { apiVersion: req.info.apiVersion, kind: req.info.kind, ...o });
      }
    }
    const unsubscribe = this.store.subscribe(deliver);
    let timer: NodeJS.Timeout | undefined;
    const entry = {
      res,
      bookmark: () => {
        if (req.allowWatchBookmarks) send('BOOKMARK', { kind: req.info.kind, apiVersion: req.info.apiVersion, metadata: { resourceVersion: String(this.store.rv) } });
      },
      end: () => {
        unsubscribe();
        if (timer) clearTimeout(timer);
        this.open.delete(entry);
        if (!res.writableEnded) res.end();
      },
    };
    this.open.add(entry);
    if (req.timeoutSeconds !== undefined && req.timeoutSeconds > 0) {
      timer = setTimeout(entry.end, req.timeoutSeconds * 1000);
      timer.unref();
    }
    res.on('close', entry.end);
  }

  bookmarks(): void {
    for (const w of [...this.open]) w.bookmark();
  }

  /** Ends every open watch: what a client sees when the apiserver restarts or a proxy cuts idle streams. */
  closeAll(): void {
    for (const w of [...this.open]) w.end();
  }
}
