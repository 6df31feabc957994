// Objects only a spec switch renders (an Ingress, a PodDisruptionBudget, a NetworkPolicy, a ServiceMonitor): while
// the switch is off the bundle does not name them, so what an earlier deploy made must be remembered to be removed.
import type { KubeObject } from '../render/bundle.js';
import { ANNOTATION_SWITCHED_OBJECTS } from '../instance/naming.js';

export const OPTIONAL_KINDS: ReadonlyArray<{ apiVersion: string; kind: string }> = [
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' },
];

export interface SwitchedRef {
  apiVersion: string;
  kind: string;
  name: string;
}

const optional = (apiVersion: string, kind: string) => OPTIONAL_KINDS.some((k) => k.apiVersion === apiVersion && k.kind === kind);

/** `apiVersion/Kind/name` per switched object of `objects`, sorted: the record the stored values carry. */
export function switchedRecord(objects: readonly KubeObject[]): string {
  return objects
    .filter((o) => optional(o.apiVersion, o.kind))
    .map((o) => `${o.apiVersion}/${o.kind}/${o.metadata.name}`)
    .sort()
    .join(',');
}

/** The switched objects a stored-values object recorded; entries that are not of an optional kind are ignored. */
export function recordedSwitched(storedValues: KubeObject | undefined): SwitchedRef[] {
  const text = storedValues?.metadata.annotations?.[ANNOTATION_SWITCHED_OBJECTS];
  if (typeof text !== 'string' || !text) return [];
  const refs: SwitchedRef[] = [];
  for (const entry of text.split(',')) {
    const parts = entry.split('/');
    const name = parts.pop();
    const kind = parts.pop();
    const apiVersion = parts.join('/');
    if (name && kind && optional(apiVersion, kind)) refs.push({ apiVersion, kind, name });
  }
  return refs;
}
