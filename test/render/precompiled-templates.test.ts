// The build precompiles templates/ so a render does not parse and compile them; templates/ stays the source of truth.
// A precompiled template is used only while its source, the compile options and the lint are those it was made from:
// the output is the same byte for byte, and an edited, new or refused template is handled from its source as before.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { templatesDir } from '../../src/instance/index.js';
import { loadTemplates, precompileTemplates, readTemplateSources, sourceHash, type PrecompiledTemplates } from '../../src/render/handlebars-env.js';
import { bundleStream, renderBundle, TemplateError, type TemplateSet } from '../../src/render/index.js';
import { fixture, seedSpecFile, specFromFile } from '../helpers/render.js';

/** Evaluates the generated CommonJS module the way `require` would. */
function evaluate(source: string): PrecompiledTemplates {
  const module = { exports: {} as PrecompiledTemplates };
  new Function('module', 'exports', source)(module, module.exports);
  return module.exports;
}

function copyOfTemplates(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tpl-pre-'));
  cpSync(templatesDir(), dir, { recursive: true });
  return dir;
}

const specs = [seedSpecFile(), fixture('specs', 'dynamic-clusterip.yaml'), fixture('specs', 'multi-templates.yaml')];

/**
 * A build whose namespace template has the original source's hash but an edited source's code: only a render that
 * took the precompiled code prints the `# precompiled` comment.
 */
function swappedBuild() {
  const dir = copyOfTemplates();
  const other = evaluate(precompileTemplates(dir));
  const file = 'namespace.yaml.hbs';
  writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8').replace('kind: Namespace', 'kind: Namespace\n# precompiled'));
  const swapped = evaluate(precompileTemplates(dir));
  other.templates[file] = { sha256: other.templates[file]!.sha256, spec: swapped.templates[file]!.spec };
  return other;
}

describe('precompiled templates', () => {
  const precompiled = evaluate(precompileTemplates(templatesDir()));

  it('holds every shipped template and partial, and renders byte-identically to compiling them at load', () => {
    expect(Object.keys(precompiled.templates).sort()).toEqual(readTemplateSources(templatesDir()).map((s) => s.file).sort());
    const fromSource = loadTemplates(templatesDir(), undefined);
    const fromBuild = loadTemplates(templatesDir(), precompiled);
    for (const file of specs) {
      const spec = specFromFile(file);
      expect(bundleStream(renderBundle(spec, fromBuild))).toBe(bundleStream(renderBundle(spec, fromSource)));
    }
  });

  it('is what a render uses while the source matches (a spec swapped under the same hash shows)', () => {
    const other = swappedBuild();
    const set = loadTemplates(templatesDir(), other);
    expect(namespaceYaml(set)).toContain('# precompiled');
  });

  it('compiles an edited template from its source instead of the stale precompiled code', () => {
    const dir = copyOfTemplates();
    const file = 'namespace.yaml.hbs';
    writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8').replace('kind: Namespace', 'kind: Namespace\n# edited after the build'));
    expect(precompiled.templates[file]!.sha256).not.toBe(sourceHash(readFileSync(join(dir, file), 'utf8')));
    const set = loadTemplates(dir, precompiled);
    expect(namespaceYaml(set)).toContain('# edited after the build');
  });

  it('picks up a template added after the build (the directory decides what exists)', () => {
    const dir = copyOfTemplates();
    writeFileSync(join(dir, 'added.yaml.hbs'), 'name: {{yaml name}}\n');
    const set = loadTemplates(dir, precompiled);
    expect(set.names()).toContain('added.yaml.hbs');
    expect(set.render('added.yaml.hbs', { name: 'x: y' })).toBe('name: "x: y"\n');
  });

  it('never precompiles a template the lint refuses: loading still refuses it, naming file and line', () => {
    const dir = copyOfTemplates();
    writeFileSync(join(dir, 'bad.yaml.hbs'), 'ok: {{yaml a}}\nmsg: {{message}}\n');
    const built = evaluate(precompileTemplates(dir));
    expect(Object.keys(built.templates)).not.toContain('bad.yaml.hbs');
    expect(() => loadTemplates(dir, built)).toThrow(TemplateError);
    expect(() => loadTemplates(dir, built)).toThrow(/bad\.yaml\.hbs:2: \{\{message\}\} prints a value without escaping/);
  });

  it('ignores precompiled code made under other rules (another Handlebars version, options or lint)', () => {
    const other = swappedBuild();
    const set = loadTemplates(templatesDir(), { ...other, key: 'made-by-another-build' });
    expect(namespaceYaml(set)).not.toContain('# precompiled');
  });
});

/** The Namespace as the set renders it for the seed instance (a full render: every template runs). */
function namespaceYaml(set: TemplateSet): string {
  return renderBundle(specFromFile(seedSpecFile()), set).objects.find((o) => o.template === 'namespace.yaml.hbs')!.yaml;
}
