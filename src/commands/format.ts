// Short renderings of values, field changes and ages that the command messages are built from (every front end
// then renders the messages: Block Kit in Slack, text in the console and the CLI).
import type { FieldChange } from '../operations/target.js';

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

/** Age the way kubectl shows it: 42s, 7m, 3h12m, 2d5h. */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d${Math.floor((seconds % 86400) / 3600)}h`;
}
