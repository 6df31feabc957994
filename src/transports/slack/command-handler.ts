// `/jenkins …`: acknowledge at once, then run the command through the runner, talking back through one
// progress message (public) or ephemeral messages (errors, help, secrets).
import type { App, RespondFn, SlashCommand } from '@slack/bolt';
import type { Message } from '../../commands/model.js';
import { scrubString } from '../../observability/redact.js';
import { callerFromCommand } from './caller.js';
import type { HandlerDeps } from './deps.js';
import { commandLabel, resultLabel } from './labels.js';
import { ProgressMessage } from './progress-message.js';
import { ResponseUrl } from './response-url.js';
import { isRedelivery, type RetryContext } from './retries.js';
import { SlackReply } from './slack-reply.js';

export const SLASH_COMMAND = '/jenkins';

export const NOT_CONNECTED_YET =
  'jenkins-chatops is starting and cannot reach the Slack API yet, so it could not answer you. Nothing was run; try again in a minute.';

export function registerSlashCommand(app: App, deps: HandlerDeps, name = SLASH_COMMAND): void {
  app.command(name, async ({ ack, command, respond, context }) => {
    // Slack gives 3 seconds; acknowledge before anything else so the user never sees a timeout.
    deps.work.arrived();
    const label = commandLabel(command.text);
    if (deps.slackAnswered && !deps.slackAnswered()) {
      // Nothing could be posted back (the Web API does not answer yet): say so in the ack, which Slack shows the
      // user, instead of acking and dropping the command.
      await ack({ response_type: 'ephemeral', text: NOT_CONNECTED_YET });
      deps.logger.warn({ command: label, user: command.user_id }, 'refused a command: Slack has not answered the bot yet');
      deps.metrics?.commandsTotal.inc({ command: label, result: 'refused' });
      return;
    }
    await ack();
    if (isRedelivery(context as RetryContext)) {
      deps.logger.warn({ command: label, user: command.user_id, retryNum: context.retryNum }, 'ignored a redelivered slash command');
      deps.metrics?.commandsTotal.inc({ command: label, result: 'ignored_retry' });
      return;
    }
    // The work queue lets a burst of deliveries be acknowledged first and worked on second.
    await deps.inFlight.track(deps.work.run(() => runSlashCommand(deps, command, respond, label)));
  });
}

async function runSlashCommand(deps: HandlerDeps, command: SlashCommand, respond: RespondFn, label: string): Promise<void> {
  const { runner, api, logger, metrics } = deps;
  const stopTimer = metrics?.commandDurationSeconds.startTimer({ command: label });
  const groups = deps.userGroups ? await deps.userGroups.groupsOf(command.user_id) : undefined;
  const caller = callerFromCommand(command, groups);
  const responseUrl = new ResponseUrl(respond as unknown as (m: Record<string, unknown>) => Promise<unknown>);
  const surface = new ProgressMessage({
    api,
    channel: command.channel_id,
    fallback: responseUrl,
    minIntervalMs: deps.updateIntervalMs,
    beforeSend: () => deps.work.whenQuiet(),
    logger,
  });
  const reply = new SlackReply({
    api,
    channel: command.channel_id,
    user: command.user_id,
    surface,
    responseUrl,
    ephemeralVia: 'response_url',
    uploadFiles: deps.uploadFiles,
    logger,
  });
  let threw = false;
  try {
    await runner.handle(command.text, caller, reply);
  } catch (err) {
    threw = true;
    logger.error({ err, command: label, user: command.user_id }, 'command failed unexpectedly');
    await reply.result(unexpectedFailure(command.text, err));
  }
  await reply.settled();
  stopTimer?.();
  const result = resultLabel(reply, threw);
  metrics?.commandsTotal.inc({ command: label, result });
  logger.info({ command: label, user: command.user_id, channel: command.channel_id, result }, 'command handled');
}

export function unexpectedFailure(text: string, err: unknown): Message {
  return {
    tone: 'danger',
    title: `Something went wrong running /jenkins ${text}`.trim(),
    ephemeral: true,
    blocks: [
      { type: 'text', text: scrubString(err instanceof Error ? err.message : String(err)) },
      { type: 'context', text: 'Nothing more was done. The details are in the bot\'s logs; try again or ask an admin.' },
    ],
  };
}
