// One operation per instance across every bot replica: a coordination.k8s.io Lease (named by the caller) with expiry,
// renewed while the operation runs, so a crashed holder blocks others for at most about one lease duration.
//
// Expiry is judged by what we observe, as client-go's leader election does: a lease is expired when its record
// (holder, renewTime, resourceVersion) has not changed for a whole lease duration *by our own clock*. The holder's
// renewTime is written by the holder's clock, which may be minutes off ours: it is only a hint that the holder may
// be gone, which makes us watch the lease for one duration before taking it (instead of answering "busy" at once).
//
// Round trips: a free lock is taken with one create and released with one DELETE whose precondition is the version we
// hold (a lease someone took over since is left alone); only a create that meets a lease reads it.
//
// Holding: the lease is renewed every third of its duration. When a renewal fails (after the client's retries),
// when someone else has written the lease (409), or when no renewal succeeded within the renew deadline (two thirds
// of the duration, so we stop before anyone may consider the lease expired), the lock is lost: the operation's
// signal aborts, and the call rejects with LeaseLostError once the operation has stopped.
import { randomBytes } from 'node:crypto';
import type { V1Lease } from '@kubernetes/client-node';
import type { KubeClient } from '../client.js';
import { statusCode } from '../errors.js';
import { expiredByRenewTime, leaseBody, microTime, renewedLease } from './lease.js';

/** Thrown when another holder has the lease; callers turn it into their own "busy" message. */
export class LeaseHeldError extends Error {
  constructor(readonly lease: string, readonly holder: string, readonly since?: string) {
    super(`lease ${lease} is held by ${holder}${since ? ` (since ${since})` : ''}`);
    this.name = 'LeaseHeldError';
  }
}

/** Thrown when the lease was lost while the operation ran; the operation was stopped. */
export class LeaseLostError extends Error {
  constructor(readonly lease: string, readonly why: string) {
    super(`lost lease ${lease}: ${why}`);
    this.name = 'LeaseLostError';
  }
}

/** When each lease record was first seen by this process (by our clock): shared across calls, like an informer's cache. */
export type LeaseObservations = Map<string, { record: string; at: number }>;

export interface LeaseOptions {
  durationSeconds: number;
  now: () => Date;
  /** Called when the namespace does not exist yet (first deploy); creates it so the lease can live there. */
  createNamespace?: () => Promise<void>;
  /** Waits while watching a lease that looks abandoned (default: a real timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Observations kept between calls (default: this call only). */
  observations?: LeaseObservations;
}

/**
 * Each write that takes the lease carries a random token: the same holder (one user on one bot) may start two
 * operations within one clock tick, so holder and acquire time alone cannot tell our own write from theirs.
 */
const ATTEMPT_ANNOTATION = 'coordination.jenkins-chatops.io/attempt';

/** The lease holds exactly what this very call wrote (a write whose answer was lost, met again by its retry). */
function isOurs(found: V1Lease, sent: V1Lease): boolean {
  const attempt = (l: V1Lease) => l.metadata?.annotations?.[ATTEMPT_ANNOTATION];
  return attempt(sent) !== undefined && attempt(found) === attempt(sent) && found.spec?.holderIdentity === sent.spec?.holderIdentity;
}

/** The Lease to hold: its name and namespace, who holds it, and the labels that say what it belongs to. */
export interface LeaseRef {
  name: string;
  namespace: string;
  holder: string;
  labels: Record<string, string>;
}

function recordOf(lease: V1Lease): string {
  const spec = lease.spec ?? {};
  return `${spec.holderIdentity ?? ''}|${String(spec.renewTime ?? '')}|${lease.metadata?.resourceVersion ?? ''}`;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Whether `lease` (held by someone else) may be taken over: unchanged for one lease duration by our clock. When it
 * looks abandoned by the holder's own timestamps, watches it (re-reading) for up to that long first.
 */
async function observeExpiry(client: KubeClient, ref: LeaseRef, options: LeaseOptions, first: V1Lease): Promise<{ expired: boolean; lease: V1Lease | undefined }> {
  const observations = options.observations ?? new Map();
  const key = `${ref.namespace}/${ref.name}`;
  const durationMs = (first.spec?.leaseDurationSeconds ?? options.durationSeconds) * 1000;
  const sleep = options.sleep ?? realSleep;
  let lease: V1Lease | undefined = first;
  const mayBeDead = expiredByRenewTime(first, options.now());
  for (let looks = 0; looks < 10_000; looks++) {
    if (!lease || !lease.spec?.holderIdentity) return { expired: true, lease };
    const record = recordOf(lease);
    const now = options.now().getTime();
    const seen = observations.get(key);
    if (seen?.record !== record) observations.set(key, { record, at: now });
    const since = observations.get(key)!.at;
    if (now - since >= durationMs) return { expired: true, lease };
    // Renewed while we watched, or never looked abandoned: someone is working on the instance.
    if (!mayBeDead || (seen && seen.record !== record)) return { expired: false, lease };
    await sleep(Math.min(Math.max(250, durationMs / 6), since + durationMs - now));
    lease = await client.readLease(ref.namespace, ref.name);
  }
  return { expired: false, lease };
}

export async function withLease<T>(client: KubeClient, ref: LeaseRef, options: LeaseOptions, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { name, namespace, holder, labels } = ref;
  const durationMs = options.durationSeconds * 1000;
  const body = (resourceVersion?: string, transitions = 0): V1Lease => {
    const now = microTime(options.now());
    const annotations = { [ATTEMPT_ANNOTATION]: randomBytes(12).toString('base64url') };
    return leaseBody({ name, namespace, resourceVersion, labels, annotations }, { holder, durationSeconds: options.durationSeconds, acquireTime: now, renewTime: now, transitions });
  };
  const busy = (lease: V1Lease | undefined) =>
    new LeaseHeldError(name, lease?.spec?.holderIdentity ?? 'another operation', lease?.spec?.acquireTime ? String(lease.spec.acquireTime as unknown) : undefined);

  // Taking a free lock is one request: create the lease outright (the common case: nobody holds it). Only when it
  // exists (409) is it read, judged and perhaps taken over. Releasing is one DELETE with a precondition.
  const create = (sent: V1Lease) => client.createLease(namespace, sent).catch(async (err: unknown) => {
    if (statusCode(err) !== 404 || !options.createNamespace) throw err;
    await options.createNamespace();
    return client.createLease(namespace, sent);
  });
  /** After a 409 on our write: the lease holding exactly what we sent is ours (our write landed, its answer was lost). */
  const ownedAfterConflict = async (sent: V1Lease, fallback?: V1Lease): Promise<V1Lease> => {
    const current = await client.readLease(namespace, name).catch(() => fallback);
    if (!current || !isOurs(current, sent)) throw busy(current);
    return current;
  };

  let lease: V1Lease;
  let sent = body();
  try {
    lease = await create(sent);
  } catch (err) {
    if (statusCode(err) !== 409) throw err;
    // It exists: held by someone (even a lease naming our own holder is someone else's operation: the same user on
    // the same bot, running now), abandoned, or ours when our create landed and a retry met it.
    const existing = await client.readLease(namespace, name);
    if (existing && isOurs(existing, sent)) {
      lease = existing;
    } else {
      const seen = existing ? await observeExpiry(client, ref, options, existing) : { expired: true, lease: undefined };
      if (!seen.expired) throw busy(seen.lease);
      const current = seen.lease;
      try {
        lease = current
          ? await client.replaceLease(namespace, (sent = body(current.metadata?.resourceVersion, (current.spec?.leaseTransitions ?? 0) + 1)))
          : await create((sent = body()));
      } catch (err2) {
        if (statusCode(err2) !== 409) throw err2;
        // Someone created or took the lease between our read and our write (or only our answer was lost).
        lease = await ownedAfterConflict(sent, current);
      }
    }
  }
  options.observations?.delete(`${namespace}/${name}`);

  const stop = new AbortController();
  let lost: LeaseLostError | undefined;
  const lose = (why: string) => {
    if (lost) return;
    lost = new LeaseLostError(`${namespace}/${name}`, why);
    stop.abort(lost);
  };
  let lastRenew = Date.now();
  let renewing: Promise<void> = Promise.resolve();
  let inFlight = false;
  const renewDeadlineMs = (durationMs * 2) / 3;
  const timer = setInterval(() => {
    if (lost) return;
    if (Date.now() - lastRenew > renewDeadlineMs) {
      lose(`no renewal succeeded within ${Math.round(renewDeadlineMs / 1000)}s (the renew deadline), so another operation may take the lease soon`);
      return;
    }
    if (inFlight) return;
    inFlight = true;
    renewing = (async () => {
      try {
        lease = await client.replaceLease(namespace, renewedLease(lease, options.now()));
        lastRenew = Date.now();
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        lose(statusCode(err) === 409 ? `another holder wrote the lease while we held it (${why})` : `renewing it failed: ${why}`);
      } finally {
        inFlight = false;
      }
    })();
  }, Math.max(250, Math.min(durationMs / 3, 20_000)));
  timer.unref();
  try {
    const result = await fn(stop.signal);
    if (lost) throw lost;
    return result;
  } catch (err) {
    throw lost ?? err;
  } finally {
    clearInterval(timer);
    await renewing;
    // A lost lease is not ours to release.
    if (!lost) await client.deleteLease(namespace, name, lease.metadata?.resourceVersion).catch(() => undefined);
  }
}
