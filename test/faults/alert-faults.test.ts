// The live alerter (startAlerter: informers → pipeline → dispatcher → Slack Web API) while the pod watch is cut,
// a 410 Gone forces a relist, enrichment reads fail and Slack answers 429 Retry-After and 5xx: every alert reaches
// its channel exactly once, in order, and nothing is dropped.
import { afterAll, afterEach, describe, expect, it, jest } from '@jest/globals';
import nock from 'nock';
import { Registry } from 'prom-client';
import { startAlerter, type Alerter } from '../../src/alerts/index.js';
import { ManualClock } from '../../src/kube/clock.js';
import type { AlertConfig } from '../../src/alerts/config.js';
import { fixtureLines } from '../alerts/helpers.js';
import { FakeApi, SERVER, kubeConfig, type Recorded } from '../fixtures/kube/fake-api.js';
import { paths, pod } from '../fixtures/kube/bundles.js';
import {
  GONE, SLACK_RATE_LIMITED, SLACK_UNAVAILABLE, WatchedCollection, apiStatus, atVersion, chatRunner, clusterTarget, connectionReset, listOf,
  restoreNock, slackApi, textOf, total, until, watchLine,
} from './fault-helpers.js';

jest.setTimeout(20_000);
afterEach(() => { nock.cleanAll(); });
afterAll(restoreNock);

const events = (name: string) => fixtureLines(name).map((l) => (JSON.parse(l) as { object: { metadata: Record<string, unknown> } }).object);
/** The seed's controller: [pending, running, ready, ready, crashed, Unhealthy event, CrashLoopBackOff, BackOff event, running, ready, ready]. */
const controller = events('controller-self-healing.ndjson');
/** [ready big controller, the same OOM-killed, …]. */
const others = events('other-kinds.ndjson');
/** An agent pod: [pending, unschedulable, FailedScheduling event, unschedulable, deleted]. */
const agent = events('agent-unschedulable-old.ndjson');

function alertConfig(namespaces: string[]): AlertConfig {
  return {
    slackToken: 'xoxb-fault-suite',
    routes: { default: '#jenkins-alerts', namespaces: { 'jenkins-agents': '#builds' } },
    namespaces,
    minSeverity: 'info',
    unschedulableGraceMs: 60_000,
    dedupeWindowMs: 10 * 60_000,
    summaryIntervalMs: 0,
    stormThreshold: 3,
    stormWindowMs: 60_000,
    logTailLines: 30,
    lease: { namespace: 'jenkins', name: 'jenkins-chatops-alerter', identity: 'bot-1', durationMs: 15_000, enabled: false },
  };
}

/** Stops the alerter while time moves on: it posts what is still queued first. */
async function stop(alerter: Alerter, clock: ManualClock): Promise<void> {
  let stopped = false;
  void alerter.stop().then(() => { stopped = true; });
  await until(clock, () => stopped, 'the alerter to stop after posting its queue');
}

describe('alert stream through watch and Slack faults', () => {
  it('posts each incident exactly once, in order per channel, across a cut watch, a 410 relist, 429s and 5xx', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 10, 9, 0, 0));
    const slack = slackApi({
      'chat.postMessage': {
        '#jenkins-alerts': [undefined, SLACK_RATE_LIMITED(2), undefined, SLACK_UNAVAILABLE(503), SLACK_UNAVAILABLE(502), undefined, undefined, SLACK_RATE_LIMITED(1)],
        '#builds': [SLACK_RATE_LIMITED(5), SLACK_UNAVAILABLE(503)],
      },
      'chat.update': { '#jenkins-alerts': [SLACK_UNAVAILABLE(500)] },
    });
    // Watches of both namespaces; the controller's pod list changes while its watch is down.
    const jenkinsList = listOf([atVersion(controller[0], '1990'), atVersion(others[0], '1995')], '2000');
    const jenkinsPods = new WatchedCollection('/api/v1/namespaces/jenkins/pods', jenkinsList, 'PodList');
    const jenkinsEvents = new WatchedCollection('/api/v1/namespaces/jenkins/events', listOf([], '2000'), 'EventList');
    const agentPods = new WatchedCollection('/api/v1/namespaces/jenkins-agents/pods', listOf([], '2000'), 'PodList');
    const agentEvents = new WatchedCollection('/api/v1/namespaces/jenkins-agents/events', listOf([], '2000'), 'EventList');
    // Enrichment reads fail too: the first crash-log read is cut, nodes cannot be listed (no headroom hint).
    let logReads = 0;
    nock(SERVER).persist()
      .get(/^\/api\/v1\/namespaces\/jenkins\/pods\/[^/]+\/log$/).query(true)
      .reply(async () => {
        if (logReads++ === 0) throw connectionReset();
        return [200, 'Running from: /usr/share/jenkins/jenkins.war\nSEVERE: Jenkins initialisation failed\n', { 'content-type': 'text/plain' }];
      })
      .get('/api/v1/nodes').query(true).reply(503, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 503, message: 'the server is currently unable to handle the request' }, { 'content-type': 'application/json' })
      .get('/api/v1/pods').query(true).reply(503, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 503, message: 'the server is currently unable to handle the request' }, { 'content-type': 'application/json' });
    // nock 14 sends a streamed response once it has a first chunk.
    jenkinsPods.open(watchLine('MODIFIED', atVersion(controller[1], '2001')));
    agentPods.open(watchLine('ADDED', atVersion(agent[0], '2020')));

    const registry = new Registry();
    const alerter = startAlerter({ kubeConfig: kubeConfig(), config: alertConfig(['jenkins', 'jenkins-agents']), clock, registry });
    const raised = () => total(alerter.metrics.raised);

    await until(clock, async () => (await raised()) >= 1 && alerter.healthy, 'started');
    jenkinsPods.send('MODIFIED', atVersion(controller[2], '2002'));
    await until(clock, async () => (await raised()) >= 2, 'ready');
    jenkinsPods.send('MODIFIED', atVersion(controller[4], '2003'));
    await until(clock, async () => (await raised()) >= 3, 'crashed');
    jenkinsEvents.send('ADDED', atVersion(controller[5], '2004'));
    await until(clock, async () => (await raised()) >= 4, 'probe failed');

    // An agent pod waits for a node past the grace period: then it is news.
    agentPods.send('MODIFIED', atVersion(agent[1], '2021'));
    await until(clock, () => slack.posts().some((p) => p.channel === '#builds'), 'the unschedulable agent posted');

    // The pod watch is cut mid-stream; the informer watches again from the last version it saw.
    jenkinsPods.open(watchLine('MODIFIED', atVersion(others[1], '2005')));
    jenkinsPods.streams[0]!.end();
    await until(clock, async () => jenkinsPods.watches.length === 2 && (await raised()) >= 5, 'oom-killed after the re-watch');

    // While that watch runs the controller goes into CrashLoopBackOff, but the events are compacted away:
    // the API answers 410 Gone and the informer relists, where the change is found.
    jenkinsList.set([atVersion(controller[6], '2008'), atVersion(others[1], '2005')], '2010');
    jenkinsPods.current.write(watchLine('ERROR', GONE));
    jenkinsPods.current.end();
    await until(clock, () => jenkinsPods.watches.length === 3, 'the watch after the relist');

    jenkinsPods.send('MODIFIED', atVersion(controller[8], '2011'));
    jenkinsPods.send('MODIFIED', atVersion(controller[9], '2012'));
    jenkinsPods.send('MODIFIED', atVersion(controller[10], '2012')); // the same version again (a resync)
    agentPods.send('DELETED', atVersion(agent[4], '2023')); // the Kubernetes plugin gives up on the pod
    await until(clock, () => slack.posts().length >= 10, 'every message posted');
    await stop(alerter, clock);
    for (const c of [jenkinsPods, jenkinsEvents, agentPods, agentEvents]) c.endAll();

    expect(slack.timeline('#jenkins-alerts')).toEqual([
      'started ci-jenkins-0',
      'ready ci-jenkins-0',
      'crashed ci-jenkins-0',
      'probe-failed ci-jenkins-0',
      'oom-killed big-jenkins-0',
      'crash-loop ci-jenkins-0 ↳ crashed',
      'recovered ci-jenkins-0 ↳ crashed',
      'recovered ci-jenkins-0 ↳ probe-failed',
    ]);
    expect(slack.timeline('#builds')).toEqual([
      'unschedulable maven-7k2xq-4t9vd',
      'deleted maven-7k2xq-4t9vd ↳ unschedulable',
    ]);
    // The faults were really met, retried, and nothing was given up.
    expect(slack.failures.map((f) => `${f.method} ${f.channel} ${f.status}`)).toEqual(expect.arrayContaining([
      'chat.postMessage #jenkins-alerts 429', 'chat.postMessage #jenkins-alerts 503', 'chat.postMessage #jenkins-alerts 502',
      'chat.postMessage #builds 429', 'chat.postMessage #builds 503', 'chat.update #jenkins-alerts 500',
    ]));
    expect(slack.failures).toHaveLength(7);
    expect(await total(alerter.metrics.retried)).toBe(7);
    expect(await total(alerter.metrics.dropped)).toBe(0);
    // The watch resumed from the last version seen, then relisted after 410 and watched from the new list.
    expect(jenkinsPods.watches).toEqual(['2000', '2003', '2010']);
    expect(jenkinsPods.lists).toBe(2);
    // Incident roots are kept current: the controller's are resolved, the OOM-killed one is still open.
    const root = (kind: string) => slack.posts().find((p) => !p.threadTs && p.text.includes(`*${kind}*`))!;
    expect(slack.edits(root('crashed').ts).at(-1)!.text).toContain('Resolved');
    expect(slack.edits(root('probe-failed').ts).at(-1)!.text).toContain('Resolved');
    expect(slack.edits(root('oom-killed').ts).every((e) => !e.text.includes('Resolved'))).toBe(true);
    // A cut log read does not lose the alert: a message is built again when it is retried, log included.
    expect(logReads).toBeGreaterThan(slack.posts().filter((p) => p.blocks.includes('Last lines of the previous')).length);
    expect(root('crashed').blocks).toContain('SEVERE: Jenkins initialisation failed');
    expect(slack.posts().find((p) => p.text.includes('*crash-loop*'))!.blocks).toContain('SEVERE: Jenkins initialisation failed');
  });
});

/** The controller pod ci-0 as the kubelet reports it while Jenkins starts, is OOM-killed once, and comes back. */
function controllerPod(state: 'creating' | 'started' | 'oom-killed' | 'ready'): Record<string, any> {
  if (state === 'creating') return pod(0, 'creating');
  const base = pod(0, 'ready', '2026-01-10T09:00:00Z') as Record<string, any>;
  const container = base.status.containerStatuses[0];
  const oom = { restartCount: 1, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2026-01-10T09:00:05Z', finishedAt: '2026-01-10T09:02:00Z' } }, state: { running: { startedAt: '2026-01-10T09:02:01Z' } } };
  const notReady = [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False' }];
  switch (state) {
    case 'started': return { ...base, status: { ...base.status, conditions: notReady, containerStatuses: [{ ...container, ready: false }] } };
    case 'oom-killed': return { ...base, status: { ...base.status, conditions: notReady, containerStatuses: [{ ...container, ...oom, ready: false }] } };
    case 'ready': return { ...base, status: { ...base.status, containerStatuses: [{ ...container, ...oom, ready: true }] } };
  }
}

// This one test still runs the deploy on the scripted fake (test/fixtures/kube/fake-api.ts), not the strict server:
// it drives the alerter's watch stream event by event from recorded pod states (an OOM kill with its exact statuses,
// a 410 after a cut at a chosen moment) on a manual clock, and counts lists and watches exactly. The strict server's
// controllers decide pod states and timing themselves, so that precise script cannot be replayed on it.
describe('a deploy and the alerts of its own controller, both through faults', () => {
  it('the deploy ends ready and reports it; its pod\'s alerts reach Slack once each', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 10, 9, 0, 0));
    const slack = slackApi({
      'chat.postMessage': { '#jenkins-alerts': [SLACK_RATE_LIMITED(1), SLACK_UNAVAILABLE(503)] },
      'chat.update': { '#jenkins-alerts': [SLACK_UNAVAILABLE(500)] },
    });
    // One cluster: the alerter's informers (registered first, so they answer the requests without a labelSelector)
    // read the pods the deploy's fake API holds; the deploy's own lists and watches go to the fake API.
    let api: FakeApi | undefined;
    const livePods = () => [...(api?.objects ?? new Map<string, Record<string, any>>()).entries()].filter(([p]) => /^\/api\/v1\/namespaces\/jenkins\/pods\/[^/]+$/.test(p)).map(([, o]) => o);
    const pods = new WatchedCollection('/api/v1/namespaces/jenkins/pods', {
      items: livePods,
      resourceVersion: () => String(Math.max(100, ...livePods().map((o) => Number(o.metadata.resourceVersion)))),
    }, 'PodList');
    const podEvents = new WatchedCollection('/api/v1/namespaces/jenkins/events', listOf([], '100'), 'EventList');
    api = new FakeApi();
    const fake = api;
    /** The kubelet reports a new pod state: stored in the API, and sent to the watch unless it is down. */
    const kubelet = (state: Parameters<typeof controllerPod>[0], watched = true) => {
      const existed = fake.objects.has(paths.pod(0));
      fake.put(paths.pod(0), controllerPod(state));
      if (watched) pods.send(existed ? 'MODIFIED' : 'ADDED', fake.objects.get(paths.pod(0)));
    };
    // The StatefulSet controller creates the pod once the StatefulSet is really applied.
    fake.hooks.set(`PATCH ${paths.sts}`, (req: Recorded) => {
      if (req.query.dryRun !== 'All' && !fake.objects.has(paths.pod(0))) kubelet('creating');
    });
    fake.logs.set('/api/v1/namespaces/jenkins/pods/ci-0/log?previous', 'java.lang.OutOfMemoryError: Java heap space\n');
    // Kubernetes faults on the deploy's side: the StatefulSet apply is throttled, then its connection reset;
    // the first look at the controller pods fails with 500.
    fake.fail('PATCH', paths.sts, { status: 429, body: apiStatus(429, 'TooManyRequests', 'Too many requests, please try again later.'), headers: { 'retry-after': '1' } }, { error: connectionReset() });
    fake.fail('GET', '/api/v1/namespaces/jenkins/pods', { status: 500, body: apiStatus(500, 'InternalError', 'Internal error occurred: etcdserver: leader changed') });

    const alerter = startAlerter({ kubeConfig: kubeConfig(), config: alertConfig(['jenkins']), clock, registry: new Registry() });
    const raised = () => total(alerter.metrics.raised);
    await until(clock, () => alerter.healthy, 'the alerter watching');

    const sleeps: number[] = [];
    let reply: Awaited<ReturnType<ReturnType<typeof chatRunner>['run']>> | undefined;
    void chatRunner(clusterTarget(sleeps)).run('deploy ci').then((r) => { reply = r; });

    await until(clock, () => fake.objects.has(paths.pod(0)), 'the controller pod created');
    kubelet('started');
    await until(clock, async () => (await raised()) >= 1, 'started');
    kubelet('oom-killed');
    await until(clock, async () => (await raised()) >= 2, 'oom-killed');
    // Jenkins comes back while the alerter's watch is cut and its history compacted (410): only a relist sees it.
    kubelet('ready', false);
    pods.open(watchLine('ERROR', GONE)).end();
    pods.streams[0]!.end();
    await until(clock, () => reply !== undefined && slack.posts().length >= 3, 'the deploy result and the alerts');
    await stop(alerter, clock);
    pods.endAll();
    podEvents.endAll();

    // The deploy: retried through its faults, ended ready, and says so.
    expect(reply!.last).toMatchObject({ tone: 'success', title: 'ci created and ready' });
    expect(textOf(reply!.last)).toContain('ci is ready: 1/1 controller(s) answering');
    expect(fake.changing().filter((r) => r.path === paths.sts)).toHaveLength(3);
    expect(sleeps).toEqual([1000, 250, 125]);
    expect(fake.objects.has(paths.lease)).toBe(false);
    // The alerts of its controller: each once, the recovery in the OOM incident's thread, found by the relist.
    expect(slack.timeline('#jenkins-alerts')).toEqual(['started ci-0', 'oom-killed ci-0', 'recovered ci-0 ↳ oom-killed']);
    expect(pods.lists).toBe(2);
    expect(pods.watches).toHaveLength(3);
    expect(slack.failures).toHaveLength(3);
    expect(await total(alerter.metrics.dropped)).toBe(0);
    const oomRoot = slack.posts().find((p) => p.text.includes('*oom-killed*'))!;
    expect(oomRoot.blocks).toContain('java.lang.OutOfMemoryError: Java heap space');
    expect(slack.edits(oomRoot.ts).at(-1)!.text).toContain('Resolved');
  });
});
