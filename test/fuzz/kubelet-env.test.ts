// User text that becomes a container's environment (pod-template envVars via JCasC, controller javaOpts in
// JAVA_OPTS) passes through the kubelet, which expands `$(VAR)` and turns `$$` into `$`. The process must see
// exactly what the user typed.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { load } from 'js-yaml';
import { jcascRead, kubeletExpand, render, type Loose } from '../helpers/render.js';
import { fuzzParameters } from './fuzz-config.js';
import { INTERPOLATION, SHELL } from './hostile.js';

/** What the container would have in its environment from the kubelet. */
const POD_ENV = { POD_NAME: 'ci-0', HOSTNAME: 'node-1', HOME: '/var/jenkins_home' };

/** Text full of dollars and parentheses, the kubelet's syntax. */
const dollarText = fc
  .array(fc.oneof(fc.constantFrom('$', '$$', '$(', '$$(', '(', ')', 'HOSTNAME', 'POD_NAME', ' ', 'x', ...INTERPOLATION, ...SHELL)), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join(''));

/** What the agent's and the controller's processes see for the text, after JCasC and the kubelet. */
function seenByProcesses(text: string): { agentEnv: string; javaOpts: string } {
  const bundle = render({ name: 'env', controller: { javaOpts: text }, agents: { templates: [{ preset: 'jnlp', envVars: { NOTE: text } }] } });
  const casc = load(bundle.casc) as Loose;
  const envVar = casc.jenkins.clouds[0].kubernetes.templates[0].envVars.find((e: Loose) => e.envVar.key === 'NOTE').envVar.value;
  const sts = bundle.objects.find((o) => o.object.kind === 'StatefulSet')!.object as Loose;
  const javaOpts = sts.spec.template.spec.containers[0].env.find((e: Loose) => e.name === 'JAVA_OPTS').value;
  return { agentEnv: kubeletExpand(jcascRead(envVar), POD_ENV), javaOpts: kubeletExpand(javaOpts, POD_ENV) };
}

const typedExactly = (text: string) => {
  const seen = seenByProcesses(text);
  expect(seen.agentEnv).toBe(text);
  expect(seen.javaOpts.endsWith(` ${text.trim()}`)).toBe(true);
};

describe('user text in container env after kubelet expansion', () => {
  it('reaches the process exactly as typed (property, seeded)', () => {
    // The smallest cases: `$(HOSTNAME)` arrives as `node-1`, `a$$b` as `a$b`.
    expect(seenByProcesses('$(HOSTNAME)').agentEnv).toBe('$(HOSTNAME)');
    expect(seenByProcesses('a$$b').agentEnv).toBe('a$$b');
    fc.assert(fc.property(dollarText.filter((t) => t.trim() !== ''), typedExactly), fuzzParameters(20261204, 100));
  });

  it('reaches the process exactly as typed when it holds no kubelet syntax (property, seeded)', () => {
    expect(seenByProcesses('${HOME} costs $5').agentEnv).toBe('${HOME} costs $5');
    const plain = (t: string) => t.trim() !== '' && !t.includes('$(') && !t.includes('$$');
    fc.assert(fc.property(dollarText.filter(plain), typedExactly), fuzzParameters(20261205, 100));
  });
});
