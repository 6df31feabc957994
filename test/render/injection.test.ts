// Anything a user types can reach YAML and JCasC. These tests feed hostile text into every free-text field and
// prove the documents keep their structure and JCasC reads the text back literally.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { load } from 'js-yaml';
import { bundleStream } from '../../src/render/index.js';
import { cascOf, cloudOf, jcascLiteral, kubeletExpand, objectOf, render, type Loose } from '../helpers/render.js';

const HOSTILE = [
  'line one\nevil: injected',
  'key: value',
  'text # not a comment',
  '"double" and \'single\' quotes',
  '---\napiVersion: v1\nkind: Secret',
  '*alias',
  '&anchor value',
  '!!python/object:os.system',
  '| block',
  '> folded',
  '%YAML 1.2',
  '@at',
  '`backtick`',
  '{ flow: map }',
  '[flow, list]',
  '${ADMIN_PASSWORD}',
  '^${computer.name}',
  'a ${jenkins-admin-password:-fallback} b',
  '$(POD_NAME) and $$(X)',
  '\ttab\r\ncarriage',
  '  leading spaces',
  'trailing spaces  ',
  '\u2028unicode line separator\u0085',
  'emoji 🚀 and 中文',
];

/** The environment a container has when the kubelet expands `$(VAR)` references. */
const podEnv = { POD_NAME: 'ci-0', HOSTNAME: 'node-1' };
/** What a process in the pod sees: JCasC's reading (nothing interpolated), then the kubelet's expansion. */
const seenByProcess = (value: string): string => kubeletExpand(jcascLiteral(value), podEnv);

function renderWith(text: string) {
  return render({
    name: 'inj',
    controller: { systemMessage: text, javaOpts: `-Dx=${text}` },
    agents: {
      templates: [{
        preset: 'maven',
        envVars: { NOTE: text },
        containers: [{ name: 'maven', image: 'maven:3.9', command: text, args: text, envVars: { TOOL_NOTE: text } }],
      }],
    },
  });
}

describe('user text cannot change structure or be interpolated', () => {
  it.each(HOSTILE)('%j stays one literal value everywhere', (text) => {
    const bundle = renderWith(text);
    const casc = cascOf(bundle);
    // JCasC: the exact text comes back after JCasC's own interpolation, so no secret or variable leaks in.
    expect(jcascLiteral(casc.jenkins.systemMessage)).toBe(text);
    const template = cloudOf(bundle).templates[0];
    expect(seenByProcess(template.envVars[0].envVar.value)).toBe(text);
    const tool = template.containers.find((c: Loose) => c.name === 'maven');
    expect(seenByProcess(tool.command)).toBe(text);
    expect(seenByProcess(tool.args)).toBe(text);
    // No key appeared that we did not write.
    expect(Object.keys(casc)).toEqual(['jenkins', 'unclassified']);
    expect(Object.keys(casc.jenkins)).toEqual(['systemMessage', 'numExecutors', 'mode', 'slaveAgentPort', 'securityRealm', 'authorizationStrategy', 'clouds']);
    // Kubernetes: the JVM sees the text exactly (after the kubelet's expansion), and the stream has exactly our objects.
    const sts: Loose = objectOf(bundle, 'StatefulSet');
    const javaOpts = kubeletExpand(sts.spec.template.spec.containers[0].env.find((e: Loose) => e.name === 'JAVA_OPTS').value, podEnv);
    // javaOpts is trimmed (surrounding blanks mean nothing to the JVM); the reload token never travels in it.
    expect(javaOpts).not.toContain('casc.reload.token');
    expect(javaOpts.endsWith(`-Dx=${text}`.trim())).toBe(true);
    const docs = bundleStream(bundle).split(/^---$/m).slice(1).map((d) => load(d) as Loose);
    expect(docs.map((d) => d.kind)).toEqual(bundle.objects.map((o) => o.object.kind));
  });

  it('keeps the admin credentials as JCasC secret references, never as values', () => {
    const bundle = renderWith('${jenkins-admin-password}');
    const users = cascOf(bundle).jenkins.securityRealm.local.users;
    expect(users).toEqual([{ id: '${jenkins-admin-user}', password: '${jenkins-admin-password}' }]);
    expect(cascOf(bundle).jenkins.systemMessage).toBe('^${jenkins-admin-password}');
    expect(() => jcascLiteral(users[0].password)).toThrow(/JCasC would interpolate/);
  });

  it('holds for arbitrary text (property, seeded)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const bundle = render({ name: 'prop', controller: { systemMessage: text }, agents: { templates: [{ preset: 'jnlp', envVars: { V: text } }] } });
        const casc = cascOf(bundle);
        // An empty system message means none.
        if (text === '') expect(casc.jenkins.systemMessage).toBeUndefined();
        else expect(jcascLiteral(casc.jenkins.systemMessage)).toBe(text);
        expect(seenByProcess(cloudOf(bundle).templates[0].envVars[0].envVar.value)).toBe(text);
        expect((objectOf(bundle, "ConfigMap") as Loose).data["jenkins.yaml"]).toBe(bundle.casc);
      }),
      { seed: 20261125, numRuns: 300 },
    );
  });
});
