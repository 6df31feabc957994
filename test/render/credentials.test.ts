// Credentials from Secrets the user made: each Secret key lands in the controller's secrets folder as its own file,
// and the generated JCasC reads those files by generated references while the user's text stays literal.
import { describe, expect, it } from '@jest/globals';
import { load } from 'js-yaml';
import { SpecError } from '../../src/instance/index.js';
import { cascOf, jcascLiteral, jcascResolve, objectOf, render, UNESCAPED_REFERENCE, type Loose } from '../helpers/render.js';

const SECRETS = '/run/secrets/additional';

const credentials = [
  { id: 'git-bot', type: 'usernamePassword', secret: 'git-bot', description: 'pushes tags' },
  { id: 'slack-token', type: 'secretText', secret: 'chat' },
  { id: 'deploy-key', type: 'sshPrivateKey', secret: 'deploy-key' },
  { id: 'kubeconfig', type: 'file', secret: 'prod-kubeconfig' },
];

/** The files a controller would have in its secrets folder if the kubelet projected the volume as rendered. */
function projectedFiles(bundle: ReturnType<typeof render>, secrets: Record<string, Record<string, string>>): Record<string, string> {
  const pod = (objectOf(bundle, 'StatefulSet') as Loose).spec.template.spec;
  const mount = pod.containers.find((c: Loose) => c.name === 'jenkins').volumeMounts.find((m: Loose) => m.mountPath === SECRETS);
  const volume = pod.volumes.find((v: Loose) => v.name === mount.name);
  const files: Record<string, string> = {};
  for (const source of volume.projected.sources) {
    const data = secrets[source.secret.name] ?? {};
    if (!source.secret.items) Object.assign(files, data);
    for (const item of source.secret.items ?? []) {
      if (item.key in data) files[item.path] = data[item.key]!;
      else if (!source.secret.optional) throw new Error(`the kubelet would fail the pod: ${source.secret.name} has no ${item.key}`);
    }
  }
  return files;
}

/** What JCasC makes of a value: `${NAME}` from the secrets folder (trimmed), `${readFile:…}` / `${readFileBase64:…}` whole. */
function jcascValue(text: string, files: Record<string, string>): string {
  const env: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    env[name] = content.trim();
    env[`readFile:${SECRETS}/${name}`] = content;
    env[`readFileBase64:${SECRETS}/${name}`] = Buffer.from(content).toString('base64');
  }
  return jcascResolve(text, env);
}

const entries = (bundle: ReturnType<typeof render>): Loose[] => cascOf(bundle).credentials.system.domainCredentials[0].credentials;

describe('credentials', () => {
  const secrets = {
    'ci-admin': { 'jenkins-admin-user': 'admin', 'jenkins-admin-password': 'pw' },
    'git-bot': { username: 'bot\n', password: 's3cret\n', unrelated: 'never mounted' },
    chat: { text: 'xoxb-1' },
    'deploy-key': { username: 'git', privateKey: '-----BEGIN KEY-----\nabc\n-----END KEY-----\n' },
    'prod-kubeconfig': { fileName: 'kubeconfig', data: 'apiVersion: v1\n' },
  };

  it('gives Jenkins each credential, its values read from the Secrets through the secrets folder', () => {
    const bundle = render({ name: 'ci', credentials });
    const files = projectedFiles(bundle, secrets);
    const [git, slack, ssh, file] = entries(bundle);
    expect(git.usernamePassword).toMatchObject({ scope: 'GLOBAL', id: 'git-bot', description: 'pushes tags' });
    expect(jcascValue(git.usernamePassword.username, files)).toBe('bot');
    expect(jcascValue(git.usernamePassword.password, files)).toBe('s3cret');
    expect(jcascValue(slack.string.secret, files)).toBe('xoxb-1');
    expect(ssh.basicSSHUserPrivateKey.id).toBe('deploy-key');
    expect(jcascValue(ssh.basicSSHUserPrivateKey.username, files)).toBe('git');
    // The key whole, final newline included; no passphrase in the Secret reads as none.
    expect(jcascValue(ssh.basicSSHUserPrivateKey.privateKeySource.directEntry.privateKey, files)).toBe(secrets['deploy-key'].privateKey);
    expect(jcascValue(ssh.basicSSHUserPrivateKey.passphrase, files)).toBe('');
    expect(jcascValue(file.file.fileName, files)).toBe('kubeconfig');
    expect(Buffer.from(jcascValue(file.file.secretBytes, files), 'base64').toString()).toBe('apiVersion: v1\n');
    // The admin login still reads its own files; keys no credential asks for are not mounted.
    expect(jcascValue(cascOf(bundle).jenkins.securityRealm.local.users[0].password, files)).toBe('pw');
    expect(Object.values(files)).not.toContain('never mounted');
  });

  it('with an SSH passphrase in the Secret, Jenkins gets it', () => {
    const bundle = render({ name: 'ci', credentials: [credentials[2]] });
    const files = projectedFiles(bundle, { ...secrets, 'deploy-key': { ...secrets['deploy-key'], passphrase: 'open sesame\n' } });
    expect(jcascValue(entries(bundle)[0].basicSSHUserPrivateKey.passphrase, files)).toBe('open sesame');
  });

  it('never writes a secret value into a rendered object', () => {
    const bundle = render({ name: 'ci', credentials });
    const all = bundle.objects.map((o) => o.yaml).join('\n');
    for (const value of ['s3cret', 'xoxb-1', 'BEGIN KEY']) expect(all).not.toContain(value);
  });

  it('keeps the admin Secret a plain secret volume when there are no credentials', () => {
    const pod = (objectOf(render({ name: 'ci' }), 'StatefulSet') as Loose).spec.template.spec;
    expect(pod.volumes.find((v: Loose) => v.name === 'admin-secret')).toEqual({ name: 'admin-secret', secret: { secretName: 'ci-admin' } });
    expect(cascOf(render({ name: 'ci' })).credentials).toBeUndefined();
  });

  it('keeps a description literal: a newline makes no key and ${…} is not interpolated', () => {
    const description = 'line one\npassword: ${jenkins-admin-password}\n  id: other';
    const bundle = render({ name: 'ci', credentials: [{ ...credentials[0], description }] });
    const git = entries(bundle)[0].usernamePassword;
    expect(Object.keys(git).sort()).toEqual(['description', 'id', 'password', 'scope', 'username']);
    expect(jcascLiteral(git.description)).toBe(description);
    expect(UNESCAPED_REFERENCE.test(git.description)).toBe(false);
    // The ConfigMap carries the same document.
    expect((load((objectOf(bundle, 'ConfigMap', 'ci-casc') as Loose).data['jenkins.yaml']) as Loose).credentials).toEqual(cascOf(bundle).credentials);
  });

  it('refuses bad credentials, naming the key and what is allowed', () => {
    const bad = (c: object) => () => render({ name: 'ci', credentials: [c] });
    expect(bad({ id: 'a b', type: 'secretText', secret: 'x' })).toThrow(/credentials\[0\]\.id: a credential id is letters, digits/);
    expect(bad({ id: 'a', type: 'certificate', secret: 'x' })).toThrow(/credentials\[0\]\.type: type must be one of usernamePassword, secretText, sshPrivateKey, file/);
    expect(bad({ id: 'a', type: 'file', secret: 'Not_A_Name' })).toThrow(/credentials\[0\]\.secret: secret must be the name of a Secret/);
    expect(bad({ id: 'a', type: 'file', secret: 'x', scope: 'SYSTEM' })).toThrow(/unknown key 'scope'/);
    expect(() => render({ name: 'ci', credentials: [credentials[0], { ...credentials[1], id: 'git-bot' }] })).toThrow(/credentials\[1\]\.id: duplicates credentials\[0\]\.id/);
  });

  it("refuses the instance's own Secrets (admin password, reload token)", () => {
    for (const secret of ['ci-admin', 'ci-casc-reload-token']) {
      expect(() => render({ name: 'ci', credentials: [{ id: 'x', type: 'secretText', secret }] })).toThrow(SpecError);
    }
    expect(() => render({ name: 'ci', controller: { adminSecret: 'team-admin' }, credentials: [{ id: 'x', type: 'secretText', secret: 'team-admin' }] }))
      .toThrow(/credentials\[0\]\.secret: is a Secret jenkins-chatops keeps for the instance itself/);
  });

  it('installs the plugins the credential types come from (pinned), and only when credentials are used', () => {
    const plugins = (values: object) => (objectOf(render({ name: 'ci', ...values }), 'StatefulSet') as Loose).spec.template.spec.initContainers
      .find((c: Loose) => c.name === 'install-plugins').args.map((a: string) => a.split(':')[0]);
    expect(plugins({ credentials: [credentials[0]] })).toContain('credentials');
    expect(plugins({ credentials: [credentials[0]] })).not.toContain('ssh-credentials');
    expect(plugins({ credentials })).toEqual(expect.arrayContaining(['credentials', 'plain-credentials', 'ssh-credentials']));
    expect(plugins({})).not.toContain('plain-credentials');
  });

  it('passes the JCasC attribute check and gives every credential its own files', () => {
    const bundle = render({ name: 'ci', credentials });
    const sources = (objectOf(bundle, 'StatefulSet') as Loose).spec.template.spec.volumes.find((v: Loose) => v.name === 'admin-secret').projected.sources;
    const paths = sources.flatMap((s: Loose) => (s.secret.items ?? []).map((i: Loose) => i.path));
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toContain('credential-git-bot-password');
    expect(sources[0]).toEqual({ secret: { name: 'ci-admin' } });
  });
});
