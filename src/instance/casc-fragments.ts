// Extra JCasC files from the spec (`jcasc.extra`): each one parsed with limits and checked for the roots it touches
// before anything is rendered. What a fragment may set beside the generated jenkins.yaml is the renderer's call
// (src/render/casc-extra.ts), since only it knows what the generated file sets.
import { parsePlugin } from './plugins.js';
import { isMapping, loadUntrusted } from './untrusted-yaml.js';

/**
 * JCasC's root elements: Jenkins core's (`jenkins`; the global configuration categories `unclassified`, `security`,
 * `tool`, `appearance`, `globalCredentialsConfiguration`), the credentials plugin's `credentials` and job-dsl's
 * `jobs`. Anything else is a typo or a plugin JCasC would refuse to load the whole folder for.
 */
export const CASC_ROOTS = ['jenkins', 'unclassified', 'security', 'tool', 'appearance', 'globalCredentialsConfiguration', 'credentials', 'jobs'] as const;

/** Roots that exist only with a plugin installed: the plugin the spec must list. */
const ROOT_PLUGINS: Record<string, string> = { jobs: 'job-dsl' };

export const MAX_FRAGMENTS = 16;
export const MAX_FRAGMENT_CHARS = 64 * 1024;
/** All fragments together: they are stored with the instance's values (at most 256 KiB) and sent in one ConfigMap. */
export const MAX_FRAGMENTS_CHARS = 128 * 1024;
export const MAX_FRAGMENT_DEPTH = 32;

export type Fragment = Record<string, unknown>;

/**
 * One fragment's YAML → its document. One document, a mapping at the top; no aliases (an alias bomb costs nothing
 * here), no tags beyond the core schema, bounded depth. Throws an Error whose message says what is wrong.
 */
export function parseFragment(text: string): Fragment {
  if (text.split('\n').every((line) => /^\s*(#.*)?$/.test(line))) throw new Error('is empty; remove the fragment instead');
  let doc: unknown;
  try {
    doc = loadUntrusted(text, MAX_FRAGMENT_DEPTH);
  } catch (err) {
    throw new Error(`is not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) throw new Error('is empty; remove the fragment instead');
  if (!isMapping(doc)) throw new Error(`must be a YAML mapping of JCasC roots (${CASC_ROOTS.join(', ')})`);
  return doc as Fragment;
}

/** What is wrong with one fragment on its own: its YAML, the roots it uses, the plugins they need. */
export function fragmentProblems(text: string, plugins: string[]): string[] {
  let doc: Fragment;
  try {
    doc = parseFragment(text);
  } catch (err) {
    return [(err as Error).message];
  }
  const problems: string[] = [];
  const ids = new Set(plugins.map((p) => parsePlugin(p).id));
  for (const root of Object.keys(doc)) {
    if (!(CASC_ROOTS as readonly string[]).includes(root)) {
      problems.push(`sets the unknown JCasC root '${root}'; allowed roots: ${CASC_ROOTS.join(', ')}`);
    } else if (ROOT_PLUGINS[root] && !ids.has(ROOT_PLUGINS[root])) {
      problems.push(`sets the root '${root}', which needs the ${ROOT_PLUGINS[root]} plugin; add ${ROOT_PLUGINS[root]} to controller.plugins`);
    }
  }
  return problems;
}
