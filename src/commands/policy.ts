// Who may run what, and where. Read-only commands are open; mutating ones (deploy, scale, delete, password) need
// the caller's Slack user id or one of their user groups to be listed, globally or for the instance.
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { z } from 'zod';
import type { Caller } from './model.js';
import { isMutating, operatorInput, type ParsedCommand } from './grammar.js';
import { DEFAULT_BOUNDS, type BoundsConfig, type BoundsSource } from './bounds.js';

const principals = z.strictObject({
  users: z.array(z.string().min(1)).default([]),
  groups: z.array(z.string().min(1)).default([]),
});

/** What chat may put into an instance (commands/bounds.ts); per instance, a list replaces the global one. */
const boundsKeys = {
  namespaces: z.array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'namespaces are DNS labels' })).optional(),
  images: z.array(z.string().min(1)).optional(),
  hostPaths: z.array(z.string().regex(/^\/[^\0]*$/, { error: 'hostPaths are absolute paths' })).optional(),
};

export const policyConfig = z.strictObject({
  /** Channels the bot answers in (ids); empty = every channel it is in. */
  channels: z.array(z.string().min(1)).default([]),
  /** May run mutating commands on every instance (unless the instance says `inherit: false`). */
  deployers: principals.default({ users: [], groups: [] }),
  ...boundsKeys,
  /** Per instance: who (else) may change it, and its own bounds. `inherit: false` leaves the global deployers out. */
  instances: z.record(z.string(), principals.extend({ inherit: z.boolean().default(true), ...boundsKeys })).default({}),
  /** When set, only these may run read-only commands too. */
  readers: principals.optional(),
});

export type PolicyConfig = z.infer<typeof policyConfig>;
export type Decision = { allowed: true } | { allowed: false; reason: string };

export class Policy {
  readonly config: PolicyConfig;

  /**
   * @param boundConsole whether the console, too, is held to the bounds (when the admin gave CHATOPS_AUTH_FILE);
   *   the command line never is: it runs with the operator's own credentials.
   */
  constructor(config: z.input<typeof policyConfig> = {}, readonly boundConsole = false) {
    this.config = policyConfig.parse(config);
  }

  /** Whether what this caller puts into an instance is held to the bounds. */
  bounds(caller: Caller): boolean {
    return !isOperator(caller) || (caller.transport === 'console' && this.boundConsole);
  }

  /** The bounds for one instance: its own lists where it has them, else the global ones, else the defaults. */
  boundsFor(instance: string): { config: BoundsConfig; source: BoundsSource } {
    const rule = Object.hasOwn(this.config.instances, instance) ? this.config.instances[instance] : undefined;
    const pick = (key: keyof BoundsConfig, env: string) => {
      if (rule?.[key]) return { list: rule[key]!, from: `instances.${instance}.${key} in the policy file` };
      if (this.config[key]) return { list: this.config[key]!, from: `policy ${key}, set by ${env} or the policy file` };
      return { list: DEFAULT_BOUNDS[key], from: `the default; set ${env} to change it` };
    };
    const namespaces = pick('namespaces', 'CHATOPS_NAMESPACES');
    const images = pick('images', 'CHATOPS_IMAGES');
    const hostPaths = pick('hostPaths', 'CHATOPS_HOST_PATHS');
    return {
      config: { namespaces: namespaces.list, images: images.list, hostPaths: hostPaths.list },
      source: { namespaces: namespaces.from, images: images.from, hostPaths: hostPaths.from },
    };
  }

  /** Every namespace some instance may live in: where the bot looks for instances at all. */
  get managedNamespaces(): string[] {
    const lists = [this.config.namespaces ?? DEFAULT_BOUNDS.namespaces, ...Object.values(this.config.instances).map((i) => i.namespaces ?? [])];
    return [...new Set(lists.flat())];
  }

  /** Every user-group id the policy mentions: the transport resolves the caller's membership in these only. */
  get groupIds(): string[] {
    const { deployers, instances, readers } = this.config;
    return [...new Set([...deployers.groups, ...Object.values(instances).flatMap((i) => i.groups), ...(readers?.groups ?? [])])];
  }

  authorize(caller: Caller, command: ParsedCommand): Decision {
    // The console and the CLI run with the local user's own credentials: there is no one else to protect them from.
    if (isOperator(caller)) return { allowed: true };
    // Namespaces, values files and --set paths are the operator's (the CLI's); chat text cannot produce them.
    if (operatorInput(command)) return { allowed: false, reason: `${command.name} with command-line options (namespace, values, --no-wait) is only for the operator's own terminal` };
    const { channels, readers } = this.config;
    if (caller.channel !== undefined && channels.length > 0 && !channels.includes(caller.channel)) {
      return { allowed: false, reason: `I only answer in these channels: ${channels.join(', ')} (this one is ${caller.channel})` };
    }
    if (!isMutating(command)) {
      if (command.name === 'help' || !readers || matches(caller, readers)) return { allowed: true };
      return { allowed: false, reason: `${command.name} is limited to the configured readers, and ${who(caller)} is not one of them` };
    }
    const instance = 'instance' in command ? command.instance : undefined;
    // Own keys only: an instance named `constructor` must not find Object.prototype.constructor as its rule.
    const rule = instance !== undefined && Object.hasOwn(this.config.instances, instance) ? this.config.instances[instance] : undefined;
    const lists = [...(rule ? [rule] : []), ...(!rule || rule.inherit ? [this.config.deployers] : [])];
    if (lists.some((list) => matches(caller, list))) return { allowed: true };
    if (lists.every((list) => list.users.length === 0 && list.groups.length === 0)) {
      return { allowed: false, reason: `no one may run ${command.name} yet: no deployers are configured (CHATOPS_ALLOWED_USERS, CHATOPS_ALLOWED_GROUPS or CHATOPS_AUTH_FILE)` };
    }
    const scope = rule ? `instance ${instance}` : 'any instance';
    return { allowed: false, reason: `${who(caller)} may not run ${command.name} on ${scope}: ask an admin to add your user id or one of your user groups to the deployers` };
  }
}

/** The local operator: the console or the command line. */
export function isOperator(caller: Caller): boolean {
  return caller.transport === 'console' || caller.transport === 'cli';
}

function matches(caller: Caller, list: { users: string[]; groups: string[] }): boolean {
  return list.users.includes(caller.userId) || (caller.groups ?? []).some((g) => list.groups.includes(g));
}

function who(caller: Caller): string {
  return caller.userName ? `${caller.userName} (${caller.userId})` : caller.userId;
}

const csv = (text: string | undefined) => (text ?? '').split(/[\s,]+/).filter(Boolean);

/**
 * The policy from the environment: CHATOPS_AUTH_FILE (YAML or JSON, the shape of PolicyConfig), then
 * CHATOPS_ALLOWED_USERS, CHATOPS_ALLOWED_GROUPS and CHATOPS_CHANNELS (comma-separated ids) added on top.
 */
export function loadPolicy(env: NodeJS.ProcessEnv = process.env): Policy {
  let fromFile: z.input<typeof policyConfig> = {};
  const file = env.CHATOPS_AUTH_FILE;
  if (file) {
    let doc: unknown;
    try {
      doc = load(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`cannot read the authorization file ${file} (CHATOPS_AUTH_FILE): ${(err as Error).message.split('\n')[0]}`);
    }
    const parsed = policyConfig.safeParse(doc ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new Error(`the authorization file ${file} is not valid: ${issues}. Allowed keys: channels, deployers {users, groups}, namespaces, images, hostPaths, instances.<name> {users, groups, inherit, namespaces, images, hostPaths}, readers {users, groups}`);
    }
    fromFile = parsed.data;
  }
  const base = policyConfig.parse(fromFile);
  // A list from the environment replaces the file's (the admin's latest word), like the deployment's config map.
  const list = (key: string) => (env[key] !== undefined && env[key]!.trim() !== '' ? csv(env[key]) : undefined);
  const namespaces = list('CHATOPS_NAMESPACES') ?? base.namespaces;
  const images = list('CHATOPS_IMAGES') ?? base.images;
  const hostPaths = list('CHATOPS_HOST_PATHS') ?? base.hostPaths;
  return new Policy({
    ...base,
    ...(namespaces ? { namespaces } : {}),
    ...(images ? { images } : {}),
    ...(hostPaths ? { hostPaths } : {}),
    channels: [...base.channels, ...csv(env.CHATOPS_CHANNELS)],
    deployers: {
      users: [...base.deployers.users, ...csv(env.CHATOPS_ALLOWED_USERS)],
      groups: [...base.deployers.groups, ...csv(env.CHATOPS_ALLOWED_GROUPS)],
    },
  }, Boolean(file));
}
