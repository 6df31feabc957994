// Instance values straight into the generator: whatever the values, the result is a valid, schema-checked Bundle
// or a SpecError that names a path and says what is wrong — never another exception, never a polluted prototype.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { renderBundle } from '../../src/render/index.js';
import { resolveSpec, SpecError, type Values } from '../../src/instance/index.js';
import { fuzzParameters, fuzzTimeout, REPLAYING } from './fuzz-config.js';
import { outputProblems } from './output-checks.js';
import { settle, watchUnhandledRejections, type RejectionWatch } from './unhandled-rejections.js';
import { instanceValues } from './values-arbitraries.js';

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();
const cleanPrototype = prototypeKeys();

/** Why a SpecError would not help a user, or undefined when it does. */
function unclearIssue(issue: { path: unknown; message: unknown }): string | undefined {
  if (typeof issue.path !== 'string' || issue.path.trim() === '') return `issue without a path: ${JSON.stringify(issue)}`;
  if (typeof issue.message !== 'string' || issue.message.trim() === '') return `issue at ${issue.path} without a message`;
  if (/\[object Object\]|^undefined$|^null$/.test(issue.message)) return `issue at ${issue.path} says ${JSON.stringify(issue.message)}`;
  return undefined;
}

type Outcome = { kind: 'bundle'; problems: string[] } | { kind: 'spec-error'; problems: string[] };

function outcomeOf(values: Values): Outcome {
  let spec;
  let bundle;
  try {
    spec = resolveSpec([{ values }]);
    // A spec that validates must render: a RenderError here is a generator bug, not bad input. Extra JCasC is judged
    // against the generated document, so a fragment that would clash with it is a SpecError of the render.
    bundle = renderBundle(spec);
  } catch (err) {
    if (!(err instanceof SpecError)) throw err;
    const problems = err.issues.length === 0 ? ['SpecError without issues'] : err.issues.flatMap((i) => unclearIssue(i) ?? []);
    return { kind: 'spec-error', problems };
  }
  // The renderer parsed each object from its YAML text: check those objects rather than parse the text again.
  const files = { casc: bundle.casc, manifests: bundle.objects.map((o) => ({ file: o.file, object: o.object })) };
  const problems = outputProblems(files, spec);
  if (bundle.instance !== spec.name || bundle.objects.length === 0) problems.push('bundle does not describe the instance');
  return { kind: 'bundle', problems };
}

let watch: RejectionWatch;
beforeAll(() => {
  watch = watchUnhandledRejections();
});
afterAll(() => watch.stop());

describe('spec values → resolveSpec + renderBundle (property, seeded)', () => {
  it('ends in a valid bundle or a SpecError with a path and a message for every issue', async () => {
    const counts = { bundle: 0, 'spec-error': 0 };
    const params = {
      ...fuzzParameters<[Values]>(20261201, 6500),
      // Inputs that once broke the generator, run first on every run.
      examples: [
        [{ name: 'ci', agents: { templates: [] } }],
        [{ name: 'ci', agents: { templates: [{ preset: 'jnlp', resources: { requests: { cpu: '1e-3', memory: '+.5Gi' }, limits: { cpu: '1e3', memory: '1Pi' } } }] } }],
      ] as Array<[Values]>,
    };
    fc.assert(
      fc.property(instanceValues, (values) => {
        const outcome = outcomeOf(values);
        counts[outcome.kind] += 1;
        expect(outcome.problems).toEqual([]);
        expect(prototypeKeys()).toEqual(cleanPrototype);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      params,
    );
    await settle();
    expect(watch.reasons).toEqual([]);
    // Both paths must really run: a generator that only makes garbage would prove nothing about rendering.
    if (REPLAYING) return;
    const total = counts.bundle + counts['spec-error'];
    expect(total).toBe(params.numRuns);
    expect(counts.bundle / total).toBeGreaterThanOrEqual(0.05);
    expect(counts['spec-error'] / total).toBeGreaterThanOrEqual(0.05);
  }, fuzzTimeout(120_000));
});
