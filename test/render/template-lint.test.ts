// A template that prints a value without a safe helper is refused when templates load, before any render.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadTemplates, TemplateError } from '../../src/render/index.js';
import { templatesDir } from '../../src/instance/index.js';

function templateSet(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'tpl-'));
  mkdirSync(join(dir, 'partials'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('template safety lint', () => {
  it('refuses {{value}} and {{{value}}}, naming file and line', () => {
    expect(() => loadTemplates(templateSet({ 'a.yaml.hbs': 'name: ok\nmsg: {{message}}\n' }))).toThrow(/a\.yaml\.hbs:2: \{\{message\}\} prints a value without escaping/);
    expect(() => loadTemplates(templateSet({ 'b.yaml.hbs': 'msg: {{{message}}}\n' }))).toThrow(TemplateError);
    expect(() => loadTemplates(templateSet({ 'partials/p.hbs': '{{#each x}}{{this}}{{/each}}' }))).toThrow(/partials\/p\.hbs:1/);
  });

  it('accepts the printing helpers and renders through them', () => {
    const set = loadTemplates(templateSet({ 'c.yaml.hbs': 'msg: {{yaml message}}\ncasc: {{casc message}}\n' }));
    expect(set.render('c.yaml.hbs', { message: 'x\ny: ${z}' })).toBe('msg: "x\\ny: ${z}"\ncasc: "x\\ny: ^${z}"\n');
  });

  it('fails loudly on a missing field instead of printing nothing', () => {
    const set = loadTemplates(templateSet({ 'd.yaml.hbs': 'msg: {{yaml missing.field}}\n' }));
    expect(() => set.render('d.yaml.hbs', {})).toThrow(TemplateError);
  });

  it('holds for every shipped template', () => {
    expect(loadTemplates(templatesDir()).names().length).toBeGreaterThanOrEqual(11);
  });
});
