// Pod-template presets: casc/pod-templates/<name>.yaml, merged under a template entry that says `preset: <name>`.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SpecError } from './errors.js';
import { deepMerge, isPlainObject, parseValues, type Values } from './values.js';

export type Presets = ReadonlyMap<string, Values>;

export function loadPresets(cascDir: string): Presets {
  const dir = join(cascDir, 'pod-templates');
  const presets = new Map<string, Values>();
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    presets.set(basename(file).replace(/\.ya?ml$/, ''), parseValues(readFileSync(join(dir, file), 'utf8'), join(dir, file)));
  }
  return presets;
}

/** Replaces each `preset: x` template entry by the preset with the entry's own keys on top. */
export function applyPresets(values: Values, presets: Presets): Values {
  const agents = values.agents;
  if (!isPlainObject(agents) || !Array.isArray(agents.templates)) return values;
  const templates = agents.templates.map((entry: unknown, i: number) => {
    if (!isPlainObject(entry) || entry.preset === undefined) return entry;
    const preset = typeof entry.preset === 'string' ? presets.get(entry.preset) : undefined;
    if (!preset) {
      throw new SpecError([{
        path: `agents.templates[${i}].preset`,
        value: entry.preset,
        message: `unknown preset; available: ${[...presets.keys()].join(', ')}`,
      }]);
    }
    const { preset: _name, ...own } = entry;
    return deepMerge(preset, own);
  });
  return { ...values, agents: { ...agents, templates } };
}
