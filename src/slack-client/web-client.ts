// The one Slack Web API client setup, shared by the bot transport (Bolt builds its client from these options) and
// the alerter (which builds its own client with them). A rate-limited call throws instead of pausing every call for
// up to 30 minutes: the caller decides whether to skip, postpone or queue it. Retries are the caller's choice too
// (none by default: the alerter's channel queue retries, bounded and counted).
import { WebClient } from '@slack/web-api';
import type { RetryOptions, WebClientOptions } from '@slack/web-api';

export type { WebClient };

export interface SlackClientOptions {
  /** Web API base URL, for tests and Enterprise Grid proxies; default $SLACK_API_URL, else https://slack.com/api/. */
  slackApiUrl?: string;
  /** Retries for failed calls (not 429s); default none. */
  retryConfig?: RetryOptions;
  /** Where SLACK_API_URL is read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The client's own log lines (default: the SDK's console logger). */
  logger?: WebClientOptions['logger'];
}

export function slackClientOptions(options: SlackClientOptions = {}): WebClientOptions {
  const slackApiUrl = options.slackApiUrl || (options.env ?? process.env).SLACK_API_URL;
  return {
    rejectRateLimitedCalls: true,
    retryConfig: options.retryConfig ?? { retries: 0 },
    ...(slackApiUrl ? { slackApiUrl } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  };
}

export function createSlackWebClient(token: string, options: SlackClientOptions = {}): WebClient {
  return new WebClient(token, slackClientOptions(options));
}
