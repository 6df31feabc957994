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

function oneLine(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

/**
 * Two versions of a long line cut to the same window around the part that differs, so the change is always in view
 * (`-Xmx2g … -Dhudson.footerURL=https://a` → `… -Dhudson.footerURL=https://b`). Short lines come back whole.
 */
export function aroundChange(before: string, after: string, width = MAX_VALUE_CHARS): [string, string] {
  if (before.length <= width && after.length <= width) return [before, after];
  let prefix = 0;
  const shortest = Math.min(before.length, after.length);
  while (prefix < shortest && before[prefix] === after[prefix]) prefix += 1;
  let suffix = 0;
  while (suffix < shortest - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix += 1;
  const context = 24;
  // As much as fits before the change, and at least `context` characters of what did not change around it.
  const start = Math.max(0, Math.min(prefix - context, shortest - width));
  const cut = (text: string): string => {
    const changedEnd = text.length - suffix;
    const end = Math.min(text.length, Math.max(changedEnd + context, start + width));
    const body = text.slice(start, end);
    const shown = body.length > width + context * 2 ? `${body.slice(0, width + context)}…` : body;
    return `${start > 0 ? '…' : ''}${shown}${end < text.length && shown === body ? '…' : ''}`;
  };
  return [cut(before), cut(after)];
}

export interface DiffOptions {
  /** Everything: no line or length limits (`--full`). */
  full?: boolean;
}

/**
 * One changed field as indented lines: `path: before → after`, `path: + added`, `path: − removed`. Long values are
 * shown around the part that changed. Multi-line text (the JCasC document) is not listed here: see `unifiedDiff`.
 */
export function fieldChangeLines(field: FieldChange, indent = '    ', options: DiffOptions = {}): string[] {
  const { before, after } = field;
  const show = (value: unknown): string => (options.full ? oneLine(value) : shortValue(value));
  if (before === undefined) return [`${indent}${field.path}: + ${show(after)}`];
  if (after === undefined) return [`${indent}${field.path}: − ${show(before)}`];
  if (options.full) return [`${indent}${field.path}: ${oneLine(before)} → ${oneLine(after)}`];
  const [b, a] = aroundChange(oneLine(before), oneLine(after));
  return [`${indent}${field.path}: ${b} → ${a}`];
}

/** Whether a field change is a document (multi-line text) better read as a unified diff. */
export function isDocumentChange(field: FieldChange): boolean {
  const { before, after } = field;
  const text = (v: unknown) => v === undefined || typeof v === 'string';
  return text(before) && text(after) && (String(before ?? '').includes('\n') || String(after ?? '').includes('\n'));
}

type Op = { kind: ' ' | '-' | '+'; line: string; old: number; now: number };

/** Line operations from `a` to `b`: common prefix and suffix, then a longest-common-subsequence of the middle. */
function diffLines(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail += 1;
  const ops: Op[] = [];
  for (let i = 0; i < head; i += 1) ops.push({ kind: ' ', line: a[i]!, old: i, now: i });
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const n = am.length;
  const m = bm.length;
  if (n * m > 4_000_000) {
    // Too large to align line by line: everything in between went and came.
    am.forEach((line, i) => ops.push({ kind: '-', line, old: head + i, now: head }));
    bm.forEach((line, j) => ops.push({ kind: '+', line, old: head + n, now: head + j }));
  } else {
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i -= 1) {
      for (let j = m - 1; j >= 0; j -= 1) {
        lcs[i * width + j] = am[i] === bm[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) {
        ops.push({ kind: ' ', line: am[i]!, old: head + i, now: head + j });
        i += 1;
        j += 1;
      } else if (i < n && (j === m || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
        ops.push({ kind: '-', line: am[i]!, old: head + i, now: head + j });
        i += 1;
      } else {
        ops.push({ kind: '+', line: bm[j]!, old: head + i, now: head + j });
        j += 1;
      }
    }
  }
  for (let k = 0; k < tail; k += 1) ops.push({ kind: ' ', line: a[a.length - tail + k]!, old: a.length - tail + k, now: b.length - tail + k });
  return ops;
}

/** Removed and added lines next to each other are cut to the same window around what changed. */
function windowPairs(ops: Op[]): Op[] {
  const out = ops.map((op) => ({ ...op }));
  for (let k = 0; k < out.length; k += 1) {
    if (out[k]!.kind !== '-') continue;
    let end = k;
    while (end < out.length && out[end]!.kind === '-') end += 1;
    let plusEnd = end;
    while (plusEnd < out.length && out[plusEnd]!.kind === '+') plusEnd += 1;
    for (let r = k, p = end; r < end; r += 1, p += 1) {
      if (p < plusEnd) {
        const [b, a] = aroundChange(out[r]!.line, out[p]!.line, 160);
        out[r]!.line = b;
        out[p]!.line = a;
      } else out[r]!.line = truncate(out[r]!.line, 160);
    }
    for (let p = end + (end - k); p < plusEnd; p += 1) out[p]!.line = truncate(out[p]!.line, 160);
    k = plusEnd - 1;
  }
  return out.map((op) => (op.kind === ' ' ? { ...op, line: truncate(op.line, 160) } : op));
}

export interface UnifiedDiff {
  /** The diff lines (`@@ -a,b +c,d @@` hunks, ` `/`-`/`+` lines), at most `maxLines` unless full. */
  lines: string[];
  /** Diff lines left out to keep it short (0 with `full`). */
  omitted: number;
}

/** A unified diff of two texts with `context` unchanged lines around each change, like `diff -u`. */
export function unifiedDiff(before: string, after: string, options: DiffOptions & { context?: number; maxLines?: number } = {}): UnifiedDiff {
  const context = options.context ?? 3;
  const strip = (t: string) => (t.endsWith('\n') ? t.slice(0, -1) : t);
  const a = before === '' ? [] : strip(before).split('\n');
  const b = after === '' ? [] : strip(after).split('\n');
  let ops = diffLines(a, b);
  if (!options.full) ops = windowPairs(ops);
  const changed = ops.map((op, i) => (op.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return { lines: a.join('\n') === b.join('\n') ? [] : ['(whitespace only)'], omitted: 0 };
  // Group changes whose context overlaps into hunks.
  const hunks: Array<[number, number]> = [];
  for (const i of changed) {
    const from = Math.max(0, i - context);
    const to = Math.min(ops.length - 1, i + context);
    const last = hunks[hunks.length - 1];
    if (last && from <= last[1] + 1) last[1] = to;
    else hunks.push([from, to]);
  }
  const lines: string[] = [];
  for (const [from, to] of hunks) {
    const slice = ops.slice(from, to + 1);
    const oldCount = slice.filter((op) => op.kind !== '+').length;
    const newCount = slice.filter((op) => op.kind !== '-').length;
    const first = slice[0]!;
    const oldStart = oldCount === 0 ? first.old : first.old + 1;
    const newStart = newCount === 0 ? first.now : first.now + 1;
    lines.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const op of slice) lines.push(`${op.kind}${op.line}`);
  }
  const max = options.full ? Number.POSITIVE_INFINITY : options.maxLines ?? 40;
  if (lines.length <= max) return { lines, omitted: 0 };
  return { lines: lines.slice(0, max), omitted: lines.length - max };
}

/** Age the way kubectl shows it: 42s, 7m, 3h12m, 2d5h. */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d${Math.floor((seconds % 86400) / 3600)}h`;
}
