// Who may run what, and where. Read-only commands are open; mutating ones (deploy, scale, delete, password) need
// the caller's Slack user id or one of their user groups to be listed, globally or for the instance.
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { z } from 'zod';
import type { Caller } from './model.js';
import { isMutating, operatorInput, type ParsedCommand } from './grammar.js';

const principals = z.strictObject({
  users: z.array(z.string().min(1)).default([]),
  groups: z.array(z.string().min(1)).default([]),
});

export const policyConfig = z.strictObject({
  /** Channels the bot answers in (ids); empty = every channel it is in. */
  channels: z.array(z.string().min(1)).default([]),
  /** May run mutating commands on every instance (unless the instance says `inherit: false`). */
  deployers: principals.default({ users: [], groups: [] }),
  /** Per instance: who (else) may change it. `inherit: false` leaves the global deployers out. */
  instances: z.record(z.string(), principals.extend({ inherit: z.boolean().default(true) })).default({}),
  /** When set, only these may run read-only commands too. */
  readers: principals.optional(),
});

export type PolicyConfig = z.infer<typeof policyConfig>;
export type Decision = { allowed: true } | { allowed: false; reason: string };

export class Policy {
  readonly config: PolicyConfig;

  constructor(config: z.input<typeof policyConfig> = {}) {
    this.config = policyConfig.parse(config);
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
      throw new Error(`the authorization file ${file} is not valid: ${issues}. Allowed keys: channels, deployers {users, groups}, instances.<name> {users, groups, inherit}, readers {users, groups}`);
    }
    fromFile = parsed.data;
  }
  const base = policyConfig.parse(fromFile);
  return new Policy({
    ...base,
    channels: [...base.channels, ...csv(env.CHATOPS_CHANNELS)],
    deployers: {
      users: [...base.deployers.users, ...csv(env.CHATOPS_ALLOWED_USERS)],
      groups: [...base.deployers.groups, ...csv(env.CHATOPS_ALLOWED_GROUPS)],
    },
  });
}
