// The spec's extra JCasC files (`jcasc.extra`) beside the generated jenkins.yaml: what each may set, and the text the
// ConfigMap carries. JCasC loads every file of its folder and merges them with its default `errorOnConflict`
// strategy (configuration-as-code-plugin ErrorOnConflictMergeStrategy): mappings merge key by key, lists are
// concatenated, and a value (scalar) set by two files — or a mapping in one and a list in the other — fails the
// whole load. Those failures are found here, before anything is applied, and named by path.
import { dump } from 'js-yaml';
import { SpecError, type SpecIssue } from '../instance/errors.js';
import { parseFragment, type Fragment } from '../instance/casc-fragments.js';
import type { InstanceSpec } from '../instance/index.js';
import { names } from '../instance/naming.js';
import { isMapping } from '../instance/untrusted-yaml.js';
import { cascLiteral } from './scalars.js';

/**
 * Choices of one implementation (`securityRealm: {ldap: …}`): a fragment that sets one replaces the generated
 * choice (the local admin user, logged-in users may do anything); two files choosing would be a mapping with two
 * implementations, which JCasC refuses.
 */
export const REPLACEABLE = ['jenkins.securityRealm', 'jenkins.authorizationStrategy'] as const;
/** Lists the generated file owns whole: the agents are the spec's (`agents`), never a second cloud. */
const OWNED_LISTS = new Set(['jenkins.clouds']);

export interface CascFile {
  /** The fragment's name in the spec. */
  fragment: string;
  /** Its key in the ConfigMap, a file beside jenkins.yaml. */
  file: string;
  trusted: boolean;
  doc: Fragment;
  /** What the ConfigMap carries: the parsed document written out again, every `${` escaped unless trusted. */
  text: string;
}

type Tree = Record<string, unknown>;

const isMap = isMapping as (v: unknown) => v is Tree;
const shape = (v: unknown) => (Array.isArray(v) ? 'a list' : isMap(v) ? 'a mapping' : 'a value');

/** Every string value read literally by JCasC (`${` → `^${`); keys are names, which JCasC never interpolates. */
function literal(value: unknown): unknown {
  if (typeof value === 'string') return cascLiteral(value);
  if (Array.isArray(value)) return value.map(literal);
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v)]));
  return value;
}

/** The fragments in name order (the order JCasC reads the folder in does not matter: conflicts are refused). */
export function cascFiles(spec: InstanceSpec): CascFile[] {
  const extra = spec.jcasc?.extra ?? {};
  const trusted = new Set(spec.jcasc?.trusted ?? []);
  return Object.keys(extra).sort().map((fragment) => {
    const doc = parseFragment(extra[fragment]!);
    const isTrusted = trusted.has(fragment);
    // Written out again from the parsed document: one well-formed YAML document, no anchors, no tags, and strings
    // quoted wherever a YAML 1.1 reader (SnakeYAML in JCasC) would take them for something else.
    const text = dump(isTrusted ? doc : literal(doc), { lineWidth: -1, noRefs: true } as never);
    return { fragment, file: names.cascFragmentFile(fragment), trusted: isTrusted, doc, text };
  });
}

/** Which generated choices the fragments replace (the generated jenkins.yaml then leaves them out). */
export function replacedChoices(files: CascFile[]): { securityRealm: boolean; authorizationStrategy: boolean } {
  const sets = (key: string) => files.some((f) => isMap(f.doc.jenkins) && key in f.doc.jenkins);
  return { securityRealm: sets('securityRealm'), authorizationStrategy: sets('authorizationStrategy') };
}

/**
 * Merges the fragments into the generated document the way JCasC will, and refuses — naming the path and both
 * files — what JCasC would fail on or what would undo the generated setup. Throws a SpecError (bad input).
 */
export function checkCascFiles(generated: Tree, files: CascFile[]): void {
  const merged: Tree = structuredClone(generated);
  // Who set each path first (a path's nearest recorded ancestor owns it).
  const owners = new Map<string, string>([['', 'the generated jenkins.yaml']]);
  const ownerOf = (path: string[]) => {
    for (let n = path.length; n >= 0; n--) {
      const owner = owners.get(path.slice(0, n).join('.'));
      if (owner) return owner;
    }
    return 'the generated jenkins.yaml';
  };
  const issues: SpecIssue[] = [];
  for (const file of files) {
    const where = `fragment ${file.fragment}`;
    const refuse = (path: string[], message: string) => issues.push({ path: `jcasc.extra.${file.fragment}`, message: `${where} ${message}` });
    const merge = (into: Tree, add: Tree, at: string[]): void => {
      for (const [key, value] of Object.entries(add)) {
        const path = [...at, key];
        const dotted = path.join('.');
        if (!(key in into)) {
          into[key] = structuredClone(value);
          owners.set(dotted, where);
          continue;
        }
        const have = into[key];
        if ((REPLACEABLE as readonly string[]).includes(dotted)) {
          refuse(path, `sets ${dotted}, which ${ownerOf(path)} chooses already; only one file may choose it`);
        } else if (isMap(have) && isMap(value)) {
          merge(have, value, path);
        } else if (Array.isArray(have) && Array.isArray(value)) {
          if (OWNED_LISTS.has(dotted)) refuse(path, `adds to ${dotted}, which jenkins-chatops generates from the spec (agents.*); change the spec instead`);
          else into[key] = [...have, ...value];
        } else if (!isMap(have) && !Array.isArray(have) && !isMap(value) && !Array.isArray(value)) {
          refuse(path, `sets ${dotted}, which ${ownerOf(path)} sets already; JCasC refuses a value set by two files`);
        } else {
          refuse(path, `makes ${dotted} ${shape(value)} where ${ownerOf(path)} has ${shape(have)}; JCasC cannot merge them`);
        }
      }
    };
    merge(merged, file.doc, []);
  }
  if (issues.length) throw new SpecError(issues);
}
