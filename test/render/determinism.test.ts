// The same input renders byte-identical output: GitOps diffs show only real changes.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { bundleStream } from '../../src/render/index.js';
import { render } from '../helpers/render.js';

const values = {
  name: 'det',
  agents: { templates: [{ preset: 'maven', nodeSelector: { zone: 'a', disk: 'ssd' }, envVars: { B: '2', A: '1' } }] },
};

describe('determinism', () => {
  it('renders identical bytes twice', () => {
    expect(bundleStream(render(values))).toBe(bundleStream(render(values)));
  });

  it('does not depend on the order keys were written in', () => {
    const reordered = {
      agents: { templates: [{ envVars: { A: '1', B: '2' }, nodeSelector: { disk: 'ssd', zone: 'a' }, preset: 'maven' }] },
      name: 'det',
    };
    expect(bundleStream(render(reordered))).toBe(bundleStream(render(values)));
  });

  it('keeps pod template ids stable when the template changes, so running agents keep their template', () => {
    const id = (cpu: string) => /id: "([^"]+)"/.exec(render({ name: 'det', agents: { templates: [{ preset: 'jnlp', resources: { requests: { cpu } } }] } }).casc)![1];
    expect(id('100m')).toBe(id('200m'));
  });

  it('renders the same in a separate process (no state, time or randomness involved)', () => {
    // The other process runs the sources under test (src/, compiled on load), never a possibly stale dist/.
    const src = (path: string) => new URL(`../../src/${path}`, import.meta.url).href;
    const script = `
      import { resolveSpec } from '${src('instance/index.ts')}';
      import { renderBundle, bundleStream } from '${src('render/index.ts')}';
      process.stdout.write(bundleStream(renderBundle(resolveSpec([{ values: ${JSON.stringify(values)} }]))));`;
    const loader = fileURLToPath(new URL('../support/ts-loader/register.mjs', import.meta.url));
    const other = execFileSync(process.execPath, ['--import', loader, '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(other).toBe(bundleStream(render(values)));
  });
});
