import { afterEach, describe, it, expect } from '@jest/globals';
import { PassThrough } from 'node:stream';
import nock from 'nock';
import { ManualClock } from '../../src/kube/clock.js';
import { AlertPipeline } from '../../src/alerts/pipeline.js';
import type { Notice } from '../../src/alerts/incidents/notice.js';
import { InformerSource } from '../../src/alerts/watch/informer-source.js';
import type { WatchStatus } from '../../src/alerts/watch/informer-source.js';
import { fixtureLines, runUntil } from './helpers.js';
import { API, JSON_HEADERS, testKubeConfig } from './kube-helpers.js';

const PODS = '/api/v1/namespaces/jenkins/pods';

/** The seed controller's states from the fixture: [pending, starting, ready, ready-dup, error, unhealthy-event, crash-loop, …]. */
const seq = fixtureLines('controller-self-healing.ndjson').map((l) => JSON.parse(l) as { type: string; object: { metadata: { resourceVersion: string } } });
const ready = seq[2]!.object;
const crashed = seq[4]!.object;
const crashLoop = seq[6]!.object;

function podList(resourceVersion: string, items: unknown[]): Record<string, unknown> {
  return { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion }, items: items.map((i) => ({ ...(i as object), kind: undefined, apiVersion: undefined })) };
}

function watchStream(): PassThrough {
  return new PassThrough();
}

function line(type: string, object: unknown): string {
  return `${JSON.stringify({ type, object })}\n`;
}

function harness() {
  const clock = new ManualClock();
  const notices: Notice[] = [];
  const statuses: WatchStatus[] = [];
  const pipeline = new AlertPipeline({ clock, onNotice: (n) => notices.push(n) });
  const source = new InformerSource({
    kubeConfig: testKubeConfig(), namespaces: ['jenkins'], clock, events: false,
    onEvent: (e) => pipeline.handle(e), onStatus: (s) => statuses.push(s), backoffInitialMs: 1000,
  });
  const kinds = (): string[] => notices.flatMap((n) => (n.type === 'summary' || n.type === 'refresh' ? [] : [n.alert.kind]));
  return { clock, notices, statuses, source, kinds };
}

afterEach(() => {
  nock.cleanAll();
});
// nock is activated, limited to loopback and restored per file by test/setup/no-network.ts.

describe('watching pods', () => {
  it('seeds silently, survives a cut watch and a 410 relist, and alerts each change exactly once', async () => {
    const { clock, source, kinds } = harness();
    const first = watchStream();
    const second = watchStream();
    const third = watchStream();
    first.write(line('MODIFIED', crashed));
    second.write(line('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1003 (1200)', reason: 'Expired', code: 410 }));
    third.write(line('BOOKMARK', { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '1300' } }));
    const api = nock(API)
      // start-up list: the controller is already running and ready → remembered, not announced
      .get(PODS).reply(200, podList('1003', [ready]), JSON_HEADERS)
      .get(PODS).query({ watch: 'true', resourceVersion: '1003' }).reply(200, () => first, JSON_HEADERS)
      // the cut stream is re-watched from the last version seen
      .get(PODS).query({ watch: 'true', resourceVersion: crashed.metadata.resourceVersion }).reply(200, () => second, JSON_HEADERS)
      // 410 Gone: relist; the list holds the crashed pod we already reported
      .get(PODS).reply(200, podList('1200', [crashed]), JSON_HEADERS)
      .get(PODS).query({ watch: 'true', resourceVersion: '1200' }).reply(200, () => third, JSON_HEADERS);

    void source.start();
    await runUntil(clock, () => kinds().includes('crashed'), 10);
    first.end(); // the connection drops mid-stream
    await runUntil(clock, () => api.pendingMocks().length <= 2, 10);
    second.end(); // the API server closes the watch after the ERROR event
    await runUntil(clock, () => api.isDone(), 10);
    third.write(line('MODIFIED', crashLoop));
    await runUntil(clock, () => kinds().includes('crash-loop'), 10);
    await source.stop();
    third.end();
    expect(kinds()).toEqual(['crashed', 'crash-loop']);
  });

  it('restarts a dead watch with backoff and says so', async () => {
    const { clock, source, statuses, kinds } = harness();
    const stream = watchStream();
    stream.write(line('MODIFIED', crashed));
    const api = nock(API)
      .get(PODS).reply(500, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'etcdserver: request timed out', code: 500 }, JSON_HEADERS)
      .get(PODS).reply(200, podList('1003', [ready]), JSON_HEADERS)
      .get(PODS).query({ watch: 'true', resourceVersion: '1003' }).reply(200, () => stream, JSON_HEADERS);
    void source.start();
    await runUntil(clock, () => statuses.some((s) => s.state === 'down'), 10);
    expect(source.healthy).toBe(false);
    expect(statuses.find((s) => s.state === 'down')).toMatchObject({ namespace: 'jenkins', resource: 'pods', retryInMs: 1000 });
    await runUntil(clock, () => kinds().includes('crashed'), 50);
    expect(api.isDone()).toBe(true);
    expect(source.healthy).toBe(true);
    await source.stop();
    stream.end();
    expect(kinds()).toEqual(['crashed']);
  });
});
