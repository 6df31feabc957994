// `--values FILE` and `--set path=value` as options only (commander): registering them loads nothing else, so
// `--help` stays fast. Reading the files and parsing the expressions is values-options.ts, loaded when a command runs.
import type { Command } from 'commander';

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
