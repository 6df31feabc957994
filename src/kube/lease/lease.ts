// The coordination.k8s.io Lease as this project writes it, shared by both of its users: the alerter's leader election
// (leader-election.ts) and the per-instance operation lock (lease-lock.ts). Each keeps its own idea of expiry: the
// lock trusts the holder's renewTime, the elector the time it last saw the lease change (client-go style).
import type { V1Lease, V1MicroTime, V1ObjectMeta } from '@kubernetes/client-node';

/** MicroTime as the API wants it (RFC 3339 with microseconds). */
export function microTime(at: Date | number): string {
  return new Date(at).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Who holds a lease, for how long, since when. Times as the API sends them (MicroTime strings). */
export interface LeaseHolding {
  holder: string;
  durationSeconds: number;
  acquireTime: string | V1MicroTime;
  renewTime: string | V1MicroTime;
  transitions: number;
}

export function leaseBody(metadata: V1ObjectMeta, holding: LeaseHolding): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata,
    spec: {
      holderIdentity: holding.holder,
      leaseDurationSeconds: holding.durationSeconds,
      acquireTime: holding.acquireTime as V1MicroTime,
      renewTime: holding.renewTime as V1MicroTime,
      leaseTransitions: holding.transitions,
    },
  };
}

/** The same lease with a new renewTime. */
export function renewedLease(lease: V1Lease, at: Date | number): V1Lease {
  return { ...lease, spec: { ...lease.spec, renewTime: microTime(at) as never } };
}

/** How long the holder may go without renewing: the lease's own duration, or `fallbackMs` when it names none. */
export function leaseDurationMs(lease: V1Lease, fallbackMs: number): number {
  const seconds = lease.spec?.leaseDurationSeconds;
  return seconds == null ? fallbackMs : seconds * 1000;
}

/**
 * Expired by the holder's own timestamps: nobody holds it, it names no renew (or acquire) time, or that time plus the
 * lease duration lies before `now`.
 */
export function expiredByRenewTime(lease: V1Lease, now: Date): boolean {
  const spec = lease.spec ?? {};
  if (!spec.holderIdentity) return true;
  const renewed = spec.renewTime ?? spec.acquireTime;
  if (!renewed) return true;
  const at = new Date(renewed as unknown as string).getTime();
  return at + leaseDurationMs(lease, 0) < now.getTime();
}
