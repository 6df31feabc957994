// Leader election over a coordination.k8s.io Lease, like client-go's leaderelection: the holder renews every
// retry period; the others watch the lease and take it over once it has not changed for a lease duration (judged by
// our own clock from when we last saw it change, so clock skew between replicas does not matter).
//
// Renew deadline (client-go's RenewDeadline, default two thirds of the lease duration, 10 s of 15 s): a leader that
// has not renewed successfully for that long steps down, before any follower can consider the lease expired. A
// timer checks it, so a renew request that hangs cannot keep a leader leading (and posting) while a follower takes
// over; every attempt is also given up after the deadline, and a late answer to a given-up attempt is ignored.
import type { CoordinationV1Api, V1Lease } from '@kubernetes/client-node';
import type { Clock, TimerHandle } from '../clock.js';
import { statusCode } from '../errors.js';
import { leaseBody, leaseDurationMs, microTime } from './lease.js';

export interface LeaderOptions {
  api: CoordinationV1Api;
  namespace: string;
  name: string;
  identity: string;
  clock: Clock;
  leaseDurationMs?: number;
  /** How long a leader may go without a successful renewal before it steps down (default 2/3 of the lease duration). */
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  onError?: (err: unknown) => void;
}

export class LeaderElector {
  private leading = false;
  private stopped = true;
  private timer: TimerHandle | undefined;
  private observed: { record: string; at: number } | undefined;
  private lastRenew = 0;
  private lease: V1Lease | undefined;
  private round: Promise<void> = Promise.resolve();
  private attempt = 0;
  private deadline: TimerHandle | undefined;

  constructor(private readonly options: LeaderOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  private get durationMs(): number {
    return this.options.leaseDurationMs ?? 15_000;
  }

  private get renewDeadlineMs(): number {
    return Math.min(this.options.renewDeadlineMs ?? Math.floor((this.durationMs * 2) / 3), this.durationMs);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.round = this.tick();
  }

  /** Resolves when the current acquire/renew round has finished (tests step the clock between rounds). */
  settled(): Promise<void> {
    return this.round;
  }

  /** Stops campaigning; a leader releases the lease so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.clearDeadline();
    if (!this.leading) return;
    this.setLeading(false);
    const lease = this.lease;
    if (!lease) return;
    try {
      await this.options.api.replaceNamespacedLease({
        name: this.options.name,
        namespace: this.options.namespace,
        body: { ...lease, spec: { ...lease.spec, holderIdentity: undefined, leaseDurationSeconds: 1, renewTime: microTime(this.options.clock.now()) as never } },
      });
    } catch (err) {
      this.options.onError?.(err); // the lease expires on its own
    }
  }

  /** One round: acquire or renew. Exposed for tests; normally driven by the timer. */
  async tick(): Promise<void> {
    const attempt = ++this.attempt;
    const { clock } = this.options;
    let giveUp: TimerHandle | undefined;
    try {
      // An attempt that hangs is given up after the renew deadline: the next round starts, and its late answer is ignored.
      await Promise.race([
        this.tryAcquireOrRenew(attempt),
        new Promise<void>((_, reject) => {
          giveUp = clock.setTimeout(() => reject(new Error(`lease ${this.options.namespace}/${this.options.name}: no answer within the renew deadline (${this.renewDeadlineMs} ms)`)), this.renewDeadlineMs);
        }),
      ]);
    } catch (err) {
      this.options.onError?.(err);
    } finally {
      if (giveUp) clock.clearTimeout(giveUp);
    }
    this.checkDeadline();
    if (!this.stopped) {
      this.timer = this.options.clock.setTimeout(() => {
        this.timer = undefined;
        this.round = this.tick();
      }, this.options.retryPeriodMs ?? 2_000);
    }
  }

  private body(transitions: number, acquired: boolean, existing?: V1Lease): V1Lease {
    const now = microTime(this.options.clock.now());
    return leaseBody(
      { ...(existing?.metadata ?? {}), name: this.options.name, namespace: this.options.namespace },
      {
        holder: this.options.identity,
        durationSeconds: Math.ceil(this.durationMs / 1000),
        acquireTime: acquired ? now : existing?.spec?.acquireTime ?? now,
        renewTime: now,
        transitions,
      },
    );
  }

  /** Steps down when the last successful renewal is a renew deadline old (another replica may take over soon). */
  private checkDeadline(): void {
    if (this.leading && this.options.clock.now() - this.lastRenew >= this.renewDeadlineMs) this.setLeading(false);
  }

  private clearDeadline(): void {
    if (this.deadline) this.options.clock.clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  private async tryAcquireOrRenew(attempt: number): Promise<void> {
    const { api, name, namespace, identity, clock } = this.options;
    const current_ = () => attempt === this.attempt && !this.stopped;
    let current: V1Lease | undefined;
    const readAt = clock.now();
    try {
      current = await api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
    }
    if (!current_()) return;
    if (!current) {
      try {
        const created = await api.createNamespacedLease({ namespace, body: this.body(0, true) });
        if (!current_()) return;
        this.lease = created;
        this.renewed();
      } catch (err) {
        if (statusCode(err) !== 409) throw err; // 409: another replica created it first
      }
      return;
    }
    const spec = current.spec ?? {};
    const record = `${spec.holderIdentity ?? ''}|${String(spec.renewTime ?? '')}|${current.metadata?.resourceVersion ?? ''}`;
    if (this.observed?.record !== record) this.observed = { record, at: readAt };
    const holder = spec.holderIdentity;
    const durationMs = leaseDurationMs(current, Math.ceil(this.durationMs / 1000) * 1000);
    const expired = !holder || clock.now() - this.observed.at >= durationMs;
    if (holder !== identity && !expired) {
      if (this.leading) this.setLeading(false);
      return;
    }
    const transitions = (spec.leaseTransitions ?? 0) + (holder === identity ? 0 : 1);
    try {
      // replace carries the resourceVersion we read: if someone else wrote in between, we get 409 and stay a follower.
      const written = await api.replaceNamespacedLease({ name, namespace, body: this.body(transitions, holder !== identity, current) });
      if (!current_()) return;
      this.lease = written;
      this.observed = undefined;
      this.renewed();
    } catch (err) {
      if (statusCode(err) !== 409) throw err;
      if (this.leading) this.setLeading(false);
    }
  }

  private renewed(): void {
    this.lastRenew = this.options.clock.now();
    this.setLeading(true);
    // Checked by a timer too, so a renewal that hangs (its round never ends) cannot keep this replica leading.
    this.clearDeadline();
    this.deadline = this.options.clock.setTimeout(() => {
      this.deadline = undefined;
      this.checkDeadline();
    }, this.renewDeadlineMs);
  }

  private setLeading(value: boolean): void {
    if (!value) this.clearDeadline();
    if (this.leading === value) return;
    this.leading = value;
    if (value) this.options.onStartedLeading();
    else this.options.onStoppedLeading();
  }
}
