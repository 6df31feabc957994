// YAML that did not come from the admin's own files (stored values, a spec's JCasC fragments and pod YAML): parsed
// with no aliases (an alias bomb is refused at its first alias instead of expanding) and a bounded depth.
import { load } from 'js-yaml';

/** Parses `text`; throws an Error whose message is the parser's first line (where and what). */
export function loadUntrusted(text: string, maxDepth = 64): unknown {
  try {
    return load(text, { maxAliases: 0, maxDepth });
  } catch (err) {
    throw new Error((err instanceof Error ? err.message : String(err)).split('\n')[0]);
  }
}

/** A YAML mapping (not a list, scalar or null). */
export const isMapping = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
