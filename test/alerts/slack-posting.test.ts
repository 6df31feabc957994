import { afterEach, describe, it, expect } from '@jest/globals';
import nock from 'nock';
import { Registry } from 'prom-client';
import { ManualClock } from '../../src/kube/clock.js';
import { Dispatcher } from '../../src/alerts/notify/dispatcher.js';
import { alertMetrics } from '../../src/alerts/metrics.js';
import { AlertPipeline } from '../../src/alerts/pipeline.js';
import type { WatchEvent } from '../../src/alerts/watch/watch-event.js';
import { webClientPoster } from '../../src/alerts/notify/slack-poster.js';
import { createSlackWebClient } from '../../src/slack-client/web-client.js';
import { fixtureLines, runUntil } from './helpers.js';

const SLACK = 'https://slack.com';
const TOKEN = 'xoxb-test';

interface Posted {
  method: string;
  body: Record<string, unknown>;
}

/** A Slack API stand-in: records every accepted call; `failures` are served first, in order. */
function slackServer(failures: Array<{ status: number; body: unknown; headers?: Record<string, string> }> = []) {
  const calls: Posted[] = [];
  let ts = 1700000000;
  const queue = [...failures];
  const scope = nock(SLACK)
    .persist()
    .post(/\/api\/chat\.(postMessage|update)/)
    .reply(function reply(uri, body) {
      const method = uri.replace('/api/', '');
      const failure = queue.shift();
      if (failure) return [failure.status, failure.body, failure.headers ?? {}];
      const parsed = (typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : body) as Record<string, unknown>;
      calls.push({ method, body: parsed });
      const messageTs = method === 'chat.update' ? String(parsed.ts) : `${++ts}.000100`;
      return [200, { ok: true, channel: parsed.channel, ts: messageTs, message: { text: parsed.text, ts: messageTs } }, { 'Content-Type': 'application/json; charset=utf-8' }];
    });
  return { calls, scope, posts: () => calls.filter((c) => c.method === 'chat.postMessage') };
}

function setup(options: { stormThreshold?: number; maxQueue?: number } = {}) {
  const clock = new ManualClock();
  const registry = new Registry();
  const metrics = alertMetrics(registry);
  const dispatcher = new Dispatcher({
    clock,
    poster: webClientPoster(createSlackWebClient(TOKEN)),
    routes: { default: '#jenkins-alerts', namespaces: { 'jenkins-agents': '#builds' } },
    metrics,
    unschedulableGraceMs: 60_000,
    ...(options.stormThreshold ? { stormThreshold: options.stormThreshold } : {}),
    queue: { retryBaseMs: 1000, ...(options.maxQueue ? { maxQueue: options.maxQueue } : {}) },
  });
  const pipeline = new AlertPipeline({ clock, onNotice: (n) => dispatcher.handle(n), onRaised: (a) => metrics.raised.inc({ kind: a.kind, severity: a.severity }) });
  const feed = (lines: string[]): void => {
    for (const line of lines) pipeline.handle(JSON.parse(line) as WatchEvent);
  };
  return { clock, registry, metrics, dispatcher, pipeline, feed };
}

async function counter(registry: Registry, name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

afterEach(() => {
  nock.cleanAll();
});
// nock is activated, limited to loopback and restored per file by test/setup/no-network.ts.

describe('posting the seed\'s self-healing controller to Slack', () => {
  it('posts one incident message, threads the crash loop and the recovery, and keeps the root current', async () => {
    const slack = slackServer();
    const { clock, dispatcher, feed, registry } = setup();
    feed(fixtureLines('controller-self-healing.ndjson'));
    let idle = false;
    void dispatcher.idle().then(() => { idle = true; });
    await runUntil(clock, () => idle);
    const posts = slack.posts();
    // started, ready, crash incident root, probe incident root, crash-loop reply, recovery replies (one per incident)
    expect(posts.map((p) => String(p.body.text).split(' ')[1])).toEqual(['*started*', '*ready*', '*crashed*', '*probe-failed*', '*crash-loop*', '*recovered*', '*recovered*']);
    const root = posts[2]!;
    const rootTs = slack.calls.find((c) => c.method === 'chat.update' && String(c.body.text).includes('*crashed*'))?.body.ts;
    expect(rootTs).toBeDefined();
    expect(posts[4]!.body.thread_ts).toBe(rootTs);
    expect(root.body.channel).toBe('#jenkins-alerts');
    const lastEdit = slack.calls.filter((c) => c.method === 'chat.update' && c.body.ts === rootTs).at(-1)!;
    expect(String(lastEdit.body.text)).toContain('Resolved');
    expect(await counter(registry, 'alerts_posted_total')).toBe(slack.calls.length);
  });
});

describe('Slack faults', () => {
  it('waits out a 429 with Retry-After and a 503, then delivers each message exactly once', async () => {
    const slack = slackServer([
      { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'Retry-After': '30' } },
      { status: 503, body: 'upstream connect error' },
    ]);
    const { clock, dispatcher, feed, registry } = setup();
    feed(fixtureLines('agent-unschedulable-old.ndjson').slice(0, 2)); // the pod becomes unschedulable
    let idle = false;
    await clock.advance(61_000); // past the grace period: it is posted (and hits the faults)
    void dispatcher.idle().then(() => { idle = true; });
    await runUntil(clock, () => idle);
    const posts = slack.posts();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body.channel).toBe('#builds');
    expect(String(posts[0]!.body.text)).toContain('cannot be scheduled');
    expect(await counter(registry, 'alerts_retried_total')).toBe(2);
    expect(await counter(registry, 'alerts_dropped_total')).toBe(0);
  });

  it('says nothing about a pod that found a node within the grace period', async () => {
    const slack = slackServer();
    const { clock, dispatcher, feed } = setup();
    feed(fixtureLines('agent-unschedulable-new.ndjson'));
    await clock.advance(120_000);
    await dispatcher.idle();
    expect(slack.posts()).toHaveLength(0);
  });

  it('summarises what did not fit in the queue instead of dropping it silently', async () => {
    const slack = slackServer();
    const { clock, dispatcher, pipeline, registry } = setup({ maxQueue: 5, stormThreshold: 1000 });
    for (let i = 0; i < 12; i++) {
      pipeline.handle({ type: 'MODIFIED', object: crashingPod(i) });
    }
    let idle = false;
    void dispatcher.idle().then(() => { idle = true; });
    await runUntil(clock, () => idle);
    const posts = slack.posts();
    expect(posts).toHaveLength(6); // five alerts and one summary of the seven that did not fit
    expect(String(posts[5]!.body.text)).toContain('7 alert messages were not posted one by one');
    expect(String(posts[5]!.body.text)).toContain('7 crashed');
    expect(await counter(registry, 'alerts_dropped_total')).toBe(7);
  });

  it('groups a storm of crashing pods into one message per window', async () => {
    const slack = slackServer();
    const { clock, dispatcher, pipeline, registry } = setup();
    for (let i = 0; i < 50; i++) pipeline.handle({ type: 'MODIFIED', object: crashingPod(i) });
    await clock.advance(60_000);
    let idle = false;
    void dispatcher.idle().then(() => { idle = true; });
    await runUntil(clock, () => idle);
    const posts = slack.posts();
    expect(posts).toHaveLength(4); // three on their own, then one listing the other 47
    expect(String(posts[3]!.body.text)).toContain('*crashed* on 47 pods');
    expect(await counter(registry, 'alerts_grouped_total')).toBe(47);
  });
});

function crashingPod(i: number): unknown {
  return {
    kind: 'Pod', apiVersion: 'v1',
    metadata: { name: `app-${i}`, namespace: 'jenkins', uid: `uid-${i}`, resourceVersion: `${100 + i}`, labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], nodeName: 'node-a' },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }],
      containerStatuses: [{ name: 'web', ready: false, restartCount: 1, state: { running: { startedAt: '2026-01-10T09:00:00Z' } },
        lastState: { terminated: { exitCode: 2, reason: 'Error', finishedAt: '2026-01-10T08:59:58Z' } } }],
    },
  };
}
