// The command layer on the real Operations over a directory target: plans, digests and messages as users get them.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { TokenSigner } from '../../src/commands/confirmation-token.js';
import { createCommandRunner } from '../../src/commands/create-runner.js';
import { parseCommand, type ParsedCommand } from '../../src/commands/grammar.js';
import { exitCodeFor } from '../../src/commands/messages.js';
import type { Caller } from '../../src/commands/model.js';
import { Policy } from '../../src/commands/policy.js';
import type { OperatorRunner } from '../../src/commands/runner.js';
import { DirectoryTarget } from '../../src/targets/directory/directory-target.js';
import { createOperations } from '../../src/operations/index.js';
import { alice, RecordingReply, textOf } from './recording-reply.js';

let dir: string;
let runner: OperatorRunner;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cmd-dir-'));
  runner = createCommandRunner({
    operations: createOperations(new DirectoryTarget(dir)),
    policy: new Policy({ deployers: { users: [alice.userId], groups: [] }, images: ['jenkins/', 'registry.local/'] }),
    signer: new TokenSigner('k'),
    logger: pino({ level: 'silent' }),
  });
});

async function run(line: string): Promise<RecordingReply> {
  const reply = new RecordingReply();
  await runner.handle(line, alice, reply);
  return reply;
}

async function confirm(token: string): Promise<RecordingReply> {
  const reply = new RecordingReply();
  await runner.confirm(token, alice, reply);
  return reply;
}

describe('commands on the directory target', () => {
  it('deploys a new instance at once, writing its manifests, with progress steps', async () => {
    const reply = await run('deploy ci service=NodePort nodePort=30080 agent.cpu=500m agent.memory=500Mi retention=onFailure idle=10');
    expect(reply.last).toMatchObject({ tone: 'success', title: 'ci written as files (dry run: nothing runs)' });
    expect(reply.progresses.length).toBeGreaterThan(2);
    expect(textOf(reply.progresses.at(-1)!)).toContain('statefulset-ci.yaml');
    expect(readdirSync(join(dir, 'ci', 'manifests')).some((f) => /^\d\d-statefulset-ci\.yaml$/.test(f))).toBe(true);
  });

  it('asks before changing an existing instance and honours the confirmation once', async () => {
    await run('deploy ci');
    const question = (await run('deploy ci agent.image=registry.local/jnlp:2 cap=3')).confirmation!;
    expect(textOf(question.message)).toContain('update ConfigMap/ci-casc (jenkins)');
    expect(textOf(question.message)).toMatch(/registry\.local\/jnlp:2/);
    // Asking again gives the same plan digest: a click is honoured on any replica holding the same key.
    const again = (await run('deploy ci agent.image=registry.local/jnlp:2 cap=3')).confirmation!;
    expect(again.token.split('.')[1]).toBeDefined();
    const done = await confirm(question.token);
    expect(done.last.tone).toBe('success');
    const replay = await confirm(again.token);
    expect(replay.last.title).toBe('Not done');
    expect((await run('diff ci agent.image=registry.local/jnlp:2 cap=3')).last.title).toBe('ci: no changes');
  });

  it('shows the JCasC as a file and the password only to the requester', async () => {
    await run('deploy ci');
    const casc = (await run('casc ci')).last;
    expect(casc.attachment?.filename).toBe('jenkins.yaml');
    expect(casc.attachment?.content).toContain('jenkins:');
    const password = (await run('password ci')).last;
    expect(password).toMatchObject({ ephemeral: true, title: 'Admin login for ci' });
  });

  it('deletes after confirmation and refuses the same click again', async () => {
    await run('deploy ci');
    const question = (await run('delete ci --purge')).confirmation!;
    expect((await confirm(question.token)).last.title).toBe('ci deleted');
    expect(existsSync(join(dir, 'ci', 'manifests')) && readdirSync(join(dir, 'ci', 'manifests')).some((f) => f.includes('-statefulset-ci.yaml'))).toBe(false);
    expect((await confirm(question.token)).last.title).toBe('Not done');
  });

  it('a plain delete is honoured once: the same click again finds nothing left to delete', async () => {
    await run('deploy ci');
    const question = (await run('delete ci')).confirmation!;
    expect((await confirm(question.token)).last.title).toBe('ci deleted');
    expect((await confirm(question.token)).last.title).toBe('Not done');
  });

  it('a delete asked before someone changed the instance is refused', async () => {
    await run('deploy ci');
    const question = (await run('delete ci')).confirmation!;
    const change = (await run('deploy ci idle=10')).confirmation!;
    await confirm(change.token);
    expect((await confirm(question.token)).last.title).toBe('Not done');
    expect(existsSync(join(dir, 'ci', 'jenkins.yaml'))).toBe(true);
  });

  it('reports spec errors from the real spec with nothing written', async () => {
    const reply = await run('deploy ci storage=static:10Gi');
    expect(reply.last).toMatchObject({ tone: 'danger', ephemeral: true });
    expect(textOf(reply.last)).toContain('persistence.hostPath: static persistence needs hostPath');
    expect(existsSync(join(dir, 'ci'))).toBe(false);
  });
});

describe('already-parsed commands (the CLI door) with operator input', () => {
  const cli: Caller = { userId: 'cli', transport: 'cli' };
  const withValues = (line: string, values: Record<string, unknown>[], namespace?: string): ParsedCommand =>
    ({ ...parseCommand(line), operator: { values, ...(namespace ? { namespace } : {}) } }) as ParsedCommand;

  async function runParsed(command: ParsedCommand, caller: Caller = cli): Promise<RecordingReply> {
    const reply = new RecordingReply();
    await runner.run(command, caller, reply, 'jenkins-chatops …');
    return reply;
  }

  it('layers values over the stored ones, asks like chat, and the token carries the command (honoured once)', async () => {
    await runParsed(withValues('deploy ci', [{ controller: { javaOpts: '-Xmx1g' } }], 'team'));
    expect(readFileSync(join(dir, 'ci', 'values.yaml'), 'utf8')).toMatch(/namespace: team/);
    const question = (await runParsed(withValues('deploy ci', [{ controller: { javaOpts: '-Xmx2g' } }]))).confirmation!;
    expect(textOf(question.message)).toMatch(/Apply these changes to ci\?[\s\S]*update StatefulSet\/ci \(team\)/);
    const done = new RecordingReply();
    await runner.confirm(question.token, cli, done);
    expect(done.last).toMatchObject({ tone: 'success', title: 'ci rewritten as files (dry run: nothing runs)' });
    expect(readFileSync(join(dir, 'ci', 'values.yaml'), 'utf8')).toMatch(/-Xmx2g/);
    const again = new RecordingReply();
    await runner.confirm(question.token, cli, again);
    expect(again.last).toMatchObject({ title: 'Not done', failure: 'refused' });
  });

  it('refuses operator input from a chat caller, even a deployer, and a chat click on a CLI token', async () => {
    const denied = await runParsed(withValues('deploy ci', [{ controller: { javaOpts: '-Xmx1g' } }]), alice);
    expect(denied.last).toMatchObject({ title: 'Not allowed', failure: 'refused' });
    expect(existsSync(join(dir, 'ci'))).toBe(false);

    await runParsed(parseCommand('deploy ci'));
    const question = (await runParsed(withValues('deploy ci', [{ controller: { javaOpts: '-Xmx2g' } }]))).confirmation!;
    const click = new RecordingReply();
    await runner.confirm(question.token, alice, click);
    expect(click.last).toMatchObject({ title: 'Not allowed' });
    expect(readFileSync(join(dir, 'ci', 'values.yaml'), 'utf8')).not.toMatch(/-Xmx2g/);
  });

  it('maps every kind of answer to one exit code', async () => {
    expect(exitCodeFor((await run('deploy ci')).last)).toBe(0);
    expect(exitCodeFor((await run('status ci')).last)).toBe(0);
    expect(exitCodeFor((await run('scale ci many')).last)).toBe(2);
    expect(exitCodeFor((await run('deploy ci storage=static:10Gi')).last)).toBe(2);
    expect(exitCodeFor((await run('password nobody')).last)).toBe(3);
    expect(exitCodeFor((await run('status nobody')).last)).toBe(3);
    expect(exitCodeFor((await run('scale ci template nosuch 2')).last)).toBe(3);
    expect(exitCodeFor((await run('deploy ci agent.memory=500')).last)).toBe(2);
    const mallory: Caller = { userId: 'UMAL', transport: 'slack', channel: 'COPS' };
    const denied = new RecordingReply();
    await runner.handle('delete ci', mallory, denied);
    expect(exitCodeFor(denied.last)).toBe(2);
    const question = (await run('delete ci')).confirmation!;
    const cancelled = new RecordingReply();
    await runner.cancel(question.token, alice, cancelled);
    expect(exitCodeFor(cancelled.last)).toBe(2);
    expect(exitCodeFor({ tone: 'danger', title: 'The command failed', blocks: [] })).toBe(1);
    expect(exitCodeFor({ tone: 'warning', title: 'ci updated, not ready yet', blocks: [], failure: 'operation' })).toBe(1);
  });
});
