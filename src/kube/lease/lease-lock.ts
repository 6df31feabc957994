// One operation per instance across every bot replica: a coordination.k8s.io Lease (named by the caller) with expiry,
// renewed while the operation runs, so a crashed holder blocks others for at most one lease duration.
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

export interface LeaseOptions {
  durationSeconds: number;
  now: () => Date;
  /** Called when the namespace does not exist yet (first deploy); creates it so the lease can live there. */
  createNamespace?: () => Promise<void>;
}

/** Same holder and same acquire time: the lease is the one this very call wrote. */
function isOurs(found: V1Lease, sent: V1Lease): boolean {
  const acquired = (l: V1Lease) => new Date(l.spec?.acquireTime as unknown as string).getTime();
  return found.spec?.holderIdentity === sent.spec?.holderIdentity && acquired(found) === acquired(sent);
}

/** The Lease to hold: its name and namespace, who holds it, and the labels that say what it belongs to. */
export interface LeaseRef {
  name: string;
  namespace: string;
  holder: string;
  labels: Record<string, string>;
}

export async function withLease<T>(client: KubeClient, ref: LeaseRef, options: LeaseOptions, fn: () => Promise<T>): Promise<T> {
  const { name, namespace, holder, labels } = ref;
  const body = (resourceVersion?: string, transitions = 0): V1Lease => {
    const now = microTime(options.now());
    return leaseBody({ name, namespace, resourceVersion, labels }, { holder, durationSeconds: options.durationSeconds, acquireTime: now, renewTime: now, transitions });
  };
  const busy = (lease: V1Lease | undefined) =>
    new LeaseHeldError(name, lease?.spec?.holderIdentity ?? 'another operation', lease?.spec?.acquireTime ? String(lease.spec.acquireTime as unknown) : undefined);

  let lease: V1Lease;
  let sent: V1Lease | undefined;
  const existing = await client.readLease(namespace, name);
  try {
    if (!existing) {
      lease = await client.createLease(namespace, (sent = body())).catch(async (err: unknown) => {
        if (statusCode(err) !== 404 || !options.createNamespace) throw err;
        await options.createNamespace();
        return client.createLease(namespace, (sent = body()));
      });
    } else if (!expiredByRenewTime(existing, options.now())) {
      throw busy(existing);
    } else {
      lease = await client.replaceLease(namespace, (sent = body(existing.metadata?.resourceVersion, (existing.spec?.leaseTransitions ?? 0) + 1)));
    }
  } catch (err) {
    if (statusCode(err) !== 409) throw err;
    // 409: someone created or took the lease between our read and our write, or our own write landed and only its
    // answer was lost (the retry then meets it): the lease holding exactly what we sent is ours.
    const current = await client.readLease(namespace, name).catch(() => existing);
    if (!current || !sent || !isOurs(current, sent)) throw busy(current);
    lease = current;
  }

  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = (async () => {
      lease = await client.replaceLease(namespace, renewedLease(lease, options.now())).catch(() => lease);
    })();
  }, Math.max(1000, (options.durationSeconds * 1000) / 3));
  timer.unref();
  try {
    return await fn();
  } finally {
    clearInterval(timer);
    await renewing;
    await client.deleteLease(namespace, name, lease.metadata?.resourceVersion).catch(() => undefined);
  }
}
