import { beforeEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import type { AuditEvent } from '../../src/commands/audit.js';
import { TokenSigner } from '../../src/commands/confirmation-token.js';
import { createCommandRunner } from '../../src/commands/create-runner.js';
import type { Message } from '../../src/commands/model.js';
import { Policy } from '../../src/commands/policy.js';
import type { CommandRunner } from '../../src/commands/runner.js';
import { FakeOperations } from './fake-operations.js';
import { alice, bob, mallory, RecordingReply, textOf } from './recording-reply.js';

let ops: FakeOperations;
let audits: AuditEvent[];
let clock: number;
let runner: CommandRunner;

beforeEach(() => {
  ops = new FakeOperations();
  audits = [];
  clock = 1_700_000_000_000;
  runner = createCommandRunner({
    operations: ops,
    policy: new Policy({ deployers: { users: [alice.userId, bob.userId], groups: [] }, images: ['jenkins/', 'registry.local/'] }),
    signer: new TokenSigner('test-signing-key', 15 * 60_000, () => clock),
    audit: (event) => { audits.push(event); },
    logger: pino({ level: 'silent' }),
  });
});

async function run(line: string, caller = alice): Promise<RecordingReply> {
  const reply = new RecordingReply();
  await runner.handle(line, caller, reply);
  return reply;
}

async function confirm(token: string, caller = alice): Promise<RecordingReply> {
  const reply = new RecordingReply();
  await runner.confirm(token, caller, reply);
  return reply;
}

async function deployed(name = 'ci'): Promise<void> {
  await run(`deploy ${name}`);
  ops.calls.length = 0;
  audits.length = 0;
}

describe('deploy', () => {
  it('deploys a new instance at once, with one evolving progress message, then the result', async () => {
    const reply = await run('deploy ci service=NodePort');
    expect(reply.seen.map((s) => s.kind)).toEqual(['progress', 'progress', 'progress', 'progress', 'result']);
    const progress = reply.progresses;
    expect(progress.every((m) => m.title === 'Deploying ci…')).toBe(true);
    // Each update is the whole checklist so far: the transport replaces one message with it.
    expect(progress.map((m) => m.blocks.find((b) => b.type === 'list'))).toEqual([
      undefined,
      { type: 'list', items: ['✓ applied 3 objects'] },
      { type: 'list', items: ['✓ applied 3 objects', '✓ pod ci-0 scheduled on node-1'] },
      { type: 'list', items: ['✓ applied 3 objects', '✓ pod ci-0 scheduled on node-1', '✓ ci-0 is ready'] },
    ]);
    expect(reply.last).toMatchObject({ tone: 'success', title: 'ci created and ready' });
    expect(textOf(reply.last)).toContain('✓ ci-0 is ready');
    expect(textOf(reply.last)).toContain('Admin password: generated: `password ci` shows it');
    expect(textOf(reply.last)).toContain('URL: http://ci.jenkins.svc:8080');
    expect(ops.calls).toEqual(['deploy ci']);
    expect(audits).toEqual([expect.objectContaining({ user: 'UALICE', channel: 'COPS', command: 'deploy', instance: 'ci', text: 'deploy ci service=NodePort', result: 'done' })]);
  });

  it('shows the diff of a change to an existing instance and asks before applying it', async () => {
    await deployed();
    const reply = await run('deploy ci replicas=0 agent.image=registry.local/jnlp:2');
    expect(ops.calls).toEqual([]);
    const question = reply.confirmation!;
    expect(question.message.title).toBe('Apply these changes to ci?');
    expect(textOf(question.message)).toContain('update StatefulSet/ci (jenkins)');
    expect(textOf(question.message)).toContain('controller.replicas: 1 → 0');
    expect(textOf(question.message)).toContain('agents.templates[0].jnlpImage: jenkins/inbound-agent:latest-jdk21 → registry.local/jnlp:2');
    expect(question.confirmLabel).toBe('Deploy');
    expect(audits.map((a) => a.result)).toEqual(['awaiting-confirmation']);

    const done = await confirm(question.token);
    expect(done.last).toMatchObject({ tone: 'success', title: 'ci updated and ready' });
    expect(ops.calls).toEqual(['deploy ci']);
    // The list setting kept the template's preset instead of replacing the list with a bare entry.
    expect(ops.instances.get('ci')!.values).toMatchObject({ agents: { templates: [{ preset: 'jnlp', jnlpImage: 'registry.local/jnlp:2' }] } });
    expect(audits.map((a) => a.result)).toEqual(['awaiting-confirmation', 'done']);
  });

  it('honours a confirmation once: a second click finds the plan already applied', async () => {
    await deployed();
    const token = (await run('deploy ci replicas=2')).confirmation!.token;
    await confirm(token);
    const again = await confirm(token);
    expect(again.last).toMatchObject({ tone: 'warning', ephemeral: true, title: 'Not done' });
    expect(textOf(again.last)).toContain('already done, or the instance changed since');
    expect(ops.calls).toEqual(['deploy ci']);
    expect(audits.at(-1)).toMatchObject({ result: 'refused' });
  });

  it('refuses a confirmation when the instance changed since it was asked', async () => {
    await deployed();
    const token = (await run('deploy ci replicas=2')).confirmation!.token;
    // Meanwhile bob scales to 3: the plan alice saw (1 → 2) is no longer what her click would do.
    await confirm((await run('deploy ci replicas=3', bob)).confirmation!.token, bob);
    ops.calls.length = 0;
    const stale = await confirm(token);
    expect(textOf(stale.last)).toContain('already done, or the instance changed since');
    expect(ops.calls).toEqual([]);
  });

  it('refuses a confirmation when someone else changed the instance, even if the plan looks the same', async () => {
    await deployed();
    const token = (await run('deploy ci replicas=2')).confirmation!.token;
    // Meanwhile bob changes something else: alice's plan (1 → 2) reads the same, but she agreed to it on other values.
    await confirm((await run('deploy ci controller.systemMessage=maintenance', bob)).confirmation!.token, bob);
    ops.calls.length = 0;
    const stale = await confirm(token);
    expect(textOf(stale.last)).toContain('already done, or the instance changed since');
    expect(ops.calls).toEqual([]);
  });

  it('asks before creating an instance with more than one controller', async () => {
    const asked = await run('deploy big replicas=2');
    expect(ops.calls.filter((c) => c.startsWith('deploy'))).toEqual([]);
    expect(asked.confirmation!.message.title).toBe('Create big?');
    expect(textOf(asked.confirmation!.message)).toMatch(/independent Jenkins/);
    const done = await confirm(asked.confirmation!.token);
    expect(done.last).toMatchObject({ tone: 'success' });
  });

  it('explains that controllers share nothing when a deploy asks for more than one', async () => {
    await deployed();
    const question = (await run('deploy ci replicas=2')).confirmation!;
    expect(textOf(question.message)).toContain('2 controllers are 2 independent Jenkins');
    const other = (await run('deploy ci cap=3')).confirmation!;
    expect(textOf(other.message)).not.toContain('independent Jenkins');
  });

  it('says there is nothing to change when the settings are already live', async () => {
    await deployed();
    const reply = await run('deploy ci replicas=1');
    expect(reply.confirmation).toBeUndefined();
    expect(reply.last.title).toBe('ci already has these settings: nothing to change');
  });

  it('shows a dry run without changing anything', async () => {
    const reply = await run('deploy ci --dry-run');
    expect(reply.last.title).toBe('Dry run: deploying ci would change');
    expect(textOf(reply.last)).toContain('create StatefulSet/ci (jenkins)');
    expect(ops.instances.size).toBe(0);
  });

  it('turns spec errors into an ephemeral message naming path and allowed values; nothing is deployed', async () => {
    const reply = await run('deploy ci replicas=20 service=Ingress');
    // More than one controller is asked about first, so the spec is checked before any progress is shown.
    expect(reply.seen.map((s) => s.kind)).toEqual(['result']);
    expect(reply.last).toMatchObject({ tone: 'danger', ephemeral: true, title: 'Invalid instance spec' });
    expect(textOf(reply.last)).toContain('controller.replicas: replicas must be at most 10 (got 20)');
    expect(textOf(reply.last)).toContain('service.type: service.type must be ClusterIP, NodePort or LoadBalancer (got "Ingress")');
    expect(ops.instances.size).toBe(0);
    expect(audits.at(-1)).toMatchObject({ result: 'failed' });
  });
});

describe('confirmation clicks', () => {
  it('ignores a click from someone who may not run the command, changing nothing', async () => {
    await deployed();
    const token = (await run('delete ci')).confirmation!.token;
    const reply = await confirm(token, mallory);
    expect(reply.last).toMatchObject({ tone: 'danger', ephemeral: true, title: 'Not allowed' });
    expect(ops.instances.has('ci')).toBe(true);
    expect(audits.at(-1)).toMatchObject({ user: 'UMAL', result: 'denied' });
  });

  it('refuses a click from another deployer: the token is bound to the requester', async () => {
    await deployed();
    const token = (await run('delete ci')).confirmation!.token;
    const reply = await confirm(token, bob);
    expect(textOf(reply.last)).toContain('only the person who asked (UALICE) can confirm this');
    expect(ops.instances.has('ci')).toBe(true);
  });

  it('refuses altered and expired tokens', async () => {
    await deployed();
    const token = (await run('delete ci')).confirmation!.token;
    const [v, , mac] = token.split('.');
    const forged = `${v}.${Buffer.from(JSON.stringify({ command: 'delete ci --purge', user: 'UALICE', plan: 'x', exp: clock + 1000 })).toString('base64url')}.${mac}`;
    expect(textOf((await confirm(forged)).last)).toContain('not signed by me');
    clock += 16 * 60_000;
    expect(textOf((await confirm(token)).last)).toContain('expired');
    expect(ops.instances.has('ci')).toBe(true);
  });

  it('cancels without changing anything', async () => {
    await deployed();
    const token = (await run('delete ci')).confirmation!.token;
    const reply = new RecordingReply();
    await runner.cancel(token, alice, reply);
    expect(reply.last.title).toBe('Cancelled: nothing was changed');
    expect(ops.instances.has('ci')).toBe(true);
    expect(audits.at(-1)).toMatchObject({ result: 'cancelled' });
  });
});

describe('scale', () => {
  it('asks before running more than one controller and explains they share nothing', async () => {
    await deployed();
    const reply = await run('scale ci 3');
    const question = reply.confirmation!;
    expect(question.message.title).toBe('Scale ci to 3 controllers?');
    // Before agreeing: they share nothing, how each is reached, the agent cap per controller, what scaling down keeps.
    expect(textOf(question.message)).toContain('3 controllers are 3 independent Jenkins: they share no jobs');
    expect(textOf(question.message)).toMatch(/each through its own \w+ Service: ci-0, ci-1, ci-2; agents connect back to the controller that started them/);
    expect(textOf(question.message)).toMatch(/3 controllers × cap \d+ = up to \d+ agent pods/);
    expect(textOf(question.message)).toContain('Scaling down keeps each removed controller\'s volume');
    expect(question.confirmLabel).toBe('Scale to 3');
    expect(ops.calls).toEqual([]);
    const done = await confirm(question.token);
    expect(done.last).toMatchObject({ tone: 'success', title: 'ci scaled to 3 controllers and ready' });
    expect(ops.calls).toEqual(['scale ci 3']);
  });

  it('hibernates at once with scale 0 and says the data is kept', async () => {
    await deployed();
    const reply = await run('scale ci 0');
    expect(reply.confirmation).toBeUndefined();
    expect(reply.last.title).toBe('ci is hibernating');
    expect(textOf(reply.last)).toContain('its volume, jobs and configuration are kept');
    expect(ops.calls).toEqual(['scale ci 0']);
  });

  it('changes the agent cap, and a template cap keeping the instance cap', async () => {
    await deployed();
    expect((await run('scale ci agents 20')).last.title).toBe('ci: at most 20 agent pods');
    expect((await run('scale ci template maven 5')).last).toMatchObject({ title: 'ci has no pod template named maven', failure: 'not-found' });
    const stored = ops.instances.get('ci')!;
    stored.values = { ...stored.values, agents: { ...(stored.values.agents as object), templates: [{ preset: 'maven' }, { preset: 'node' }] } };
    expect((await run('scale ci template maven 5')).last.title).toBe('ci: at most 5 maven agent pods');
    expect(ops.calls.filter((c) => c.startsWith('scale'))).toEqual(['scale-agents ci 20', 'scale-agents ci 20 maven=5']);
  });

  it('answers that an unknown instance does not exist', async () => {
    const reply = await run('scale nope 1');
    expect(reply.last).toMatchObject({ tone: 'danger', ephemeral: true, title: 'No instance named nope' });
  });
});

describe('delete', () => {
  it('always asks, says what is kept, and deletes once', async () => {
    await deployed();
    const question = (await run('delete ci')).confirmation!;
    expect(question.message.title).toBe('Delete ci?');
    expect(textOf(question.message)).toContain('Kept: the volumes (jenkins-home-ci-0) with jobs and build history, and the admin password Secret');
    const done = await confirm(question.token);
    expect(done.last).toMatchObject({ tone: 'success', title: 'ci deleted' });
    expect(textOf(done.last)).toContain('Kept: PersistentVolumeClaim/jenkins-home-ci-0');
    const again = await confirm(question.token);
    expect(again.last.title).toBe('Not done');
    expect(ops.calls).toEqual(['delete ci']);
  });

  it('warns what --purge removes, and that hostPath files stay on the node', async () => {
    await deployed();
    const question = (await run('delete ci --purge')).confirmation!;
    expect(question.message).toMatchObject({ tone: 'danger', title: 'Delete ci and all its data?' });
    expect(textOf(question.message)).toContain('--purge also removes the volume claims and volumes (all jobs and build history)');
    expect(textOf(question.message)).toContain('the files stay in the hostPath folder on the node');
    expect(question.confirmLabel).toBe('Delete everything');
  });
});

describe('read-only commands and password', () => {
  it('shows status as fields', async () => {
    await deployed();
    const reply = await run('status ci', mallory);
    const fields = reply.last.blocks.find((b) => b.type === 'fields');
    expect(reply.last.title).toBe('ci: 1/1 controller ready');
    expect(fields).toEqual({ type: 'fields', fields: [
      { label: 'Replicas', value: '1/1 ready' },
      { label: 'Pods', value: 'ci-0 ready' },
      { label: 'Restarts', value: '0' },
      { label: 'Node', value: 'node-1' },
      { label: 'Age', value: '1h1m' },
      { label: 'Volumes', value: 'jenkins-home-ci-0 Bound' },
      { label: 'URL', value: 'http://ci.jenkins.svc:8080' },
      { label: 'Agents', value: '2 running, 1 pending' },
      { label: 'JCasC', value: 'up to date (abc)' },
    ] });
    expect(audits).toEqual([]);
  });

  it('says when there is no such instance, or none at all', async () => {
    expect((await run('status ci')).last.title).toBe('No instance named ci');
    expect((await run('status')).last.title).toBe('No Jenkins instances yet');
  });

  it('lists what a diff would change, or that nothing would', async () => {
    await deployed();
    expect(textOf((await run('diff ci cap=5', mallory)).last)).toContain('agents.containerCap: 10 → 5');
    expect((await run('diff ci')).last.title).toBe('ci: no changes');
    expect(ops.calls).toEqual([]);
  });

  it('sends the JCasC as a jenkins.yaml attachment', async () => {
    await deployed();
    const reply = await run('casc ci', mallory);
    expect(reply.last.attachment).toEqual({ filename: 'jenkins.yaml', content: 'jenkins:\n  systemMessage: "ci"\n' });
  });

  it('lists the presets', async () => {
    const reply = await run('templates');
    expect(textOf(reply.last)).toContain('maven: label "maven" — Maven build agent');
  });

  it('shows the password only to a deployer, ephemerally, and never audits it', async () => {
    await deployed();
    const mine = await run('password ci');
    expect(mine.last).toMatchObject({ ephemeral: true, title: 'Admin login for ci' });
    expect(textOf(mine.last)).toContain('Password: fake-password-for-tests');
    const theirs = await run('password ci', mallory);
    expect(theirs.last).toMatchObject({ tone: 'danger', ephemeral: true, title: 'Not allowed' });
    expect(textOf(theirs.last)).not.toContain('fake-password-for-tests');
    expect(JSON.stringify(audits)).not.toContain('fake-password-for-tests');
    expect(audits.map((a) => [a.user, a.result])).toEqual([['UALICE', 'done'], ['UMAL', 'denied']]);
  });
});

describe('errors and help', () => {
  it('answers unknown input with the usage of every command, ephemerally', async () => {
    const reply = await run('launch ci');
    expect(reply.last).toMatchObject({ tone: 'danger', ephemeral: true, title: "Unknown command 'launch'" });
    expect(textOf(reply.last)).toContain('deploy <name> [key=value …] [--preset <preset>] [--dry-run]');
    expect(textOf(reply.last)).toContain('delete <name> [--purge]');
  });

  it('answers a bad key with the allowed keys', async () => {
    const reply = await run('deploy ci replica=2');
    expect(reply.last).toMatchObject({ tone: 'danger', ephemeral: true });
    expect(reply.last.title).toContain("Unknown key 'replica'; allowed: replicas");
  });

  it('denies a mutating command with the reason and audits the denial', async () => {
    const reply = await run('deploy ci', mallory);
    expect(textOf(reply.last)).toContain('mallory (UMAL) may not run deploy on any instance');
    expect(audits).toEqual([expect.objectContaining({ user: 'UMAL', command: 'deploy', result: 'denied' })]);
    expect(ops.calls).toEqual([]);
  });

  it('gives help for everything, each command and the keys', async () => {
    const all = (await run('help')).last;
    expect(all.ephemeral).toBe(true);
    expect(textOf(all)).toContain('scale <name> <replicas>: Change the number of controllers');
    expect(textOf((await run('help scale')).last)).toContain('scale ci agents 20');
    expect(textOf((await run('help keys')).last)).toContain('agent.memory → agents.templates[0].resources.requests.memory and .limits.memory');
  });

  it('still delivers the result when a progress update fails', async () => {
    const reply = new RecordingReply();
    reply.progress = async () => { throw new Error('rate limited'); };
    await runner.handle('deploy ci', alice, reply);
    expect(reply.last.title).toBe('ci created and ready');
  });

  it('reports a failing operation as an ephemeral danger message and audits the failure', async () => {
    await deployed();
    ops.scaleControllers = async () => { throw new Error('the API server said no'); };
    const reply = await run('scale ci 0');
    expect(reply.last).toMatchObject({ tone: 'danger', title: 'The command failed' });
    expect(textOf(reply.last)).toContain('the API server said no');
    expect(audits.at(-1)).toMatchObject({ result: 'failed' });
  });
});

// Keep the Message type import used for editors that check test files.
export type { Message };
