// Who is asking, from the Slack payload. User groups are looked up only when configured (it needs the
// usergroups:read scope and one API call per refresh), and cached briefly: group changes show up within minutes.
import type { Caller } from '../../commands/model.js';
import type { Logger } from '../../observability/logger.js';
import type { SlackApi } from './slack-api.js';

export interface CommandPayloadIdentity {
  user_id: string;
  user_name?: string;
  channel_id?: string;
}

export interface ActionPayloadIdentity {
  user: { id: string; username?: string; name?: string };
  channel?: { id: string };
  container?: { channel_id?: string };
}

export function callerFromCommand(payload: CommandPayloadIdentity, groups?: string[]): Caller {
  return {
    userId: payload.user_id,
    ...(payload.user_name ? { userName: payload.user_name } : {}),
    ...(payload.channel_id ? { channel: payload.channel_id } : {}),
    ...(groups ? { groups } : {}),
    transport: 'slack',
  };
}

/** The CLICKING user, not whoever asked for the confirmation: the runner decides whether they may confirm. */
export function callerFromAction(body: ActionPayloadIdentity, groups?: string[]): Caller {
  const channel = body.channel?.id ?? body.container?.channel_id;
  const userName = body.user.username ?? body.user.name;
  return {
    userId: body.user.id,
    ...(userName ? { userName } : {}),
    ...(channel ? { channel } : {}),
    ...(groups ? { groups } : {}),
    transport: 'slack',
  };
}

export interface UserGroupLookup {
  groupsOf(userId: string): Promise<string[] | undefined>;
}

/** Looks up a user's groups with usergroups.list, cached for `ttlMs`; on failure answers undefined (unknown). */
export class CachedUserGroups implements UserGroupLookup {
  private cache: { at: number; groups: Array<{ id: string; users: string[] }> } | undefined;
  private inFlight: Promise<Array<{ id: string; users: string[] }>> | undefined;

  constructor(
    private readonly api: SlackApi,
    private readonly ttlMs = 5 * 60_000,
    private readonly logger?: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async groupsOf(userId: string): Promise<string[] | undefined> {
    try {
      const groups = await this.load();
      return groups.filter((group) => group.users.includes(userId)).map((group) => group.id);
    } catch (err) {
      this.logger?.warn({ err }, 'could not look up Slack user groups; group-based permissions will not apply');
      return undefined;
    }
  }

  private async load(): Promise<Array<{ id: string; users: string[] }>> {
    if (this.cache && this.now() - this.cache.at < this.ttlMs) return this.cache.groups;
    this.inFlight ??= this.api.listUserGroups().finally(() => {
      this.inFlight = undefined;
    });
    const groups = await this.inFlight;
    this.cache = { at: this.now(), groups };
    return groups;
  }
}
