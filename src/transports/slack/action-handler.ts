// Clicks on a confirmation's buttons. Acknowledge first; hand the token to the runner with the CLICKING user as
// caller (the runner decides whether that user may confirm, and honours a token at most once on any replica);
// then make sure the buttons are gone so the same message cannot be answered twice from the UI.
import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import { callerFromAction } from './caller.js';
import { CANCEL_ACTION_ID, CONFIRM_ACTION_ID, CONFIRMATION_BLOCK_ID, type RenderedMessage, type SlackBlock } from './block-kit.js';
import { escapeMrkdwn } from './mrkdwn.js';
import { unexpectedFailure } from './command-handler.js';
import type { HandlerDeps } from './deps.js';
import { ProgressMessage } from './progress-message.js';
import { ResponseUrl } from './response-url.js';
import { isRedelivery, type RetryContext } from './retries.js';
import { SlackReply } from './slack-reply.js';

type Decision = 'confirm' | 'cancel';

export function registerConfirmationActions(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: CONFIRM_ACTION_ID }, async (args) => {
    await args.ack();
    await deps.inFlight.track(onClick(deps, 'confirm', args.body, args.action, args.respond, args.context as RetryContext));
  });
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: CANCEL_ACTION_ID }, async (args) => {
    await args.ack();
    await deps.inFlight.track(onClick(deps, 'cancel', args.body, args.action, args.respond, args.context as RetryContext));
  });
}

async function onClick(
  deps: HandlerDeps,
  decision: Decision,
  body: BlockAction<ButtonAction>,
  action: ButtonAction,
  respond: RespondFn,
  context: RetryContext,
): Promise<void> {
  const { api, logger, metrics } = deps;
  const label = decision === 'confirm' ? 'confirm' : 'cancel';
  if (isRedelivery(context)) {
    logger.warn({ action: label, user: body.user.id, retryNum: context.retryNum }, 'ignored a redelivered button click');
    metrics?.commandsTotal.inc({ command: label, result: 'ignored_retry' });
    return;
  }
  const channel = body.channel?.id ?? body.container?.channel_id;
  const messageTs = body.message?.ts ?? body.container?.message_ts;
  const token = action.value ?? '';
  const responseUrl = new ResponseUrl(respond as unknown as (m: Record<string, unknown>) => Promise<unknown>);
  if (!channel || !messageTs || !token) {
    logger.warn({ action: label, user: body.user.id }, 'button click without channel, message or token; ignored');
    return;
  }
  const surface = new ProgressMessage({
    api,
    channel,
    existing: { channel, ts: messageTs },
    fallback: responseUrl,
    fallbackReplacesOriginal: true,
    minIntervalMs: deps.updateIntervalMs,
    beforeSend: () => deps.work.whenQuiet(),
    logger,
  });
  const reply = new SlackReply({
    api,
    channel,
    user: body.user.id,
    surface,
    responseUrl,
    ephemeralVia: 'chat',
    uploadFiles: deps.uploadFiles,
    logger,
  });

  if (!(await deps.clickGuard.claim(token))) {
    metrics?.commandsTotal.inc({ command: label, result: 'duplicate_click' });
    await reply.result({
      tone: 'info',
      title: 'This confirmation has already been answered',
      ephemeral: true,
      blocks: [{ type: 'text', text: 'Nothing more was done.' }],
    });
    return;
  }

  const stopTimer = metrics?.commandDurationSeconds.startTimer({ command: label });
  let refused = true;
  try {
    refused = await runDecision(deps, decision, token, body, reply);
    // Anything but a refusal took the click: make sure its buttons are gone even if the runner only
    // answered privately.
    if (!refused && !reply.shownPublicly) await surface.show(answeredCopy(body, decision), true);
  } finally {
    deps.clickGuard.finish(token, !refused);
  }
  stopTimer?.();
  const result = refused ? 'refused' : decision === 'confirm' ? 'confirmed' : 'cancelled';
  metrics?.commandsTotal.inc({ command: label, result });
  logger.info({ action: label, user: body.user.id, channel, result }, 'confirmation click handled');
}

/** Runs the click through the runner; true when it was refused (wrong user, expired, already done, crash). */
async function runDecision(deps: HandlerDeps, decision: Decision, token: string, body: BlockAction<ButtonAction>, reply: SlackReply): Promise<boolean> {
  const groups = deps.userGroups ? await deps.userGroups.groupsOf(body.user.id) : undefined;
  const caller = callerFromAction(body, groups);
  try {
    if (decision === 'confirm') await deps.runner.confirm(token, caller, reply);
    else await deps.runner.cancel(token, caller, reply);
  } catch (err) {
    deps.logger.error({ err, action: decision, user: body.user.id }, 'confirmation failed unexpectedly');
    await reply.result(unexpectedFailure(decision, err));
    await reply.settled();
    return true;
  }
  await reply.settled();
  // The runner refuses privately: a danger answer (wrong user, bad token) or one marked refused whatever its tone
  // (a stale click: "already done, or the instance changed" is a warning). The buttons then stay, and nothing in
  // the channel says "Confirmed".
  return !reply.shownPublicly && (reply.resultTone === 'danger' || reply.resultFailure === 'refused');
}

/** The clicked message without its buttons, saying who answered (used when the runner posted nothing public). */
function answeredCopy(body: BlockAction<ButtonAction>, decision: Decision): RenderedMessage {
  const original = (body.message?.blocks ?? []) as SlackBlock[];
  const kept = original.filter((block) => block.block_id !== CONFIRMATION_BLOCK_ID).slice(0, 49);
  const verb = decision === 'confirm' ? 'Confirmed' : 'Cancelled';
  const who = /^[UW][A-Z0-9]+$/.test(body.user.id) ? `<@${body.user.id}>` : escapeMrkdwn(body.user.id);
  return {
    text: `${verb} by ${body.user.username ?? body.user.id}`,
    blocks: [...kept, { type: 'context', elements: [{ type: 'mrkdwn', text: `${verb} by ${who}` }] }],
  };
}
