// Turns layers of user values into one validated InstanceSpec: defaults, then each layer in order, then presets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { formatPath, SpecError, type SpecIssue } from './errors.js';
import { defaultCascDir } from './files.js';
import { applyPresets, loadPresets, type Presets } from './presets.js';
import { instanceSpec, type InstanceSpec } from './schema.js';
import { allowedKeysAt } from './schema-keys.js';
import { deepMerge, parseValues, setAt, type PathKey, type Values } from './values.js';

export interface SpecSources {
  defaults: Values;
  presets: Presets;
}

const sourcesCache = new Map<string, SpecSources>();

/** casc/defaults.yaml and casc/pod-templates/*.yaml, read once per folder. */
export function loadSources(cascDir = defaultCascDir()): SpecSources {
  let sources = sourcesCache.get(cascDir);
  if (!sources) {
    const path = join(cascDir, 'defaults.yaml');
    sources = { defaults: parseValues(readFileSync(path, 'utf8'), path), presets: loadPresets(cascDir) };
    sourcesCache.set(cascDir, sources);
  }
  return sources;
}

export type Layer = { values: Values } | { set: PathKey[]; value: unknown };

/** Merges the layers over the defaults (the user's intent, before presets are expanded). */
export function mergeLayers(layers: Layer[], sources: SpecSources = loadSources()): Values {
  return layers.reduce<Values>(
    (acc, layer) => ('values' in layer ? deepMerge(acc, layer.values) : setAt(acc, layer.set, layer.value)),
    sources.defaults,
  );
}

/** Validates merged values; throws SpecError naming every problem. */
export function validateValues(values: Values, sources: SpecSources = loadSources()): InstanceSpec {
  const expanded = applyPresets(values, sources.presets);
  const result = instanceSpec.safeParse(expanded);
  if (result.success) return result.data;
  throw new SpecError(result.error.issues.map((issue) => toSpecIssue(issue, expanded)));
}

export function resolveSpec(layers: Layer[], sources: SpecSources = loadSources()): InstanceSpec {
  return validateValues(mergeLayers(layers, sources), sources);
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function toSpecIssue(issue: z.core.$ZodIssue, input: unknown): SpecIssue {
  const path = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(issue.path);
    return {
      path,
      message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}${allowed ? `; allowed: ${allowed.join(', ')}` : ''}`,
    };
  }
  if (issue.code === 'invalid_key') {
    // A bad map key (env var name, label key): say what a key must look like, not zod's generic wording.
    const key = issue.path.at(-1);
    return { path, message: `key ${JSON.stringify(String(key))}: ${issue.issues[0]?.message ?? issue.message}` };
  }
  const value = valueAt(input, issue.path);
  if (value === undefined && issue.code === 'invalid_type') return { path, message: 'is required' };
  return { path, message: issue.message, value };
}
