// Slack settings from the environment. Socket Mode when SLACK_APP_TOKEN is set (no public URL needed), the HTTP
// receiver on /slack/events otherwise (needs SLACK_SIGNING_SECRET). Errors say which variable is missing or wrong;
// they never echo a token.

import { DEFAULT_COMMAND_CONCURRENCY } from './work-queue.js';

export type SlackMode = 'socket' | 'http';

export interface SlackConfig {
  mode: SlackMode;
  botToken: string;
  appToken?: string;
  signingSecret?: string;
  /** HTTP mode only: where /slack/events listens. */
  port: number;
  /** Channel id (C…) or name for the audit trail of mutating commands. */
  alertChannel?: string;
  /** Look up the caller's user groups (needs usergroups:read). */
  lookupUserGroups: boolean;
  /** Upload long output as files (needs files:write). */
  uploadFiles: boolean;
  /** Commands worked on at once after their ack; more wait their turn. */
  commandConcurrency: number;
}

export class SlackConfigError extends Error {
  override name = 'SlackConfigError';
}

export const DEFAULT_SLACK_PORT = 3000;

/** True when the environment asks for the Slack bot at all (otherwise `start` runs the console). */
export function hasSlackTokens(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.SLACK_BOT_TOKEN?.trim());
}

export function readSlackConfig(env: NodeJS.ProcessEnv = process.env): SlackConfig {
  const botToken = env.SLACK_BOT_TOKEN?.trim();
  if (!botToken) {
    throw new SlackConfigError('SLACK_BOT_TOKEN is not set; copy the Bot User OAuth Token (xoxb-…) from the app\'s "OAuth & Permissions" page');
  }
  if (!botToken.startsWith('xoxb-')) {
    throw new SlackConfigError('SLACK_BOT_TOKEN does not look like a bot token; it must start with "xoxb-" (Bot User OAuth Token)');
  }
  const appToken = env.SLACK_APP_TOKEN?.trim() || undefined;
  if (appToken && !appToken.startsWith('xapp-')) {
    throw new SlackConfigError('SLACK_APP_TOKEN does not look like an app-level token; it must start with "xapp-" (scope connections:write)');
  }
  const signingSecret = env.SLACK_SIGNING_SECRET?.trim() || undefined;
  if (!appToken && !signingSecret) {
    throw new SlackConfigError(
      'set SLACK_APP_TOKEN (Socket Mode, no public URL needed) or SLACK_SIGNING_SECRET (HTTP mode on /slack/events)',
    );
  }
  return {
    mode: appToken ? 'socket' : 'http',
    botToken,
    ...(appToken ? { appToken } : {}),
    ...(signingSecret ? { signingSecret } : {}),
    port: parsePort(env.SLACK_PORT ?? env.PORT),
    ...(env.ALERT_CHANNEL?.trim() ? { alertChannel: env.ALERT_CHANNEL.trim() } : {}),
    lookupUserGroups: parseFlag('SLACK_LOOKUP_USERGROUPS', env.SLACK_LOOKUP_USERGROUPS, false),
    uploadFiles: parseFlag('SLACK_UPLOAD_FILES', env.SLACK_UPLOAD_FILES, true),
    commandConcurrency: parseConcurrency(env.SLACK_COMMAND_CONCURRENCY),
  };
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_SLACK_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SlackConfigError(`SLACK_PORT "${raw}" is not a port; use an integer from 0 to 65535 (default ${DEFAULT_SLACK_PORT})`);
  }
  return port;
}

function parseFlag(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new SlackConfigError(`${name} "${raw}" is not a yes/no value; use true or false`);
}

function parseConcurrency(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_COMMAND_CONCURRENCY;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new SlackConfigError(`SLACK_COMMAND_CONCURRENCY="${value}" is not a whole number from 1 to 1000`);
  }
  return n;
}
