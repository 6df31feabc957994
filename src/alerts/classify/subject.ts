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
    const about = [p.agentLabel ? `label ${p.agentLabel}` : undefined, p.controller ? `started by controller ${p.controller}` : undefined].filter(Boolean);
    return `agent pod ${where}${about.length ? ` (${about.join(', ')})` : ''}`;
  }
  return `pod ${where}`;
}
