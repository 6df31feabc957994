// A spec error names where the problem is, what was found and what is allowed; nothing is rendered.

export interface SpecIssue {
  /** Dotted path into the spec, e.g. `agents.templates[0].resources.limits.cpu`. */
  path: string;
  message: string;
  /** The offending value as the user wrote it (absent when the key is missing). */
  value?: unknown;
}

export class SpecError extends Error {
  readonly issues: SpecIssue[];

  constructor(issues: SpecIssue[], heading = 'invalid instance spec') {
    super(`${heading}:\n${issues.map(formatIssue).join('\n')}`);
    this.name = 'SpecError';
    this.issues = issues;
  }
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

function formatIssue(issue: SpecIssue): string {
  const shown = issue.value === undefined ? '' : ` (got ${preview(issue.value)})`;
  return `  - ${issue.path}: ${issue.message}${shown}`;
}

/** A short, single-line rendering of a bad value: control characters escaped, long values cut. */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
