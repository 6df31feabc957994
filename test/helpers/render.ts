// Test helpers for the generator: specs from fixture files, objects by kind/name, the JCasC document parsed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { renderBundle, type Bundle, type KubeObject } from '../../src/render/index.js';
import { defaultCascDir, parseValues, resolveSpec, type InstanceSpec, type Values } from '../../src/instance/index.js';

export const fixture = (...parts: string[]): string => join(import.meta.dirname ?? process.cwd(), '..', 'fixtures', ...parts);

export function specFromFile(path: string, ...more: Values[]): InstanceSpec {
  return resolveSpec([{ values: parseValues(readFileSync(path, 'utf8'), path) }, ...more.map((values) => ({ values }))]);
}

export const seedSpecFile = (): string => join(defaultCascDir(), 'instances', 'jenkins.yaml');

export function render(values: Values): Bundle {
  return renderBundle(resolveSpec([{ values }]));
}

export function objectOf(bundle: Bundle, kind: string, name?: string): KubeObject {
  const found = bundle.objects.find((o) => o.object.kind === kind && (name === undefined || o.object.metadata.name === name));
  if (!found) throw new Error(`no ${kind}${name ? ` ${name}` : ''} in bundle: ${bundle.objects.map((o) => o.file).join(', ')}`);
  return found.object;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export function cascOf(bundle: Bundle): Loose {
  return load(bundle.casc);
}

export function cloudOf(bundle: Bundle): Loose {
  return cascOf(bundle).jenkins.clouds[0].kubernetes;
}

/** An unescaped `${`: JCasC would interpolate it (a secret or an environment variable could leak in). */
export const UNESCAPED_REFERENCE = /(^|[^^])\$\{/;

/**
 * What JCasC reads from a string in which every `${` is escaped. JCasC (SecretSourceResolver) runs two
 * commons-text StringSubstitutor passes with escape `^`: each `^${` becomes `${`, nothing else changes.
 */
export function jcascRead(text: string): string {
  return text.replaceAll('^${', '${');
}

/** jcascRead, after checking that JCasC would interpolate nothing in `text`. */
export function jcascLiteral(text: string): string {
  if (UNESCAPED_REFERENCE.test(text)) throw new Error(`JCasC would interpolate ${JSON.stringify(text)}`);
  return jcascRead(text);
}

/**
 * What JCasC reads from a string that may hold references: `^${` is a literal `${`, and `${NAME}` (or
 * `${NAME:-default}`) is replaced from `env` (an unknown name becomes the default, or the empty string, as JCasC does
 * without CASC_STRICT_SECRET_RESOLUTION).
 */
export function jcascResolve(text: string, env: Record<string, string>): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('^${', i)) {
      out += '${';
      i += 2;
    } else if (text.startsWith('${', i) && text.indexOf('}', i) > 0) {
      const end = text.indexOf('}', i);
      const [name, fallback] = text.slice(i + 2, end).split(':-') as [string, string | undefined];
      out += env[name] ?? fallback ?? '';
      i = end;
    } else {
      out += text[i];
    }
  }
  return out;
}

/** The kubelet's `$(VAR)` expansion in container env, command and args (`$$` → `$`, `$(X)` → X's value). */
export function kubeletExpand(text: string, vars: Record<string, string>): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '$' || i + 1 >= text.length) {
      out += text[i];
    } else if (text[i + 1] === '$') {
      out += '$';
      i += 1;
    } else if (text[i + 1] === '(') {
      const end = text.indexOf(')', i + 2);
      if (end < 0) {
        out += '$(';
        i += 1;
      } else {
        const name = text.slice(i + 2, end);
        out += name in vars ? vars[name] : text.slice(i, end + 1);
        i = end;
      }
    } else {
      out += text[i];
    }
  }
  return out;
}
