// `deploy … --full` in Slack when the deploy asks first: the whole plan is uploaded as plan.diff into the thread of the
// question (files.getUploadURLExternal, the upload, files.completeUploadExternal), so it can be read before clicking.
// End to end: signed requests through the real Bolt receiver, the real command runner and a directory target, Slack's
// Web API on loopback.
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createCommandRunner } from '../../src/commands/create-runner.js';
import type { Message, Reply } from '../../src/commands/model.js';
import { loadPolicy } from '../../src/commands/policy.js';
import { createOperations } from '../../src/operations/index.js';
import { DirectoryTarget } from '../../src/targets/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { startTestBot, waitFor, type TestBot } from './helpers/harness.js';
import { CHANNEL_ID, REQUESTER, blockActionsBody, slashCommandBody } from './helpers/payloads.js';
import { SlackApiServer, blockTexts } from './helpers/slack-api-server.js';

let work: string;
let slack: SlackApiServer;
let bot: TestBot | undefined;
/** Where the bot sends the file's bytes (the upload_url Slack hands out), recording each body. */
let uploads: Server;
const uploaded: string[] = [];

beforeAll(async () => {
  uploads = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      uploaded.push(body);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK - 1');
    });
  });
  await new Promise<void>((resolve) => uploads.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => uploads.close(() => resolve())));

beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), 'full-plan-'));
  uploaded.length = 0;
  slack = await SlackApiServer.start();
  const operations = createOperations(new DirectoryTarget(work));
  // The instance exists: a change to it asks first.
  await operations.deploy({ instance: 'ci', changes: [{}], actor: { id: 'cli' } });
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await slack.close();
  rmSync(work, { recursive: true, force: true });
});

async function startBot(env: Record<string, string> = {}): Promise<void> {
  const runner = createCommandRunner({
    operations: createOperations(new DirectoryTarget(work)),
    policy: loadPolicy({ CHATOPS_ALLOWED_USERS: REQUESTER }),
    logger: createLogger({ level: 'info', destination: new Writable({ write: (_chunk, _enc, done) => done() }) }),
  });
  bot = await startTestBot(runner, { SLACK_API_URL: slack.apiUrl, ...env });
}

/** The whole plan the runner attaches for `diff ci idle=20 --full` (the same plan the question is about). */
async function wholePlan(): Promise<string> {
  const runner = createCommandRunner({ operations: createOperations(new DirectoryTarget(work)), policy: loadPolicy({}) });
  let answer: Message | undefined;
  const reply: Reply = { progress: async () => undefined, result: async (m) => void (answer = m), confirm: async () => undefined };
  await runner.handle('diff ci idle=20 --full', { userId: 'cli', transport: 'cli' }, reply);
  expect(answer?.attachment?.filename).toBe('plan.diff');
  return answer!.attachment!.content;
}

function uploadUrlFromLoopback(): void {
  const { port } = uploads.address() as AddressInfo;
  slack.failNext('files.getUploadURLExternal', { status: 200, body: { ok: true, upload_url: `http://127.0.0.1:${port}/upload/v1/plan`, file_id: 'F0PLAN001' } });
}

const question = () => slack.callsOf('chat.postMessage')[0]!;
const buttonsOf = (blocks: unknown) => (blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions');

describe('deploy --full asking for confirmation in Slack', () => {
  it('uploads the whole plan as plan.diff into the thread of the question, which keeps its buttons', async () => {
    const plan = await wholePlan();
    await startBot();
    uploadUrlFromLoopback();
    await bot!.post(slashCommandBody('deploy ci idle=20 --full', { responseUrl: slack.commandResponseUrl }));
    await waitFor(() => slack.callsOf('files.completeUploadExternal').length === 1, 'the plan uploaded');

    const asked = question();
    expect(asked.args.text).toBe('Apply these changes to ci?');
    expect(buttonsOf(asked.args.blocks)?.elements?.map((e) => e.action_id)).toEqual(['jenkins_confirm', 'jenkins_cancel']);
    expect(blockTexts(asked.args.blocks)).toContain('Full text attached as plan.diff (in the thread).');
    expect(slack.callsOf('files.getUploadURLExternal')[0]!.args).toMatchObject({ filename: 'plan.diff' });
    expect(slack.callsOf('files.completeUploadExternal')[0]!.args).toMatchObject({
      channel_id: CHANNEL_ID,
      thread_ts: '1700000000.000001',
      files: [{ id: 'F0PLAN001', title: 'plan.diff' }],
    });
    // Every line of the plan, nothing cut: the JCasC change is in it.
    expect(uploaded).toHaveLength(1);
    expect(uploaded[0]).toContain(plan);
    expect(plan).toMatch(/\n\+ +idleMinutes: 20\n/);

    // The question still works: the click deploys the change.
    const token = buttonsOf(asked.args.blocks)!.elements!.find((e) => e.action_id === 'jenkins_confirm')!.value;
    await bot!.post(blockActionsBody({ responseUrl: slack.actionResponseUrl, user: REQUESTER, actionId: 'jenkins_confirm', token, messageTs: '1700000000.000001' }));
    await waitFor(() => readFileSync(join(work, 'ci', 'values.yaml'), 'utf8').includes('20'), 'the change applied');
  });

  it('without file uploads (SLACK_UPLOAD_FILES=false) shows the plan in the question itself', async () => {
    await startBot({ SLACK_UPLOAD_FILES: 'false' });
    await bot!.post(slashCommandBody('deploy ci idle=20 --full', { responseUrl: slack.commandResponseUrl }));
    await waitFor(() => slack.callsOf('chat.postMessage').length === 1, 'the question');
    const text = blockTexts(question().args.blocks);
    expect(text).toContain('plan.diff');
    expect(text).toMatch(/\+ +idleMinutes: 20/);
    expect(buttonsOf(question().args.blocks)).toBeDefined();
    expect(slack.callsOf('files.getUploadURLExternal')).toEqual([]);
  });

  it('shows the plan in the question when Slack refuses the upload', async () => {
    await startBot();
    slack.failNext('files.getUploadURLExternal', { status: 200, body: { ok: false, error: 'not_in_channel' } });
    await bot!.post(slashCommandBody('deploy ci idle=20 --full', { responseUrl: slack.commandResponseUrl }));
    await waitFor(() => slack.callsOf('chat.update').some((c) => /\+ +idleMinutes: 20/.test(blockTexts(c.args.blocks))), 'the plan shown inline');
    const shown = slack.callsOf('chat.update').at(-1)!;
    expect(shown.args.ts).toBe('1700000000.000001');
    expect(buttonsOf(shown.args.blocks)?.elements?.map((e) => e.action_id)).toEqual(['jenkins_confirm', 'jenkins_cancel']);
    expect(blockTexts(shown.args.blocks)).not.toContain('(in the thread)');
  });
});
