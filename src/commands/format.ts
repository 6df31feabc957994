// Plain-text renderings of plans, outcomes and status, shared by the CLI and the console.
import type { FieldChange, InstanceStatus, Outcome, Plan } from '../operations/target.js';

const MAX_FIELDS = 12;
const MAX_VALUE_CHARS = 120;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A value on one short line: multi-line text is counted, long text cut. */
export function shortValue(value: unknown): string {
  const text = typeof value === 'string' ? (value.includes('\n') ? `${value.split('\n').length} lines` : value) : JSON.stringify(value) ?? String(value);
  return truncate(text, MAX_VALUE_CHARS);
}

/**
 * One changed field as indented lines: `path: before → after`, `path: + added`, `path: − removed`, or for
 * multi-line text (a JCasC document) the lines that went away and came in.
 */
export function fieldChangeLines(field: FieldChange, indent = '    '): string[] {
  const { before, after } = field;
  if (typeof before === 'string' && typeof after === 'string' && (before.includes('\n') || after.includes('\n'))) {
    return [`${indent}${field.path}:`, ...lineDiff(before, after).map((line) => `${indent}  ${line}`)];
  }
  if (before === undefined) return [`${indent}${field.path}: + ${shortValue(after)}`];
  if (after === undefined) return [`${indent}${field.path}: − ${shortValue(before)}`];
  return [`${indent}${field.path}: ${shortValue(before)} → ${shortValue(after)}`];
}

/** The lines of a document that went away and came in, in document order; enough to review. */
function lineDiff(before: string, after: string, max = 12): string[] {
  const old = before.split('\n');
  const now = after.split('\n');
  const oldSet = new Set(old);
  const nowSet = new Set(now);
  const out = [...old.filter((l) => !nowSet.has(l)).map((l) => `− ${l.trim()}`), ...now.filter((l) => !oldSet.has(l)).map((l) => `+ ${l.trim()}`)];
  if (out.length === 0) return ['(whitespace or line order only)'];
  return out.length <= max ? out : [...out.slice(0, max), `… ${out.length - max} more changed line(s)`];
}

export function formatPlan(plan: Plan): string {
  if (plan.empty) return `${plan.instance}: no changes`;
  const lines = [`${plan.instance}: planned changes`];
  const unchanged = plan.changes.filter((c) => c.action === 'unchanged').length;
  for (const change of plan.changes) {
    if (change.action === 'unchanged') continue;
    const sign = change.action === 'create' ? '+' : change.action === 'delete' ? '-' : '~';
    lines.push(`  ${sign} ${change.action} ${change.kind}/${change.name}${change.namespace ? ` (${change.namespace})` : ''}`);
    lines.push(...change.fields.slice(0, MAX_FIELDS).flatMap((field) => fieldChangeLines(field)));
    if (change.fields.length > MAX_FIELDS) lines.push(`    ... and ${change.fields.length - MAX_FIELDS} more field(s)`);
  }
  if (unchanged) lines.push(`  = ${unchanged} object(s) unchanged`);
  return lines.join('\n');
}

export function formatOutcome(outcome: Outcome): string {
  if (outcome.status === 'ready') return `ready: ${outcome.message}`;
  if (outcome.status === 'timed-out') return `timed out: ${outcome.message}`;
  const tail = outcome.logTail?.length ? `\nlast log lines:\n${outcome.logTail.map((l) => `  | ${l}`).join('\n')}` : '';
  return `failed (${outcome.reason}): ${outcome.message}${tail}`;
}

/** Age the way kubectl shows it: 42s, 7m, 3h12m, 2d5h. */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d${Math.floor((seconds % 86400) / 3600)}h`;
}

export function formatStatus(status: InstanceStatus): string {
  if (!status.exists) return `${status.name} (${status.namespace}): not deployed`;
  const lines = [`${status.name} (${status.namespace}): ${status.replicas.ready}/${status.replicas.desired} controller(s) ready`];
  for (const pod of status.controllers) {
    lines.push(`  pod ${pod.name}: ${pod.phase}${pod.ready ? ', ready' : ''}${pod.reason ? ` (${pod.reason})` : ''}, restarts ${pod.restarts}, node ${pod.node ?? '-'}, age ${pod.ageSeconds === undefined ? '-' : formatAge(pod.ageSeconds)}`);
  }
  for (const volume of status.volumes) lines.push(`  volume ${volume.claim}: ${volume.phase}${volume.volume ? ` → ${volume.volume}` : ''}`);
  if (status.urls.length) lines.push(`  open: ${status.urls.join('  |  ')}`);
  lines.push(`  agents: ${status.agents.running} running, ${status.agents.pending} pending`);
  const { desired, live } = status.casc;
  lines.push(`  JCasC revision: desired ${desired ?? '-'}, loaded ${live ?? 'unknown'}${desired && live && desired !== live ? ' (reload pending)' : ''}`);
  return lines.join('\n');
}
