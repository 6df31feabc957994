// How a pod is named in a message: what it is for Jenkins, then namespace/name.
import type { PodRole } from '../types.js';

export interface SubjectLike {
  role: PodRole;
  namespace: string;
  name?: string;
  pod?: string;
  agentLabel?: string;
  instance?: string;
  controller?: string;
}

export function subject(p: SubjectLike): string {
  const where = `${p.namespace}/${p.name ?? p.pod ?? ''}`;
  if (p.role === 'controller') return `Jenkins controller ${where}${p.instance ? ` (instance ${p.instance})` : ''}`;
  if (p.role === 'agent') {
    // Written out (no array and join): every alert about an agent pod is named this way.
    const label = p.agentLabel ? `label ${p.agentLabel}` : '';
    const by = p.controller ? `started by controller ${p.controller}` : '';
    const about = label && by ? `${label}, ${by}` : label || by;
    return `agent pod ${where}${about ? ` (${about})` : ''}`;
  }
  return `pod ${where}`;
}
