// The spec's own JCasC files (`jcasc.extra`) beside the generated jenkins.yaml: each becomes a file of the same
// ConfigMap, read literally unless the admin trusts it, and refused where JCasC could not merge it with the
// generated file or where it would undo what the spec generates.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { load } from 'js-yaml';
import { packageRoot, SpecError } from '../../src/instance/index.js';
import { cascOf, jcascLiteral, objectOf, render, UNESCAPED_REFERENCE, type Loose } from '../helpers/render.js';

const cascData = (bundle: ReturnType<typeof render>): Record<string, string> => (objectOf(bundle, 'ConfigMap', 'ci-casc') as Loose).data;
const withExtra = (extra: Record<string, string>, more: object = {}) => render({ name: 'ci', jcasc: { extra, ...more } });

/** The error a render throws (a SpecError expected), as text. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

const JOBS = [
  'jobs:',
  '  - script: >',
  "      pipelineJob('build') { definition { cps { script('echo ${BUILD_ID}') } } }",
  '',
].join('\n');

describe('jcasc.extra', () => {
  it('puts each fragment in the JCasC ConfigMap beside jenkins.yaml, with ${…} read literally', () => {
    const bundle = render({ name: 'ci', controller: { plugins: ['kubernetes', 'configuration-as-code', 'job-dsl:1.92'] }, jcasc: { extra: { jobs: JOBS, mail: 'unclassified:\n  location:\n    adminAddress: "ci@example.com"\n' } } });
    const data = cascData(bundle);
    expect(Object.keys(data)).toEqual(['jenkins.yaml', 'jobs.yaml', 'mail.yaml']);
    const jobs = load(data['jobs.yaml']!) as Loose;
    // JCasC would otherwise replace ${BUILD_ID} (from its environment or secrets) before job-dsl ever saw it.
    expect(UNESCAPED_REFERENCE.test(jobs.jobs[0].script)).toBe(false);
    expect(jcascLiteral(jobs.jobs[0].script)).toBe("pipelineJob('build') { definition { cps { script('echo ${BUILD_ID}') } } }\n");
    expect(load(data['mail.yaml']!)).toEqual({ unclassified: { location: { adminAddress: 'ci@example.com' } } });
    // jenkins.yaml is untouched by the fragments.
    expect(data['jenkins.yaml']).toBe(bundle.casc);
  });

  it('lets JCasC interpolate only in a fragment the admin marks trusted', () => {
    const fragment = 'unclassified:\n  location:\n    adminAddress: "${ADMIN_MAIL}"\n';
    const literal = load(cascData(withExtra({ mail: fragment }))['mail.yaml']!) as Loose;
    expect(literal.unclassified.location.adminAddress).toBe('^${ADMIN_MAIL}');
    const trusted = load(cascData(withExtra({ mail: fragment }, { trusted: ['mail'] }))['mail.yaml']!) as Loose;
    expect(trusted.unclassified.location.adminAddress).toBe('${ADMIN_MAIL}');
    expect(refusal(() => withExtra({ mail: fragment }, { trusted: ['mial'] }))).toMatch(/jcasc\.trusted\[0\]: names no fragment; fragments: mail/);
  });

  it('writes each fragment out again as one plain document: no anchors, aliases, tags or second documents', () => {
    expect(refusal(() => withExtra({ a: 'jenkins: &x {systemMessage: hi}\nunclassified: *x\n' }))).toMatch(/jcasc\.extra\.a: fragment a is not valid YAML/);
    expect(refusal(() => withExtra({ a: 'jenkins: {}\n---\nunclassified: {}\n' }))).toMatch(/fragment a is not valid YAML/);
    expect(refusal(() => withExtra({ a: 'jenkins:\n  systemMessage: !!binary aGk=\n' }))).toMatch(/fragment a is not valid YAML/);
    expect(refusal(() => withExtra({ a: '- jenkins\n' }))).toMatch(/fragment a must be a YAML mapping of JCasC roots/);
    expect(refusal(() => withExtra({ a: '# nothing\n' }))).toMatch(/fragment a is empty/);
    const deep = `jenkins:\n${Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} x\n`;
    expect(refusal(() => withExtra({ a: deep }))).toMatch(/fragment a is not valid YAML/);
    expect(refusal(() => withExtra({ a: `jenkins:\n  systemMessage: "${'x'.repeat(70_000)}"\n` }))).toMatch(/jcasc\.extra\.a: a fragment must be at most 65536 characters/);
    // Comments and an anchor without an alias are fine; what JCasC gets is the document itself.
    expect(cascData(withExtra({ a: '# mail\nunclassified: &u\n  location: {adminAddress: "x@y"}\n' }))['a.yaml']).toBe('unclassified:\n  location:\n    adminAddress: x@y\n');
  });

  it('refuses a root JCasC does not know, and jobs without the job-dsl plugin', () => {
    expect(refusal(() => withExtra({ a: 'jenkins: {}\nunclasified: {}\n' })))
      .toMatch(/fragment a sets the unknown JCasC root 'unclasified'; allowed roots: jenkins, unclassified, security, tool, appearance, globalCredentialsConfiguration, credentials, jobs/);
    expect(refusal(() => withExtra({ jobs: JOBS }))).toMatch(/fragment jobs sets the root 'jobs', which needs the job-dsl plugin; add job-dsl to controller.plugins/);
  });

  it.each([
    ['jenkins:\n  numExecutors: 4\n', /fragment a sets jenkins\.numExecutors, which the generated jenkins\.yaml sets already/],
    ['unclassified:\n  location:\n    url: https://evil.example.com/\n', /fragment a sets unclassified\.location\.url, which the generated jenkins\.yaml sets already/],
    ['jenkins:\n  clouds:\n  - kubernetes: {name: other}\n', /fragment a adds to jenkins\.clouds, which jenkins-chatops generates from the spec/],
    ['unclassified: "text"\n', /fragment a makes unclassified a value where the generated jenkins\.yaml has a mapping/],
    ['jenkins:\n  clouds: {}\n', /fragment a makes jenkins\.clouds a mapping where the generated jenkins\.yaml has a list/],
  ])('refuses a fragment that sets what the generated file sets: %s', (fragment, message) => {
    expect(refusal(() => withExtra({ a: fragment }))).toMatch(message);
  });

  it('refuses two fragments setting one value, naming both', () => {
    const message = refusal(() => withExtra({ a: 'unclassified:\n  location: {adminAddress: a@x}\n', b: 'unclassified:\n  location: {adminAddress: b@x}\n' }));
    expect(message).toMatch(/jcasc\.extra\.b: fragment b sets unclassified\.location\.adminAddress, which fragment a sets already/);
  });

  it('adds to what the generated file has where JCasC merges (new keys, other lists)', () => {
    const bundle = withExtra({ a: 'unclassified:\n  location:\n    adminAddress: ci@example.com\njenkins:\n  views:\n  - list: {name: mine}\n' });
    expect(load(cascData(bundle)['a.yaml']!)).toEqual({ unclassified: { location: { adminAddress: 'ci@example.com' } }, jenkins: { views: [{ list: { name: 'mine' } }] } });
  });

  it('a fragment that chooses the security realm or authorization replaces the generated one', () => {
    const realm = 'jenkins:\n  securityRealm:\n    ldap:\n      configurations:\n      - server: ldap.example.com\n';
    const plain = cascOf(render({ name: 'ci' })).jenkins;
    expect(plain.securityRealm.local).toBeDefined();
    const bundle = withExtra({ realm });
    expect(cascOf(bundle).jenkins.securityRealm).toBeUndefined();
    expect(cascOf(bundle).jenkins.authorizationStrategy).toEqual(plain.authorizationStrategy);
    const both = withExtra({ realm, authz: 'jenkins:\n  authorizationStrategy:\n    globalMatrix: {entries: []}\n' });
    expect(cascOf(both).jenkins.authorizationStrategy).toBeUndefined();
    expect(refusal(() => withExtra({ realm, other: 'jenkins:\n  securityRealm:\n    local: {allowsSignup: true}\n' })))
      .toMatch(/fragment realm sets jenkins\.securityRealm, which fragment other chooses already; only one file may choose it/);
  });

  it('a change to any fragment is a new JCasC revision; without fragments the revision is that of jenkins.yaml', () => {
    const plain = render({ name: 'ci' });
    expect(plain.cascRevision).toBe(createHash('sha256').update(plain.casc).digest('hex').slice(0, 16));
    const one = withExtra({ a: 'jenkins:\n  systemMessage: one\n' });
    const two = withExtra({ a: 'jenkins:\n  systemMessage: two\n' });
    expect(one.casc).toBe(two.casc);
    expect(new Set([plain.cascRevision, one.cascRevision, two.cascRevision]).size).toBe(3);
    const annotation = (b: typeof one) => (objectOf(b, 'ConfigMap', 'ci-casc') as Loose).metadata.annotations['jenkins-chatops.io/casc-revision'];
    expect(annotation(two)).toBe(two.cascRevision);
    // The same fragments render the same revision every time.
    expect(withExtra({ a: 'jenkins:\n  systemMessage: two\n' }).cascRevision).toBe(two.cascRevision);
  });

  it('refuses fragment names that are not file stems, and the generated file\'s name', () => {
    expect(refusal(() => withExtra({ 'My Jobs': 'jenkins: {}\n' }))).toMatch(/a fragment name must be a DNS label/);
    expect(refusal(() => withExtra({ '../x': 'jenkins: {}\n' }))).toMatch(/a fragment name must be a DNS label/);
    expect(refusal(() => withExtra({ jenkins: 'jenkins: {}\n' }))).toMatch(/the fragment name 'jenkins' is the generated jenkins\.yaml's/);
  });

  it("renders the README's example as written", () => {
    const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
    const block = /### Your own JCasC and credentials[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const bundle = render({ name: 'ci', ...(load(block!) as object) });
    expect(Object.keys(cascData(bundle))).toEqual(['jenkins.yaml', 'jobs.yaml', 'mail.yaml']);
    expect(cascOf(bundle).credentials.system.domainCredentials[0].credentials).toHaveLength(2);
  });
});
