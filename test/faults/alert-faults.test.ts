// The live alerter (startAlerter: informers → pipeline → dispatcher → Slack Web API) while the pod watch is cut,
// a 410 Gone forces a relist, enrichment reads fail and Slack answers 429 Retry-After and 5xx: every alert reaches
// its channel exactly once, in order, and nothing is dropped.
import { afterAll, afterEach, describe, expect, it, jest } from '@jest/globals';
import nock from 'nock';
import { Registry } from 'prom-client';
import { startAlerter, type Alerter } from '../../src/alerts/index.js';
import { ManualClock } from '../../src/alerts/clock.js';
import type { AlertConfig } from '../../src/alerts/config.js';
import { fixtureLines } from '../alerts/helpers.js';
import { SERVER, kubeConfig } from '../fixtures/kube/fake-api.js';
import {
  GONE, SLACK_RATE_LIMITED, SLACK_UNAVAILABLE, WatchedCollection, atVersion, connectionReset, listOf, restoreNock, slackApi, total, until, watchLine,
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
      .reply((_uri, _body, cb: (err: NodeJS.ErrnoException | null, result?: [number, string, Record<string, string>]) => void) => {
        if (logReads++ === 0) return cb(connectionReset());
        cb(null, [200, 'Running from: /usr/share/jenkins/jenkins.war\nSEVERE: Jenkins initialisation failed\n', { 'content-type': 'text/plain' }]);
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
