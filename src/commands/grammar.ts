// The one command grammar every transport shares: what can be typed after `/jenkins` (or at the console prompt),
// how it parses, and the help that explains it.
import type { Values } from '../instance/index.js';
import { presetSettings, parseSetting, type Setting } from './keys.js';
import { tokenize } from './tokenize.js';

export type ScaleTarget =
  | { what: 'controllers'; replicas: number }
  | { what: 'agents'; cap: number }
  | { what: 'template'; template: string; instanceCap: number };

/**
 * What only the operator at a command line gives (`jenkins-chatops deploy -n ci -f values.yaml --no-wait`). The chat
 * grammar never sets it: text typed in chat cannot reach it, and the policy refuses it from chat callers.
 */
export interface OperatorInput {
  /** `-n/--namespace`: where the instance lives (default: where it was deployed, else the spec's default). */
  namespace?: string;
  /** `--values FILE` / `--set path=value` layers: any spec path, applied over the stored values, before settings. */
  values?: Values[];
  /** `--no-wait`: deploy returns once applied, without waiting for ready. */
  wait?: boolean;
}

type Operated = { operator?: OperatorInput };

export type ParsedCommand =
  | ({ name: 'deploy'; instance: string; settings: Setting[]; dryRun: boolean; force: boolean; full?: boolean } & Operated)
  | ({ name: 'diff'; instance: string; settings: Setting[]; full?: boolean } & Operated)
  | ({ name: 'scale'; instance: string } & ScaleTarget & Operated)
  | ({ name: 'status'; instance?: string } & Operated)
  | ({ name: 'casc'; instance: string } & Operated)
  | { name: 'templates' }
  | ({ name: 'delete'; instance: string; purge: boolean } & Operated)
  | ({ name: 'password'; instance: string } & Operated)
  | { name: 'help'; topic?: string };

export type CommandName = ParsedCommand['name'];

export interface CommandHelp {
  name: CommandName;
  usage: string;
  summary: string;
  details: string[];
  examples: string[];
  /** Changes the cluster (or reveals a secret): needs authorization and is audited. */
  mutating: boolean;
}

export const COMMANDS: CommandHelp[] = [
  {
    name: 'deploy',
    usage: 'deploy <name> [key=value …] [--preset <preset>] [--dry-run] [--full] [--force]',
    summary: 'Create or change a Jenkins instance.',
    details: [
      'A new instance is deployed at once; a change to an existing one shows the diff and asks to confirm.',
      'Keys: see `help keys`. `--preset` (repeatable) sets the pod templates, e.g. --preset maven --preset node.',
      '`--dry-run` shows what would change and changes nothing.',
      '`--full` shows the whole plan: every changed field and the complete JCasC diff (in Slack as a file).',
      '`--force` takes over fields another tool (e.g. kubectl) owns, after a deploy reported the conflict.',
    ],
    examples: ['deploy ci', 'deploy ci replicas=1 service=NodePort storage=static:10Gi hostPath=/data/jenkins', 'deploy ci agent.image=registry.local/jnlp:1 agent.cpu=500m agent.memory=500Mi retention=onFailure idle=10', 'deploy ci --preset maven --dry-run'],
    mutating: true,
  },
  {
    name: 'scale',
    usage: 'scale <name> <replicas> | scale <name> agents <cap> | scale <name> template <template> <instanceCap>',
    summary: 'Change the number of controllers, or how many agent pods may run.',
    details: [
      '0 controllers hibernates the instance (volumes are kept).',
      'More than 1 asks to confirm: each controller is an independent Jenkins that shares no jobs or configuration with the others.',
      '`agents <cap>` limits agent pods for the whole instance (0 = unlimited); `template <t> <n>` limits one pod template.',
    ],
    examples: ['scale ci 0', 'scale ci 1', 'scale ci agents 20', 'scale ci template maven 5'],
    mutating: true,
  },
  {
    name: 'status',
    usage: 'status [name]',
    summary: 'Show controllers, pods, volumes, URL, agents and whether the live JCasC is the desired one.',
    details: ['Without a name: every instance.'],
    examples: ['status', 'status ci'],
    mutating: false,
  },
  {
    name: 'diff',
    usage: 'diff <name> [key=value …] [--preset <preset>] [--full]',
    summary: 'Show what a deploy with these settings would change, changing nothing.',
    details: ['Same keys as deploy (see `help keys`).', 'JCasC changes show as a unified diff with context; `--full` shows the whole plan (in Slack as a file).'],
    examples: ['diff ci', 'diff ci replicas=0', 'diff ci idle=10 --full', 'diff ci controller.javaOpts="-Xmx2g -Dhudson.footerURL=https://ci.example.com"'],
    mutating: false,
  },
  {
    name: 'casc',
    usage: 'casc <name>',
    summary: 'The rendered Jenkins Configuration-as-Code (jenkins.yaml) of an instance, as a file.',
    details: [],
    examples: ['casc ci'],
    mutating: false,
  },
  {
    name: 'templates',
    usage: 'templates',
    summary: 'List the pod-template presets (for --preset).',
    details: [],
    examples: ['templates'],
    mutating: false,
  },
  {
    name: 'delete',
    usage: 'delete <name> [--purge]',
    summary: 'Remove an instance. Always asks to confirm.',
    details: ['Volumes (job history) and the admin password Secret are kept unless --purge is given.'],
    examples: ['delete ci', 'delete ci --purge'],
    mutating: true,
  },
  {
    name: 'password',
    usage: 'password <name>',
    summary: 'The admin user and password, shown only to you and only if you may deploy.',
    details: [],
    examples: ['password ci'],
    mutating: true,
  },
  {
    name: 'help',
    usage: 'help [command]',
    summary: 'This help; `help <command>` for details, `help keys` for deploy settings.',
    details: [],
    examples: ['help', 'help deploy', 'help keys'],
    mutating: false,
  },
];

export class UsageError extends Error {
  override name = 'UsageError';
  constructor(message: string, readonly command?: CommandName) {
    super(message);
  }
}

const NAME = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;

export function commandHelp(name: CommandName): CommandHelp {
  return COMMANDS.find((c) => c.name === name)!;
}

export function isMutating(command: ParsedCommand): boolean {
  return commandHelp(command.name).mutating;
}

/** The operator input of a command, when it has any. */
export function operatorInput(command: ParsedCommand): OperatorInput | undefined {
  return 'operator' in command ? command.operator : undefined;
}

/** Parses one command line. Throws UsageError (with the command it was about) or KeyError/SpecError for settings. */
export function parseCommand(line: string): ParsedCommand {
  let words: string[];
  try {
    words = tokenize(line.trim());
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  // People type `/jenkins /jenkins status` or `jenkins status` at the console: tolerate the prefix.
  if (words[0] === 'jenkins' || words[0] === '/jenkins') words = words.slice(1);
  return parseWords(words);
}

/**
 * The grammar over words already split (what `parseCommand` does after tokenizing; the CLI hands its argv here so
 * nothing is quoted and re-split). Never yields operator input.
 */
export function parseWords(words: string[]): ParsedCommand {
  const [verb, ...args] = words;
  if (verb === undefined) return { name: 'help' };
  const name = verb.toLowerCase();
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command '${verb}'`);
  if (args.some((a) => a === '--help' || a === '-h')) return { name: 'help', topic: command.name };
  switch (command.name) {
    case 'deploy':
    case 'diff':
      return parseDeployLike(command.name, args);
    case 'scale':
      return parseScale(args);
    case 'status':
      noFlags('status', args);
      if (args.length > 1) throw new UsageError('status takes at most one instance name', 'status');
      return args[0] === undefined ? { name: 'status' } : { name: 'status', instance: instanceName('status', args[0]) };
    case 'casc':
    case 'password':
      noFlags(command.name, args);
      if (args.length !== 1) throw new UsageError(`${command.name} takes exactly one instance name`, command.name);
      return { name: command.name, instance: instanceName(command.name, args[0]) };
    case 'templates':
      if (args.length > 0) throw new UsageError('templates takes no arguments', 'templates');
      return { name: 'templates' };
    case 'delete': {
      const purge = args.includes('--purge');
      const rest = args.filter((a) => a !== '--purge');
      noFlags('delete', rest);
      if (rest.length !== 1) throw new UsageError('delete takes exactly one instance name', 'delete');
      return { name: 'delete', instance: instanceName('delete', rest[0]), purge };
    }
    case 'help': {
      if (args.length > 1) throw new UsageError('help takes at most one topic', 'help');
      const topic = args[0]?.toLowerCase();
      if (topic !== undefined && topic !== 'keys' && !COMMANDS.some((c) => c.name === topic)) {
        throw new UsageError(`no help topic '${args[0]}'; topics: ${COMMANDS.map((c) => c.name).join(', ')}, keys`, 'help');
      }
      return topic === undefined ? { name: 'help' } : { name: 'help', topic };
    }
  }
}

function parseDeployLike(name: 'deploy' | 'diff', args: string[]): ParsedCommand {
  let instance: string | undefined;
  let dryRun = false;
  let force = false;
  let full = false;
  const presets: string[] = [];
  const settingWords: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--dry-run' && name === 'deploy') dryRun = true;
    else if (arg === '--force' && name === 'deploy') force = true;
    else if (arg === '--full') full = true;
    else if (arg === '--preset' || arg.startsWith('--preset=')) {
      const value = arg === '--preset' ? args[++i] : arg.slice('--preset='.length);
      if (!value || value.startsWith('-')) throw new UsageError('--preset needs a preset name, e.g. --preset maven (see `templates`)', name);
      presets.push(value);
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`, name);
    else if (arg.includes('=')) settingWords.push(arg);
    else if (instance === undefined) instance = instanceName(name, arg);
    else throw new UsageError(`unexpected '${arg}': settings are written key=value`, name);
  }
  if (instance === undefined) throw new UsageError(`${name} needs an instance name`, name);
  const settings = [...presetSettings(presets), ...settingWords.flatMap(parseSetting)];
  const shown = full ? { full } : {};
  return name === 'deploy' ? { name, instance, settings, dryRun, force, ...shown } : { name, instance, settings, ...shown };
}

function parseScale(args: string[]): ParsedCommand {
  noFlags('scale', args);
  const [rawName, second, third, fourth] = args;
  if (rawName === undefined || second === undefined) throw new UsageError('scale needs an instance name and a number', 'scale');
  const instance = instanceName('scale', rawName);
  if (second === 'agents') {
    if (third === undefined || fourth !== undefined) throw new UsageError('write: scale <name> agents <cap>', 'scale');
    return { name: 'scale', instance, what: 'agents', cap: count('scale', 'the agent cap', third, 0, 10000) };
  }
  if (second === 'template') {
    if (third === undefined || fourth === undefined || args.length > 4) throw new UsageError('write: scale <name> template <template> <instanceCap>', 'scale');
    return { name: 'scale', instance, what: 'template', template: third, instanceCap: count('scale', 'the template cap', fourth, 1, 10000) };
  }
  if (third !== undefined) throw new UsageError(`unexpected '${third}'`, 'scale');
  return { name: 'scale', instance, what: 'controllers', replicas: count('scale', 'replicas', second, 0, 10) };
}

function count(command: CommandName, what: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${what} must be a whole number from ${min} to ${max} (got '${text}')`, command);
  }
  return Number(text);
}

function instanceName(command: CommandName, text: string | undefined): string {
  if (text === undefined || !NAME.test(text)) {
    throw new UsageError(`'${text ?? ''}' is not an instance name: lower-case letters, digits and '-', starting with a letter, at most 40 characters`, command);
  }
  return text;
}

function noFlags(command: CommandName, args: string[]): void {
  const flag = args.find((a) => a.startsWith('--'));
  if (flag) throw new UsageError(`unknown option '${flag}'`, command);
}
