// The command layer on the real Operations over a directory target: plans, digests and messages as users get them.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { TokenSigner } from '../../src/commands/confirmation-token.js';
import { createCommandRunner } from '../../src/commands/create-runner.js';
import { Policy } from '../../src/commands/policy.js';
import type { CommandRunner } from '../../src/commands/runner.js';
import { DirectoryTarget } from '../../src/targets/directory/directory-target.js';
import { createOperations } from '../../src/operations/index.js';
import { alice, RecordingReply, textOf } from './recording-reply.js';

let dir: string;
let runner: CommandRunner;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cmd-dir-'));
  runner = createCommandRunner({
    operations: createOperations(new DirectoryTarget(dir)),
    policy: new Policy({ deployers: { users: [alice.userId], groups: [] } }),
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
    expect(reply.last).toMatchObject({ tone: 'success', title: 'ci created and ready' });
    expect(reply.progresses.length).toBeGreaterThan(2);
    expect(textOf(reply.progresses.at(-1)!)).toContain('statefulset-ci.yaml');
    expect(readdirSync(join(dir, 'ci', 'manifests'))).toContain('09-statefulset-ci.yaml');
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
    expect(existsSync(join(dir, 'ci', 'manifests', '09-statefulset-ci.yaml'))).toBe(false);
    expect((await confirm(question.token)).last.title).toBe('Not done');
  });

  it('reports spec errors from the real spec with nothing written', async () => {
    const reply = await run('deploy ci storage=static:10Gi');
    expect(reply.last).toMatchObject({ tone: 'danger', ephemeral: true });
    expect(textOf(reply.last)).toContain('persistence.hostPath: static persistence needs hostPath');
    expect(existsSync(join(dir, 'ci'))).toBe(false);
  });
});
