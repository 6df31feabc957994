// What every part of the cluster target shares: the API client and the tunables, resolved once.
import type { KubeClient } from '../../kube/client.js';
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { homeClaimOrdinal, ownedSelector, selectorString } from '../../instance/naming.js';

export interface ClusterSettings {
  /** Lease duration of the instance lock: how long a crashed holder can block others. */
  leaseSeconds: number;
  /** How long a wait sleeps between looks when no pod event arrives. */
  pollMs: number;
  /** How long an Unschedulable pod or ErrImagePull may last before the wait fails. */
  graceMs: number;
  defaultTimeoutSeconds: number;
  now: () => number;
  /** Waits while the lock watches a lease that looks abandoned (default: a real timer; tests move their clock). */
  sleep: (ms: number) => Promise<void>;
}

export interface ClusterContext {
  client: KubeClient;
  settings: ClusterSettings;
}

/** This instance's claims: its ownership labels (exact values, so `ci` never takes `ci-dev`'s) and its exact ordinal names. */
export async function ownedClaims({ client }: ClusterContext, instance: string, namespace: string): Promise<V1PersistentVolumeClaim[]> {
  const list = await client.listClaims(namespace, selectorString(ownedSelector(instance)));
  return list.items.filter((c) => homeClaimOrdinal(instance, c.metadata?.name ?? '') !== undefined);
}
