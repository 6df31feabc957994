// `--values FILE` and `--set path=value` read and parsed, for every subcommand that builds an instance spec (loaded
// when such a command runs; the options themselves are in values-flags.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCascDir, parseSetExpression, parseValues, SpecError, type Layer } from '../instance/index.js';
import type { ValuesOptions } from './values-flags.js';

export { addValuesOptions, type ValuesOptions } from './values-flags.js';

/** The default instance (casc/instances/jenkins.yaml) used when no values file is given. */
export const defaultInstanceFile = (): string => join(defaultCascDir(), 'instances', 'jenkins.yaml');

/** Reads every values file and parses every --set, failing before anything happens when one is bad. */
export function collectLayers(options: ValuesOptions, fallbackFile?: string): Layer[] {
  const files = options.values?.length ? options.values : fallbackFile ? [fallbackFile] : [];
  const layers: Layer[] = files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new SpecError([{ path: file, message: code === 'ENOENT' ? 'no such values file' : `cannot read (${code ?? String(err)})` }], 'cannot read values');
    }
    return { values: parseValues(text, file) };
  });
  for (const expr of options.set ?? []) {
    const { path, value } = parseSetExpression(expr);
    layers.push({ set: path, value });
  }
  return layers;
}
