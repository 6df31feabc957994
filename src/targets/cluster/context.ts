// What every part of the cluster target shares: the API client and the tunables, resolved once.
import type { KubeClient } from '../../kube/client.js';
import { homeClaimOrdinal } from '../../instance/naming.js';

export interface ClusterSettings {
  /** Lease duration of the instance lock: how long a crashed holder can block others. */
  leaseSeconds: number;
  /** How long a wait sleeps between looks when no pod event arrives. */
  pollMs: number;
  /** How long an Unschedulable pod or ErrImagePull may last before the wait fails. */
  graceMs: number;
  defaultTimeoutSeconds: number;
  now: () => number;
}

export interface ClusterContext {
  client: KubeClient;
  settings: ClusterSettings;
}

/** This instance's home claims among a namespace's claims (exact names: `ci` never takes `ci-dev`'s). */
export function homeClaimsOf<T extends { metadata?: { name?: string } }>(instance: string, claims: T[]): T[] {
  return claims.filter((c) => homeClaimOrdinal(instance, c.metadata?.name ?? '') !== undefined);
}
