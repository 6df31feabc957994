// Test helpers for the generator: specs from fixture files, objects by kind/name, the JCasC document parsed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { renderBundle, type Bundle, type KubeObject } from '../../src/render/index.js';
import { defaultCascDir, parseValues, resolveSpec, type InstanceSpec, type Values } from '../../src/spec/index.js';

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

/** What JCasC makes of a string: `^${x}` is the literal `${x}`; any other `${x}` is looked up in `vars`. */
export function jcascInterpolate(text: string, vars: Record<string, string> = {}): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '^' && text.startsWith('${', i + 1)) {
      const end = text.indexOf('}', i + 3);
      if (end < 0) { out += text.slice(i + 1); break; }
      out += text.slice(i + 1, end + 1);
      i = end;
    } else if (text.startsWith('${', i)) {
      const end = text.indexOf('}', i + 2);
      if (end < 0) { out += text.slice(i); break; }
      out += vars[text.slice(i + 2, end)] ?? '';
      i = end;
    } else out += text[i];
  }
  return out;
}
