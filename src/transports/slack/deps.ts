// What the Slack handlers need, assembled once by startSlackBot.
import type { CommandRunner } from '../../commands/runner.js';
import type { Logger } from '../../observability/logger.js';
import type { BotMetrics } from '../../observability/metrics.js';
import type { UserGroupLookup } from './caller.js';
import type { ClickGuard } from './click-guard.js';
import type { InFlight } from './in-flight.js';
import type { WorkQueue } from './work-queue.js';
import type { SlackApi } from './slack-api.js';

export interface HandlerDeps {
  runner: CommandRunner;
  api: SlackApi;
  logger: Logger;
  metrics?: BotMetrics;
  userGroups?: UserGroupLookup;
  clickGuard: ClickGuard;
  /** Work still running, drained on shutdown. */
  inFlight: InFlight;
  /** Paces command work after the acks. */
  work: WorkQueue;
  /** Minimum time between two edits of one progress message. */
  updateIntervalMs: number;
  uploadFiles: boolean;
  /** False until Slack answered at start-up (auth.test): commands are then refused in the ack itself. */
  slackAnswered?: () => boolean;
}
