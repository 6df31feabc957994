// The Handlebars environment: templates/*.hbs and templates/partials/*.hbs, compiled once, with the only
// helpers allowed to print values. A template that prints a value any other way is refused at load time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { blockScalar, cascLiteral, cascReference, yamlBlock, yamlScalar, type CascReference } from './scalars.js';

type HelperOptions = Handlebars.HelperOptions;

// Labels and selectors are printed by most templates of one render from the same context objects: dump each once.
const blockMemo = new WeakMap<object, Map<number, string>>();
function memoBlock(value: unknown, indent: number): string {
  if (value === null || typeof value !== 'object') return yamlBlock(value, indent);
  let byIndent = blockMemo.get(value);
  if (!byIndent) blockMemo.set(value, (byIndent = new Map()));
  let text = byIndent.get(indent);
  if (text === undefined) byIndent.set(indent, (text = yamlBlock(value, indent)));
  return text;
}

/** Helpers that print; each makes its output structure-safe for YAML (and JCasC where named so). */
const PRINTING_HELPERS: Record<string, (...args: unknown[]) => string> = {
  /** A YAML scalar (strings double-quoted). */
  yaml: (value) => yamlScalar(value),
  /** A string JCasC reads literally (`${` escaped as `^${`), as a YAML scalar. */
  casc: (value) => yamlScalar(value === undefined || value === null ? value : cascLiteral(String(value))),
  /** A JCasC value around one generated `${REF}` (the controller's own pod name): the rest read literally. */
  cascRef: (value) => yamlScalar(typeof value === 'string' ? cascLiteral(value) : cascReference(value as CascReference)),
  /** A literal block scalar for multi-line text at `indent`. */
  block: (value, indent) => blockScalar(String(value), Number(indent)),
  /** A literal block JCasC reads literally. */
  cascBlock: (value, indent) => blockScalar(cascLiteral(String(value)), Number(indent)),
  /** A mapping (labels, selectors) as block YAML, every line at `indent`. */
  map: (value, indent) => memoBlock(value, Number(indent)),
  /** Any structure as block YAML at `indent`. */
  toYaml: (value, indent) => yamlBlock(value, Number(indent)),
};

/** Helpers that compute a value for another helper (subexpressions); they never print on their own. */
const VALUE_HELPERS: Record<string, (...args: unknown[]) => unknown> = {
  concat: (...args) => args.slice(0, -1).map(String).join(''),
  string: (value) => String(value),
};

const BLOCK_HELPERS = new Set(['if', 'unless', 'each', 'with']);

export interface TemplateSet {
  render(template: string, context: unknown): string;
  names(): string[];
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** Refuses `{{value}}` and `{{{value}}}`: every printed value must pass through a printing helper. */
function lint(name: string, source: string): void {
  const ast = Handlebars.parse(source);
  const visit = (node: hbs.AST.Node): void => {
    if (node.type === 'MustacheStatement') {
      const m = node as hbs.AST.MustacheStatement;
      const helper = m.path.type === 'PathExpression' ? (m.path as hbs.AST.PathExpression).original : '';
      if (!(helper in PRINTING_HELPERS) || m.params.length === 0) {
        throw new TemplateError(
          `${name}:${m.loc.start.line}: {{${helper}${m.params.length ? ' …' : ''}}} prints a value without escaping; use {{yaml …}}, {{casc …}}, {{block …}}, {{map …}} or {{toYaml …}}`,
        );
      }
    }
    if (node.type === 'BlockStatement') {
      const b = node as hbs.AST.BlockStatement;
      const helper = (b.path as hbs.AST.PathExpression).original;
      if (!BLOCK_HELPERS.has(helper)) throw new TemplateError(`${name}:${b.loc.start.line}: unknown block helper #${helper}`);
      b.program?.body.forEach(visit);
      b.inverse?.body.forEach(visit);
    }
    if (node.type === 'Program') (node as hbs.AST.Program).body.forEach(visit);
  };
  visit(ast);
}

export function loadTemplates(dir: string): TemplateSet {
  const env = Handlebars.create();
  for (const [helper, fn] of Object.entries({ ...PRINTING_HELPERS, ...VALUE_HELPERS })) {
    env.registerHelper(helper, (...args: unknown[]) => fn(...args.slice(0, -1), args.at(-1) as HelperOptions));
  }
  // Only our helpers exist: Handlebars can call them directly instead of looking them up at every use.
  const knownHelpers = Object.fromEntries([...Object.keys(PRINTING_HELPERS), ...Object.keys(VALUE_HELPERS)].map((h) => [h, true]));
  const compileOptions = { noEscape: true, strict: true, preventIndent: true, knownHelpers, knownHelpersOnly: true, data: false } as const;
  const partialsDir = join(dir, 'partials');
  for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs')).sort()) {
    const source = readFileSync(join(partialsDir, file), 'utf8');
    lint(`partials/${file}`, source);
    env.registerPartial(file.replace(/\.hbs$/, ''), env.compile(source, compileOptions));
  }
  const templates = new Map<string, Handlebars.TemplateDelegate>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.hbs')).sort()) {
    const source = readFileSync(join(dir, file), 'utf8');
    lint(file, source);
    templates.set(file, env.compile(source, compileOptions));
  }
  return {
    names: () => [...templates.keys()],
    render(template, context) {
      const compiled = templates.get(template);
      if (!compiled) throw new TemplateError(`no template ${template} in ${dir}`);
      try {
        return compiled(context, { allowProtoPropertiesByDefault: false });
      } catch (err) {
        throw new TemplateError(`${template}: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  };
}
