// How bad each kind is. Controller lifecycle is information; a crash loop or an OOM kill needs someone now.
import type { AlertKind, PodRole, Severity } from '../types.js';

const BASE: Record<AlertKind, Severity> = {
  started: 'info',
  ready: 'info',
  deleted: 'info',
  recovered: 'info',
  'not-ready': 'warning',
  crashed: 'warning',
  'probe-failed': 'warning',
  'image-pull-failed': 'warning',
  'config-error': 'warning',
  unschedulable: 'warning',
  evicted: 'warning',
  'oom-killed': 'critical',
  'crash-loop': 'critical',
};

/** A controller that crashes or cannot come back stops every build: one step more urgent than the same on an agent. */
const CONTROLLER_ESCALATES: ReadonlySet<AlertKind> = new Set(['crashed', 'not-ready', 'evicted', 'unschedulable', 'image-pull-failed', 'config-error']);

export function severityOf(kind: AlertKind, role: PodRole): Severity {
  if (role === 'controller' && CONTROLLER_ESCALATES.has(kind)) return 'critical';
  return BASE[kind];
}
