// The fuzz properties are only as good as their checks: each check must catch the fault it names.
import { describe, expect, it } from '@jest/globals';
import { dump, load } from 'js-yaml';
import type { Message } from '../../src/commands/model.js';
import { render, type Loose } from '../helpers/render.js';
import { messageProblems } from './message-checks.js';
import { jcascRead, kubeletExpand, outputProblems, type RenderedFiles } from './output-checks.js';

const bundle = render({ name: 'ci', controller: { systemMessage: 'hello ${x}' }, agents: { templates: [{ preset: 'maven', envVars: { NOTE: '^${y}' } }] } });
const spec = bundle.spec;
const files = (): RenderedFiles => ({ casc: bundle.casc, manifests: bundle.objects.map((o) => ({ file: o.file, yaml: o.yaml })) });
const withCasc = (edit: (casc: Loose) => void): RenderedFiles => {
  const casc = load(bundle.casc) as Loose;
  edit(casc);
  return { ...files(), casc: dump(casc) };
};

describe('output checks', () => {
  it('pass a clean render', () => {
    expect(outputProblems(files(), spec)).toEqual([]);
  });

  it('catch a key the templates never write, in JCasC and in a manifest', () => {
    const injected = withCasc((casc) => {
      casc.jenkins.clouds[0].kubernetes.templates[0].privileged = true;
    });
    expect(outputProblems(injected)).toContainEqual(expect.stringMatching(/key the templates never write: jenkins\.clouds\[\]\.kubernetes\.templates\[\]\.privileged/));
    const podYaml = withCasc((casc) => {
      casc.jenkins.clouds[0].kubernetes.templates[0].yaml = 'spec:\n  hostNetwork: true\n';
    });
    expect(outputProblems(podYaml)).toContainEqual(expect.stringMatching(/pod template's yaml has a key the templates never write: spec\.hostNetwork/));
    const sts = bundle.objects.find((o) => o.object.kind === 'StatefulSet')!;
    const tampered = { ...sts.object, metadata: { ...sts.object.metadata, labels: { ...sts.object.metadata.labels, injected: 'yes' } } };
    const problems = outputProblems({ ...files(), manifests: [{ file: sts.file, yaml: dump(tampered) }] });
    expect(problems).toContainEqual(expect.stringMatching(/key the templates never write: metadata\.labels\.injected/));
  });

  it('catch user text JCasC would interpolate, and text that does not read back', () => {
    const unescaped = withCasc((casc) => {
      casc.jenkins.systemMessage = 'hello ${x}';
    });
    const problems = outputProblems(unescaped, spec);
    expect(problems).toContainEqual(expect.stringMatching(/jenkins\.systemMessage would be interpolated/));
    const changed = outputProblems(withCasc((casc) => {
      casc.jenkins.systemMessage = 'hello ^${y}';
    }), spec);
    expect(changed).toContainEqual(expect.stringMatching(/systemMessage reads back as "hello \$\{y\}", typed "hello \$\{x\}"/));
  });

  it('catch a manifest that does not parse or fails its schema', () => {
    const [first] = bundle.objects;
    expect(outputProblems({ ...files(), manifests: [{ file: 'x.yaml', yaml: 'a: [' }] })).toContainEqual(expect.stringMatching(/x\.yaml does not parse/));
    const bad = { ...first!.object, spec: { replicas: 'many' } };
    expect(outputProblems({ ...files(), manifests: [{ file: first!.file, yaml: dump(bad) }] }).length).toBeGreaterThan(0);
  });
});

describe('JCasC and kubelet models', () => {
  it('read JCasC escapes as JCasC does: each ^${ loses its ^, nested or not', () => {
    expect(jcascRead('^${a}')).toBe('${a}');
    expect(jcascRead('^^${a}')).toBe('^${a}');
    expect(jcascRead('^${^${nested}}')).toBe('${${nested}}');
    expect(jcascRead('$^${a}')).toBe('$${a}');
  });

  it('expand env values as the kubelet does: $$ is $, $(VAR) is its value, unknown or unclosed stays', () => {
    const env = { A: 'x' };
    expect(kubeletExpand('$(A) $$(A) $$ $(B) $( $', env)).toBe('x $(A) $ $(B) $( $');
  });
});

describe('message checks', () => {
  const ok: Message = { tone: 'danger', title: 'Unknown command', blocks: [{ type: 'text', text: 'Type `help`.' }] };

  it('pass a clear message and catch stack traces, [object Object], undefined and leaked programming errors', () => {
    expect(messageProblems(ok)).toEqual([]);
    expect(messageProblems({ ...ok, title: 'undefined' })).toEqual(['title is undefined']);
    expect(messageProblems({ ...ok, blocks: [{ type: 'text', text: 'Error: x\n    at run (/app/src/a.ts:1:2)' }] })).toContain('shows a stack trace');
    expect(messageProblems({ ...ok, blocks: [{ type: 'list', items: ['value [object Object]'] }] })).toContain('says [object Object]');
    expect(messageProblems({ ...ok, blocks: [{ type: 'text', text: "Cannot read properties of undefined (reading 'x')" }] })).toEqual([
      expect.stringMatching(/^shows an internal error/),
    ]);
  });
});
