// Alerts bench: replay throughput against a bare JSON.parse of the same lines (measured in the same run), memory
// with 10,000 pods tracked, and how many Slack messages a storm of 1,000 crash-looping pods produces per minute.
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { ManualClock } from '../../src/kube/clock.js';
import { Dispatcher } from '../../src/alerts/notify/dispatcher.js';
import { alertMetrics } from '../../src/alerts/metrics.js';
import { AlertPipeline } from '../../src/alerts/pipeline.js';
import { Replayer } from '../../src/alerts/replay/replayer.js';
import { median, rssMb, timePaired } from './stats.js';
import { MAX_SCHEDULING_MESSAGE, parseSchedulingMessage, taintKey } from '../../src/alerts/classify/scheduling.js';
import type { BenchRow } from './types.js';

type Phase = 'pending' | 'running' | 'crashed' | 'backoff' | 'unschedulable' | 'done';
const CYCLE: Phase[] = ['pending', 'running', 'running', 'crashed', 'backoff', 'running', 'running', 'unschedulable', 'running', 'done'];

function pod(i: number, rv: number, phase: Phase, restarts: number): unknown {
  const agent = i % 5 !== 0;
  const labels: Record<string, string> = agent
    ? { jenkins: 'slave', 'jenkins/label': i % 2 ? 'maven' : 'node', 'app.kubernetes.io/instance': 'ci' }
    : { 'app.kubernetes.io/name': 'jenkins', 'app.kubernetes.io/instance': `ci-${i}`, 'app.kubernetes.io/component': 'controller' };
  const running = phase === 'running';
  const state = phase === 'crashed'
    ? { terminated: { exitCode: 1, reason: 'Error', finishedAt: `2026-01-10T09:${String(restarts % 60).padStart(2, '0')}:00Z` } }
    : phase === 'backoff' ? { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container' } }
      : phase === 'done' ? { terminated: { exitCode: 0, reason: 'Completed', finishedAt: '2026-01-10T10:00:00Z' } }
        : running ? { running: { startedAt: '2026-01-10T09:00:00Z' } } : { waiting: { reason: 'ContainerCreating' } };
  const conditions = phase === 'unschedulable'
    ? [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.' }]
    : [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: running ? 'True' : 'False' }];
  return {
    kind: 'Pod', apiVersion: 'v1',
    metadata: { name: `pod-${i}`, namespace: `ns-${i % 20}`, uid: `uid-${i}`, resourceVersion: String(rv), labels, creationTimestamp: '2026-01-10T09:00:00Z' },
    spec: { containers: [{ name: 'main', image: 'jenkins/inbound-agent:3283.v92c105e0f819-1', resources: { requests: { cpu: '500m', memory: '1Gi' } } }], ...(phase === 'unschedulable' ? {} : { nodeName: `node-${i % 3}` }), restartPolicy: 'Always' },
    status: {
      phase: phase === 'done' ? 'Succeeded' : phase === 'pending' || phase === 'unschedulable' ? 'Pending' : 'Running',
      conditions,
      containerStatuses: phase === 'pending' || phase === 'unschedulable' ? [] : [{ name: 'main', ready: running, restartCount: restarts, state, lastState: {} }],
    },
  };
}

/** `events` watch lines over `pods` pods, each pod walking through the cycle (crash, back-off, recovery, waiting …). */
export function generateLines(events: number, pods: number): string[] {
  const lines: string[] = [];
  let rv = 1000;
  for (let n = 0; n < events; n++) {
    const i = n % pods;
    const step = Math.floor(n / pods);
    const phase = CYCLE[step % CYCLE.length]!;
    const restarts = step >= 4 ? 1 : 0;
    lines.push(JSON.stringify({ type: step === 0 ? 'ADDED' : 'MODIFIED', object: pod(i, ++rv, phase, restarts) }));
  }
  return lines;
}

export function replayAll(lines: string[]): number {
  let alerts = 0;
  const replayer = new Replayer({ format: 'json', write: () => { alerts++; } });
  for (const line of lines) replayer.line(line);
  replayer.end();
  return alerts;
}

function parseAll(lines: string[]): number {
  let n = 0;
  for (const line of lines) if (JSON.parse(line)) n++;
  return n;
}

function throughputRows(): BenchRow[] {
  const lines = generateLines(100_000, 5_000);
  const ours: number[] = [];
  const floor: number[] = [];
  let alerts = 0;
  for (let run = 0; run < 4; run++) {
    // Alternate so load drifts hit both alike; the first pair is a warm-up.
    let t = performance.now();
    alerts = replayAll(lines);
    const a = performance.now() - t;
    t = performance.now();
    parseAll(lines);
    const b = performance.now() - t;
    if (run > 0) {
      ours.push(a);
      floor.push(b);
    }
  }
  const m = median(ours);
  const f = median(floor);
  const rate = Math.round(100_000 / (m / 1000));
  const ratio = m / f;
  return [{
    name: 'alerts: replay 100k events / 5k pods',
    medianMs: m, floorMs: f, ratio,
    throughput: `${rate.toLocaleString('en-US')} events/s`,
    note: `floor = JSON.parse of the same lines; ${alerts} alerts; targets ≥ 50,000 events/s (${rate >= 50_000 ? 'met' : 'MISSED'}), ≤ 3× floor (${ratio <= 3 ? 'met' : 'MISSED'})`,
  }];
}

function memoryRow(): BenchRow {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = rssMb();
  let peak = before;
  const clock = new ManualClock();
  const pipeline = new AlertPipeline({ clock, onNotice: () => undefined });
  for (let i = 0; i < 10_000; i++) {
    pipeline.handle({ type: 'ADDED', object: pod(i, 5000 + i, 'running', 0) });
    if (i % 1000 === 0) peak = Math.max(peak, rssMb());
  }
  gc?.();
  peak = Math.max(peak, rssMb());
  return {
    name: 'alerts: 10k pods tracked',
    peakRssMb: peak,
    note: `${pipeline.trackedPods} pods tracked; process RSS (before ${before} MB); target < 200 MB (${peak < 200 ? 'met' : 'MISSED'})`,
  };
}

async function stormRow(): Promise<BenchRow> {
  const clock = new ManualClock();
  const postsByMinute = new Map<number, number>();
  let edits = 0;
  const start = clock.now();
  const dispatcher = new Dispatcher({
    clock,
    routes: { default: '#alerts' },
    metrics: alertMetrics(new Registry()),
    poster: {
      async send(_channel, payload) {
        if (payload.updateTs) {
          edits++;
          return { ts: payload.updateTs };
        }
        const minute = Math.floor((clock.now() - start) / 60_000);
        postsByMinute.set(minute, (postsByMinute.get(minute) ?? 0) + 1);
        return { ts: `${clock.now()}.000100` };
      },
    },
  });
  const pipeline = new AlertPipeline({ clock, onNotice: (n) => dispatcher.handle(n) });
  let rv = 1;
  const crashing = (i: number, restarts: number, backoff: boolean): unknown => ({
    kind: 'Pod', apiVersion: 'v1',
    metadata: { name: `web-${i}`, namespace: 'apps', uid: `storm-${i}`, resourceVersion: String(++rv), labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], nodeName: 'node-a' },
    status: {
      phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }],
      containerStatuses: [{
        name: 'web', ready: false, restartCount: restarts,
        state: backoff ? { waiting: { reason: 'CrashLoopBackOff' } } : { running: { startedAt: '2026-01-10T09:00:00Z' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: `t-${restarts}` } },
      }],
    },
  });
  // Ten minutes: every pod crashes, backs off and restarts again, every 30 s, spread over the first seconds.
  for (let second = 0; second < 600; second++) {
    if (second % 30 < 10) {
      const round = Math.floor(second / 30) + 1;
      for (let i = (second % 30) * 100; i < (second % 30 + 1) * 100; i++) {
        pipeline.handle({ type: 'MODIFIED', object: crashing(i, round, false) });
        pipeline.handle({ type: 'MODIFIED', object: crashing(i, round, true) });
      }
    }
    await clock.advance(1000);
  }
  await clock.advance(120_000);
  dispatcher.stop();
  const perMinute = [...postsByMinute.values()];
  const worst = Math.max(0, ...perMinute);
  const total = perMinute.reduce((a, b) => a + b, 0);
  return {
    name: 'alerts: storm of 1,000 crash-looping pods',
    throughput: `${worst} messages/min (worst minute)`,
    note: `${total} posts in 12 min + ${edits} edits of incident roots; target ≤ 10/min (${worst <= 10 ? 'met' : 'MISSED'}), the rest grouped`,
  };
}

/** Hostile FailedScheduling messages of 100 KB: the parser's cost against one indexOf scan of the same text. */
function hostileSchedulingRow(): BenchRow {
  const size = 100_000;
  const messages = [
    `0/3 nodes are available: 1 ${'.'.repeat(size)}x`,
    `0/3 nodes are available: ${' '.repeat(size)}x`,
    `No nodes are available that match all of the predicates: ${'a'.repeat(size / 2)}(${' '.repeat(size / 2)}`,
    `0/3 nodes are available: 1 node(s) had untolerated taint ${'{'.repeat(size)}`,
    `0/3 nodes are available: ${'1, '.repeat(size / 3)}`,
  ];
  const ours = () => messages.map((m) => parseSchedulingMessage(m).reasons.map((r) => taintKey(r.reason)));
  const floor = () => messages.map((m) => m.indexOf('preemption:'));
  const { a, b } = timePaired(ours, floor, 50);
  const ms = median(a);
  return {
    name: 'alerts: 5 hostile 100 KB scheduler messages',
    medianMs: ms,
    floorMs: median(b),
    ratio: ms / median(b),
    note: `floor = one indexOf over each message; the parser reads at most ${MAX_SCHEDULING_MESSAGE} characters; target: milliseconds, not seconds (${ms < 50 ? 'met' : 'NOT met'})`,
  };
}

export async function runAlertsBench(): Promise<BenchRow[]> {
  const memory = memoryRow();
  const throughput = throughputRows();
  const storm = await stormRow();
  return [...throughput, hostileSchedulingRow(), memory, storm];
}
