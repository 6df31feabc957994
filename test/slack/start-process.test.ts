// The real CLI `start` as a child process (the sources through the swc loader, never a stale dist/), with fake Slack
// tokens and SLACK_API_URL pointing at the loopback Slack in this process: it connects over Socket Mode, takes a
// command, and on SIGTERM stops taking commands, lets the running one finish and exits 0 without falling into the
// local console.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FAKE_BOT_TOKEN, waitFor } from './helpers/harness.js';
import { SlackApiServer } from './helpers/slack-api-server.js';

const loader = fileURLToPath(new URL('../support/ts-loader/register.mjs', import.meta.url));
const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

let slack: SlackApiServer;
let work: string;
let child: ChildProcess | undefined;

beforeEach(async () => {
  slack = await SlackApiServer.start();
  work = mkdtempSync(join(tmpdir(), 'start-process-'));
});
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await slack.close();
  rmSync(work, { recursive: true, force: true });
});

function startCli(): { out: () => string; err: () => string; exited: Promise<{ code: number | null; signal: string | null }> } {
  let out = '';
  let err = '';
  child = spawn(process.execPath, ['--import', loader, main, 'start', '--dir', join(work, 'target')], {
    env: {
      PATH: process.env.PATH,
      HOME: work,
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_APP_TOKEN: 'xapp-1-A0TEST001-0000-not-real',
      SLACK_API_URL: slack.apiUrl,
      HEALTH_PORT: '0',
      LOG_LEVEL: 'info',
      JENKINS_CHATOPS_HISTORY: join(work, 'history'),
    },
    // No input: if the console ever started it would print its banner and end at once.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child!.on('exit', (code, signal) => resolve({ code, signal })));
  return { out: () => out, err: () => err, exited };
}

describe('jenkins-chatops start (Socket Mode) as a process', () => {
  it('on SIGTERM finishes the running command, then exits 0 without starting the console', async () => {
    const cli = startCli();
    await waitFor(() => cli.out().includes('Slack bot connected over Socket Mode'), 'the bot to connect', 15_000);
    expect(slack.callsOf('apps.connections.open')).toHaveLength(1);

    // A command whose answer is held in Slack: it is still running when SIGTERM comes.
    const release = slack.hold('response_url');
    await slack.deliver(SlackApiServer.slashCommandEnvelope('help', { responseUrl: slack.commandResponseUrl }));
    await waitFor(() => slack.responses.length === 1, 'the answer to reach Slack (held)');
    child!.kill('SIGTERM');
    await waitFor(() => cli.out().includes('waiting for running commands to finish'), 'the drain to begin', 15_000);
    release();

    const { code, signal } = await cli.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(cli.out()).toContain('"msg":"stopped"');
    expect(cli.out() + cli.err()).not.toMatch(/jenkins-chatops console|Type `help`|starting the console/);
    expect(slack.responses[0]!.body).toMatchObject({ response_type: 'ephemeral' });
  }, 40_000);
});
