// `--values FILE` and `--set path=value`, shared by every subcommand that builds an instance spec.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { defaultCascDir, parseSetExpression, parseValues, SpecError, type Layer } from '../instance/index.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export interface ValuesOptions {
  values?: string[];
  set?: string[];
}

export function addValuesOptions(command: Command): Command {
  return command
    .option('-f, --values <file>', 'a YAML values file; repeat to layer several (later files win)', collect)
    .option('--set <path=value>', 'override one key, e.g. --set agents.templates[0].jnlpImage=registry/jnlp:1 (repeatable, applied after files)', collect);
}

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
