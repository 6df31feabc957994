// The Handlebars environment: templates/*.hbs and templates/partials/*.hbs, compiled once, with the only
// helpers allowed to print values. A template that prints a value any other way is refused at load time.
// templates/ is the source of truth. The build precompiles it (precompile-templates.ts) into a module next to this
// file; a template whose source, compile options or lint still match it loads from there with the small Handlebars
// runtime, anything else (a new or edited template, the sources under Jest) is linted and compiled here as before.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Handlebars from 'handlebars';
import { blockScalar, cascLiteral, cascReference, yamlBlock, yamlScalar, type CascReference } from './scalars.js';

type HelperOptions = Handlebars.HelperOptions;
type HandlebarsEnv = typeof Handlebars;

// Loaded synchronously and only when needed: the runtime (~1/3 of the library) for precompiled templates, as the one
// file the package builds of it (its CommonJS build is 21 modules); the compiler (its parser alone costs ~0.1 s on
// first use) only for templates that are not precompiled.
const require = createRequire(import.meta.url);
const fullHandlebars = (): HandlebarsEnv => require('handlebars') as HandlebarsEnv;
const runtimeHandlebars = (): HandlebarsEnv => require('handlebars/dist/handlebars.runtime.js') as HandlebarsEnv;

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
  const ast = fullHandlebars().parse(source);
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

// Only our helpers exist: Handlebars can call them directly instead of looking them up at every use.
const KNOWN_HELPERS = Object.fromEntries([...Object.keys(PRINTING_HELPERS), ...Object.keys(VALUE_HELPERS)].map((h) => [h, true]));
// A fresh object per compile: Handlebars writes into the options it is given.
const compileOptions = () => ({ noEscape: true, strict: true, preventIndent: true, knownHelpers: { ...KNOWN_HELPERS }, knownHelpersOnly: true, data: false });

/** One template file: `partials/x.hbs` registers partial `x`; any other `*.hbs` is a template named by its file. */
export interface TemplateSource {
  file: string;
  partial?: string;
  source: string;
}

/** Every template and partial of `dir`, sorted, partials first (the directory decides what exists). */
export function readTemplateSources(dir: string): TemplateSource[] {
  const partialsDir = join(dir, 'partials');
  const hbs = (names: string[]) => names.filter((f) => f.endsWith('.hbs')).sort();
  return [
    ...hbs(readdirSync(partialsDir)).map((file) => ({ file: `partials/${file}`, partial: file.replace(/\.hbs$/, ''), source: readFileSync(join(partialsDir, file), 'utf8') })),
    ...hbs(readdirSync(dir)).map((file) => ({ file, source: readFileSync(join(dir, file), 'utf8') })),
  ];
}

/** Precompiled code is valid only for the Handlebars version, compile options and lint rules it was made with. */
export function compileKey(version: string): string {
  const rules = JSON.stringify({ version, options: compileOptions(), printing: Object.keys(PRINTING_HELPERS), blocks: [...BLOCK_HELPERS], lint: lint.toString() });
  return createHash('sha256').update(rules).digest('hex');
}

export const sourceHash = (source: string): string => createHash('sha256').update(source).digest('hex');

/** What the build writes: each template's precompiled code (Handlebars' template spec) with the hash of its source. */
export interface PrecompiledTemplates {
  key: string;
  templates: Record<string, { sha256: string; spec: object }>;
}

/** Source of a CommonJS module holding every template of `dir` that passes lint, precompiled (the build runs this). */
export function precompileTemplates(dir: string): string {
  const hb = fullHandlebars();
  const entries: string[] = [];
  for (const { file, source } of readTemplateSources(dir)) {
    try {
      lint(file, source);
    } catch {
      continue; // left to the runtime, which refuses it with the lint's message when templates load
    }
    entries.push(`  ${JSON.stringify(file)}: { sha256: ${JSON.stringify(sourceHash(source))}, spec: ${hb.precompile(source, compileOptions())} },`);
  }
  return `// Generated by the build from templates/ (precompile-templates.js); never edit, never commit.\n'use strict';\nmodule.exports = {\n key: ${JSON.stringify(compileKey(hb.VERSION))},\n templates: {\n${entries.join('\n')}\n }\n};\n`;
}

const PRECOMPILED_FILE = './templates.precompiled.cjs';

/** The build's precompiled templates next to this file, if the build made them (never under Jest: it runs src/). */
function builtPrecompiled(): PrecompiledTemplates | undefined {
  try {
    return require(PRECOMPILED_FILE) as PrecompiledTemplates;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

/**
 * Every template of `dir`, ready to render. A template whose source hash is in `precompiled` (made with the same
 * Handlebars version, options and lint) is taken from there; every other one is linted and compiled now.
 */
export function loadTemplates(dir: string, precompiled: PrecompiledTemplates | undefined = builtPrecompiled()): TemplateSet {
  const sources = readTemplateSources(dir);
  const runtime = runtimeHandlebars();
  const usable = precompiled?.key === compileKey(runtime.VERSION) ? precompiled.templates : {};
  const ready = (s: TemplateSource) => usable[s.file]?.sha256 === sourceHash(s.source);
  // The compiler's environment also runs precompiled templates; the runtime's alone suffices when nothing is left to compile.
  const env = (sources.every(ready) ? runtime : fullHandlebars()).create();
  for (const [helper, fn] of Object.entries({ ...PRINTING_HELPERS, ...VALUE_HELPERS })) {
    env.registerHelper(helper, (...args: unknown[]) => fn(...args.slice(0, -1), args.at(-1) as HelperOptions));
  }
  const build = (s: TemplateSource): Handlebars.TemplateDelegate => {
    if (ready(s)) return env.template(usable[s.file]!.spec as Parameters<HandlebarsEnv['template']>[0]);
    lint(s.file, s.source);
    return env.compile(s.source, compileOptions());
  };
  const templates = new Map<string, Handlebars.TemplateDelegate>();
  for (const s of sources) {
    if (s.partial !== undefined) env.registerPartial(s.partial, build(s));
    else templates.set(s.file, build(s));
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
