// Shared pieces of the fault suite. Deploy faults run on the strict API server (test/support/apiserver, with its
// fault hooks); the alert faults still compose the old in-memory fake (test/fixtures/kube) with nock-served watch
// streams, because they script the exact watch stream (which event, which 410, when a stream is cut) of recorded
// fixtures, which a server with real controllers cannot replay event by event.
import { PassThrough } from 'node:stream';
import nock from 'nock';
import { pino } from 'pino';
import { ManualClock } from '../../src/kube/clock.js';
import { TokenSigner } from '../../src/commands/confirmation-token.js';
import { createCommandRunner } from '../../src/commands/create-runner.js';
import { Policy } from '../../src/commands/policy.js';
import { ClusterTarget } from '../../src/targets/cluster/cluster-target.js';
import { createOperations } from '../../src/operations/index.js';
import { RecordingReply, alice, textOf } from '../commands/recording-reply.js';
import { SERVER, kubeConfig, status } from '../fixtures/kube/fake-api.js';

export { alice, textOf };

const JSON_HEADERS = { 'content-type': 'application/json' };

/** A reset connection as node reports it (a plain object would leave client-node waiting forever). */
export function connectionReset(): NodeJS.ErrnoException {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

export function apiStatus(code: number, reason: string, message: string, extra: Record<string, unknown> = {}) {
  return status(code, reason, message, extra);
}


/**
 * The real cluster target against the scripted fake API (alert-faults only; deploy faults use the strict server);
 * retry delays are recorded, not slept (a few ms of real time).
 */
export function clusterTarget(sleeps: number[] = []): ClusterTarget {
  return new ClusterTarget(kubeConfig(), {
    retry: { sleep: (ms) => { sleeps.push(ms); return new Promise((resolve) => setTimeout(resolve, 1)); }, random: () => 0.5 },
    pollMs: 5,
    graceMs: 0,
    leaseSeconds: 30,
  });
}

/** The chat command pipeline on the cluster target, as a Slack user who may deploy sees it. */
export function chatRunner(target: ClusterTarget) {
  const runner = createCommandRunner({
    operations: createOperations(target, { host: 'bot-1' }),
    policy: new Policy({ deployers: { users: [alice.userId], groups: [] } }),
    signer: new TokenSigner('fault-suite-key'),
    logger: pino({ level: 'silent' }),
  });
  return {
    async run(line: string): Promise<RecordingReply> {
      const reply = new RecordingReply();
      await runner.handle(line, alice, reply);
      return reply;
    },
    async confirm(token: string): Promise<RecordingReply> {
      const reply = new RecordingReply();
      await runner.confirm(token, alice, reply);
      return reply;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Slack Web API (https://slack.com/api/chat.postMessage and chat.update) with a fault schedule.

export interface SlackCall {
  method: 'chat.postMessage' | 'chat.update';
  channel: string;
  text: string;
  /** The Block Kit blocks as sent (JSON), where details such as log tails live. */
  blocks: string;
  ts: string;
  threadTs?: string;
}

export type SlackFault = { status: number; body: unknown; headers?: Record<string, string> };

/** `faults[method][channel]` lists what the n-th attempt of that method in that channel gets (undefined = success). */
export type SlackFaultPlan = Partial<Record<SlackCall['method'], Record<string, Array<SlackFault | undefined>>>>;

export const SLACK_RATE_LIMITED = (retryAfterSeconds: number): SlackFault => ({
  status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'Retry-After': String(retryAfterSeconds) },
});
export const SLACK_UNAVAILABLE = (status = 503): SlackFault => ({ status, body: 'upstream connect error or disconnect/reset before headers', headers: { 'Content-Type': 'text/plain' } });

export function slackApi(plan: SlackFaultPlan = {}) {
  const accepted: SlackCall[] = [];
  const attempts = new Map<string, number>();
  const failures: Array<{ method: string; channel: string; status: number }> = [];
  let ts = 1_700_000_000;
  nock('https://slack.com')
    .persist()
    .post(/^\/api\/chat\.(postMessage|update)$/)
    .reply((uri, body) => {
      const method = uri.replace('/api/', '') as SlackCall['method'];
      const form = (typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : body) as Record<string, string>;
      const key = `${method} ${form.channel}`;
      const n = attempts.get(key) ?? 0;
      attempts.set(key, n + 1);
      const fault = plan[method]?.[form.channel!]?.[n];
      if (fault) {
        failures.push({ method, channel: form.channel!, status: fault.status });
        return [fault.status, fault.body, fault.headers ?? {}];
      }
      const messageTs = method === 'chat.update' ? form.ts! : `${++ts}.000100`;
      accepted.push({ method, channel: form.channel!, text: form.text ?? '', blocks: form.blocks ?? '', ts: messageTs, ...(form.thread_ts ? { threadTs: form.thread_ts } : {}) });
      return [200, { ok: true, channel: form.channel, ts: messageTs, message: { text: form.text, ts: messageTs } }, { 'Content-Type': 'application/json; charset=utf-8' }];
    });
  const posts = () => accepted.filter((c) => c.method === 'chat.postMessage');
  return {
    accepted,
    failures,
    posts,
    /**
     * What each channel shows, in order: `kind pod` for a message of its own, `kind pod ↳ root-kind` for a reply
     * in an incident's thread. Every alert delivered once appears exactly once here.
     */
    timeline(channel: string): string[] {
      const channelPosts = posts().filter((p) => p.channel === channel);
      const byTs = new Map(channelPosts.map((p) => [p.ts, p]));
      return channelPosts.map((p) => {
        const line = `${kindOf(p.text)} ${podOf(p.text)}`;
        if (!p.threadTs) return line;
        const root = byTs.get(p.threadTs);
        return `${line} ↳ ${root ? kindOf(root.text) : `unknown thread ${p.threadTs}`}`;
      });
    },
    /** Edits of the message posted with `ts`, oldest first. */
    edits(ts: string): SlackCall[] {
      return accepted.filter((c) => c.method === 'chat.update' && c.ts === ts);
    },
  };
}

function kindOf(text: string): string {
  return /\*([a-z-]+)\*/.exec(text)?.[1] ?? '?';
}

/** Alert summaries name the pod as `namespace/name` (see src/alerts/classify/subject.ts). */
function podOf(text: string): string {
  return /\b[a-z0-9-]+\/([a-z0-9][a-z0-9.-]*[a-z0-9])\b/.exec(text)?.[1] ?? '?';
}

// ---------------------------------------------------------------------------------------------------------------
// Watch streams for the alerter's informers: list + newline-delimited watch events at the real paths.

export function watchLine(type: string, object: unknown): string {
  return `${JSON.stringify({ type, object })}\n`;
}

export const GONE = {
  kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
  message: 'too old resource version: 2003 (2010)', reason: 'Expired', code: 410,
};

/** A copy of `object` at another resourceVersion (the fixtures come from one cluster; the suite renumbers them). */
export function atVersion<T>(object: T, resourceVersion: string): T {
  const copy = JSON.parse(JSON.stringify(object)) as T & { metadata: Record<string, unknown> };
  copy.metadata.resourceVersion = resourceVersion;
  return copy;
}

interface Served {
  items: () => unknown[];
  resourceVersion: () => string;
}

/**
 * One watched collection (e.g. pods in namespace jenkins) as the informer sees it: each list answers from `list()`,
 * each watch request gets the next stream (opened lazily, with `first` written so nock 14 sends the response).
 * Only requests without a labelSelector are taken, so a FakeApi registered afterwards still serves the deploy's own
 * pod lists and watches.
 */
export class WatchedCollection {
  readonly watches: string[] = [];
  readonly streams: PassThrough[] = [];
  lists = 0;
  private readonly pending: Array<(stream: PassThrough) => void> = [];

  constructor(readonly path: string, private readonly served: Served, private readonly kind: 'PodList' | 'EventList') {
    nock(SERVER)
      .persist()
      .get(path)
      .query((q) => q.watch !== 'true' && q.labelSelector === undefined)
      .reply(() => {
        this.lists++;
        const items = this.served.items().map((i) => ({ ...(i as object), kind: undefined, apiVersion: undefined }));
        return [200, { kind: this.kind, apiVersion: 'v1', metadata: { resourceVersion: this.served.resourceVersion() }, items }, JSON_HEADERS];
      })
      .get(path)
      .query((q) => q.watch === 'true' && q.labelSelector === undefined)
      .reply((uri) => {
        this.watches.push(new URL(uri, SERVER).searchParams.get('resourceVersion') ?? '');
        const stream = this.streams[this.watches.length - 1] ?? this.open();
        return [200, stream, JSON_HEADERS];
      });
  }

  /** Prepares the stream the next watch request gets; what is written now is sent as soon as it connects. */
  open(first?: string): PassThrough {
    const stream = new PassThrough();
    stream.write(first ?? watchLine('BOOKMARK', { kind: this.kind === 'PodList' ? 'Pod' : 'Event', apiVersion: 'v1', metadata: { resourceVersion: this.served.resourceVersion() } }));
    this.streams.push(stream);
    for (const notify of this.pending.splice(0)) notify(stream);
    return stream;
  }

  /** The stream of the watch that is connected now (the latest one requested). */
  get current(): PassThrough {
    return this.streams[this.watches.length - 1]!;
  }

  send(type: string, object: unknown): void {
    this.current.write(watchLine(type, object));
  }

  endAll(): void {
    for (const s of this.streams) s.end();
  }
}

/** An answer for list requests (the items and the collection's resourceVersion) that a test can change. */
export function listOf(items: unknown[], resourceVersion: string): Served & { set(items: unknown[], resourceVersion: string): void } {
  let current = { items, resourceVersion };
  return {
    items: () => current.items,
    resourceVersion: () => current.resourceVersion,
    set(nextItems, rv) { current = { items: nextItems, resourceVersion: rv }; },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Time for the alerter: a manual clock moved in small steps while real I/O (nock replies) completes in between.

export async function until(clock: ManualClock, done: () => boolean | Promise<boolean>, what: string, stepMs = 250, maxSteps = 4000): Promise<void> {
  for (let i = 0; i < maxSteps; i++) {
    if (await done()) return;
    await clock.advance(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  if (!(await done())) throw new Error(`not reached: ${what}`);
}

/** The sum of a prom-client counter over all its labels. */
export async function total(counter: { get(): Promise<{ values: Array<{ value: number }> }> }): Promise<number> {
  return (await counter.get()).values.reduce((sum, v) => sum + v.value, 0);
}

export function restoreNock(): void {
  nock.cleanAll();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  nock.restore();
}
