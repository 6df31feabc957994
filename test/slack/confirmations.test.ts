import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Caller, Confirmation, Reply } from '../../src/commands/model.js';
import { message } from '../../src/commands/messages.js';
import { FakeRunner, startTestBot, waitFor, type TestBot } from './helpers/harness.js';
import { CHANNEL_ID, REQUESTER, blockActionsBody, slashCommandBody } from './helpers/payloads.js';
import { SlackApiServer, blockTexts } from './helpers/slack-api-server.js';

const OTHER_USER = 'U0MALLORY';
const TOKEN = 'c1.eyJjb21tYW5kIjoic2NhbGUgY2kgMyJ9.signature-for-tests';

const confirmation: Confirmation = {
  message: { tone: 'warning', title: 'Scale ci to 3 controllers?', blocks: [{ type: 'text', text: 'Controllers share nothing: each has its own jobs and history.' }] },
  confirmLabel: 'Scale to 3',
  cancelLabel: 'Cancel',
  token: TOKEN,
};

/** A runner that asks for confirmation, and honours a token only from its requester and only once. */
function confirmingRunner(): FakeRunner {
  const used = new Set<string>();
  const refuse = (reply: Reply, why: string) => reply.result({ tone: 'danger', title: why, ephemeral: true, blocks: [] });
  return new FakeRunner({
    handle: async (_text, _caller, reply) => reply.confirm(confirmation),
    confirm: async (token: string, caller: Caller, reply: Reply) => {
      if (caller.userId !== REQUESTER) return refuse(reply, `Only <@${REQUESTER}> may confirm this`);
      if (used.has(token)) return refuse(reply, 'Already done');
      used.add(token);
      await reply.progress({ tone: 'info', title: 'Scaling ci to 3', blocks: [] });
      await reply.result({ tone: 'success', title: 'ci now runs 3 controllers', blocks: [] });
    },
    cancel: async (_token, caller, reply) => reply.result({ tone: 'info', title: `Cancelled by ${caller.userId}`, blocks: [] }),
  });
}

let slack: SlackApiServer;
let testBot: TestBot | undefined;
beforeEach(async () => {
  slack = await SlackApiServer.start();
});
afterEach(async () => {
  await testBot?.stop();
  testBot = undefined;
  await slack?.close();
});

async function askForConfirmation(runner: FakeRunner): Promise<{ ts: string; blocks: unknown[] }> {
  testBot = await startTestBot(runner, { SLACK_API_URL: slack.apiUrl });
  await testBot.post(slashCommandBody('scale ci 3', { responseUrl: slack.commandResponseUrl }));
  await waitFor(() => slack.callsOf('chat.postMessage').length === 1, 'the confirmation');
  const posted = slack.callsOf('chat.postMessage')[0]!;
  return { ts: '1700000000.000001', blocks: posted.args.blocks as unknown[] };
}

describe('confirmation buttons', () => {
  it('shows Block Kit buttons carrying the token; a click runs runner.confirm as the CLICKING user and replaces the buttons', async () => {
    const runner = confirmingRunner();
    const { ts, blocks } = await askForConfirmation(runner);
    const actions = (blocks as Array<{ type: string; block_id?: string; elements?: Array<Record<string, unknown>> }>).find((b) => b.type === 'actions');
    expect(actions).toMatchObject({
      block_id: 'jenkins_confirmation',
      elements: [
        { type: 'button', action_id: 'jenkins_confirm', value: TOKEN, style: 'danger', text: { type: 'plain_text', text: 'Scale to 3' } },
        { type: 'button', action_id: 'jenkins_cancel', value: TOKEN, text: { type: 'plain_text', text: 'Cancel' } },
      ],
    });

    const res = await testBot!.post(blockActionsBody({ responseUrl: slack.actionResponseUrl, user: REQUESTER, userName: 'alice', actionId: 'jenkins_confirm', token: TOKEN, messageTs: ts, blocks }));
    expect(res.status).toBe(200);
    await waitFor(() => slack.callsOf('chat.update').at(-1)?.args.text === 'ci now runs 3 controllers', 'the result');

    expect(runner.calls.find((c) => c.kind === 'confirm')).toEqual({
      kind: 'confirm',
      arg: TOKEN,
      caller: { userId: REQUESTER, userName: 'alice', channel: CHANNEL_ID, transport: 'slack' },
    });
    // The confirmation message itself became the progress message: no second message, no buttons left.
    expect(slack.callsOf('chat.postMessage')).toHaveLength(1);
    for (const update of slack.callsOf('chat.update')) {
      expect(update.args).toMatchObject({ channel: CHANNEL_ID, ts });
      expect(blockTexts(update.args.blocks)).not.toContain('jenkins_confirm');
    }
  });

  it('refuses a click from a user the runner does not allow: nothing executed, buttons stay for the requester', async () => {
    const runner = confirmingRunner();
    const { ts, blocks } = await askForConfirmation(runner);
    await testBot!.post(blockActionsBody({ responseUrl: slack.actionResponseUrl, user: OTHER_USER, actionId: 'jenkins_confirm', token: TOKEN, messageTs: ts, blocks }));
    await waitFor(() => slack.callsOf('chat.postEphemeral').length === 1, 'the refusal');
    expect(slack.callsOf('chat.postEphemeral')[0]!.args).toMatchObject({ channel: CHANNEL_ID, user: OTHER_USER, text: `Only <@${REQUESTER}> may confirm this` });
    expect(runner.calls.find((c) => c.kind === 'confirm')?.caller.userId).toBe(OTHER_USER);
    expect(slack.callsOf('chat.update')).toEqual([]);

    // The requester can still confirm afterwards.
    await testBot!.post(blockActionsBody({ responseUrl: slack.actionResponseUrl, user: REQUESTER, actionId: 'jenkins_confirm', token: TOKEN, messageTs: ts, blocks }));
    await waitFor(() => slack.callsOf('chat.update').at(-1)?.args.text === 'ci now runs 3 controllers', 'the result');
  });

  it('ignores a second click on the same confirmation', async () => {
    const runner = confirmingRunner();
    const { ts, blocks } = await askForConfirmation(runner);
    const click = blockActionsBody({ responseUrl: slack.actionResponseUrl, user: REQUESTER, actionId: 'jenkins_confirm', token: TOKEN, messageTs: ts, blocks });
    await testBot!.post(click);
    await waitFor(() => slack.callsOf('chat.update').at(-1)?.args.text === 'ci now runs 3 controllers', 'the result');
    const updatesAfterFirst = slack.callsOf('chat.update').length;

    await testBot!.post(click);
    await waitFor(() => slack.callsOf('chat.postEphemeral').length === 1, 'the second click answer');
    expect(slack.callsOf('chat.postEphemeral')[0]!.args).toMatchObject({ user: REQUESTER, text: 'This confirmation has already been answered' });
    expect(runner.calls.filter((c) => c.kind === 'confirm')).toHaveLength(1);
    expect(slack.callsOf('chat.update')).toHaveLength(updatesAfterFirst);
  });

  it('a cancel click goes to runner.cancel and removes the buttons', async () => {
    const runner = confirmingRunner();
    const { ts, blocks } = await askForConfirmation(runner);
    await testBot!.post(blockActionsBody({ responseUrl: slack.actionResponseUrl, user: REQUESTER, actionId: 'jenkins_cancel', token: TOKEN, messageTs: ts, blocks }));
    await waitFor(() => slack.callsOf('chat.update').length === 1, 'the cancellation');
    expect(slack.callsOf('chat.update')[0]!.args).toMatchObject({ ts, text: `Cancelled by ${REQUESTER}` });
    expect(blockTexts(slack.callsOf('chat.update')[0]!.args.blocks)).not.toContain('jenkins_confirm');
    expect(runner.calls.map((c) => c.kind)).toEqual(['handle', 'cancel']);
  });

  it('removes the buttons even when the runner answers an accepted click only privately', async () => {
    const runner = new FakeRunner({
      handle: async (_t, _c, reply) => reply.confirm(confirmation),
      confirm: async (_t, _c, reply) => reply.result({ tone: 'success', title: 'Done (details sent to you)', ephemeral: true, blocks: [] }),
    });
    const { ts, blocks } = await askForConfirmation(runner);
    await testBot!.post(blockActionsBody({ responseUrl: slack.actionResponseUrl, user: REQUESTER, actionId: 'jenkins_confirm', token: TOKEN, messageTs: ts, blocks }));
    await waitFor(() => slack.callsOf('chat.update').length === 1, 'the buttons to go');
    const update = slack.callsOf('chat.update')[0]!;
    expect(blockTexts(update.args.blocks)).not.toContain('jenkins_confirm');
    expect(blockTexts(update.args.blocks)).toContain(`Confirmed by <@${REQUESTER}>`);
    expect(blockTexts(update.args.blocks)).toContain('Controllers share nothing');
  });

  it('does not run a redelivered click twice', async () => {
    const runner = confirmingRunner();
    const { ts, blocks } = await askForConfirmation(runner);
    const click = blockActionsBody({ responseUrl: slack.actionResponseUrl, user: REQUESTER, actionId: 'jenkins_confirm', token: TOKEN, messageTs: ts, blocks });
    await testBot!.post(click, { headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' } });
    await waitFor(() => testBot!.logs().includes('ignored a redelivered button click'), 'the retry to be seen');
    expect(runner.calls.filter((c) => c.kind === 'confirm')).toEqual([]);
  });

  it('a stale click (refused as the runner refuses one whose instance changed: a private warning) never shows "Confirmed" in the channel and keeps the buttons', async () => {
    // The command runner answers a click on a question whose instance changed since with an ephemeral *warning*
    // marked refused (not danger): src/commands/create-runner.ts, "already done, or the instance changed".
    const stale = 'already done, or the instance changed since this was asked; run the command again to see the current plan';
    const runner = new FakeRunner({
      handle: async (_t, _c, reply) => reply.confirm(confirmation),
      confirm: async (_t, _c, reply) => reply.result(message('warning', 'Not done', [{ type: 'text', text: stale }], { ephemeral: true, failure: 'refused' })),
    });
    const { ts, blocks } = await askForConfirmation(runner);
    const writesBefore = slack.channelWrites().length;
    await testBot!.post(blockActionsBody({ responseUrl: slack.actionResponseUrl, user: REQUESTER, actionId: 'jenkins_confirm', token: TOKEN, messageTs: ts, blocks }));
    await waitFor(() => testBot!.logs().includes('confirmation click handled'), 'the click to be handled');
    expect(testBot!.logs()).toContain('"action":"confirm","user":"U0ALICE01","channel":"C0TEST001","result":"refused"');
    // The refusal went to the clicking user only, saying why.
    expect(slack.callsOf('chat.postEphemeral')).toHaveLength(1);
    expect(slack.callsOf('chat.postEphemeral')[0]!.args).toMatchObject({ user: REQUESTER, channel: CHANNEL_ID, text: 'Not done' });
    // Nothing was written to the channel for the stale click: no "Confirmed by", no success, the buttons kept.
    expect(slack.channelWrites().slice(writesBefore)).toEqual([]);
    expect(JSON.stringify(slack.channelWrites())).not.toMatch(/Confirmed by/);

    // Clicking again is refused again, privately (the click guard let go of the refused token).
    await testBot!.post(blockActionsBody({ responseUrl: slack.actionResponseUrl, user: REQUESTER, actionId: 'jenkins_confirm', token: TOKEN, messageTs: ts, blocks }));
    await waitFor(() => slack.callsOf('chat.postEphemeral').length === 2, 'the second refusal');
    expect(slack.channelWrites().slice(writesBefore)).toEqual([]);
  });
});
