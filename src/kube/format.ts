// Plain-text renderings of plans, outcomes and status, shared by the CLI and the console.
import type { FieldChange, InstanceStatus, Outcome, Plan } from './target.js';

const MAX_FIELDS = 12;

function short(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const oneLine = text.includes('\n') ? `${text.split('\n').length} lines` : text;
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine;
}

function formatField(field: FieldChange): string {
  return `    ${field.path}: ${short(field.before)} → ${short(field.after)}`;
}

export function formatPlan(plan: Plan): string {
  if (plan.empty) return `${plan.instance}: no changes`;
  const lines = [`${plan.instance}: planned changes`];
  const unchanged = plan.changes.filter((c) => c.action === 'unchanged').length;
  for (const change of plan.changes) {
    if (change.action === 'unchanged') continue;
    const sign = change.action === 'create' ? '+' : change.action === 'delete' ? '-' : '~';
    lines.push(`  ${sign} ${change.action} ${change.kind}/${change.name}${change.namespace ? ` (${change.namespace})` : ''}`);
    lines.push(...change.fields.slice(0, MAX_FIELDS).map(formatField));
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

function age(seconds?: number): string {
  if (seconds === undefined) return '-';
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}

export function formatStatus(status: InstanceStatus): string {
  if (!status.exists) return `${status.name} (${status.namespace}): not deployed`;
  const lines = [`${status.name} (${status.namespace}): ${status.replicas.ready}/${status.replicas.desired} controller(s) ready`];
  for (const pod of status.controllers) {
    lines.push(`  pod ${pod.name}: ${pod.phase}${pod.ready ? ', ready' : ''}${pod.reason ? ` (${pod.reason})` : ''}, restarts ${pod.restarts}, node ${pod.node ?? '-'}, age ${age(pod.ageSeconds)}`);
  }
  for (const volume of status.volumes) lines.push(`  volume ${volume.claim}: ${volume.phase}${volume.volume ? ` → ${volume.volume}` : ''}`);
  if (status.urls.length) lines.push(`  open: ${status.urls.join('  |  ')}`);
  lines.push(`  agents: ${status.agents.running} running, ${status.agents.pending} pending`);
  const { desired, live } = status.casc;
  lines.push(`  JCasC revision: desired ${desired ?? '-'}, loaded ${live ?? 'unknown'}${desired && live && desired !== live ? ' (reload pending)' : ''}`);
  return lines.join('\n');
}
