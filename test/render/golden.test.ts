// Golden renders: the exact output for three reviewed specs. A diff here is a deliberate change to what users
// deploy: inspect it, then refresh with UPDATE_GOLDEN=1 npm test.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { bundleStream, renderBundle } from '../../src/render/index.js';
import { fixture, seedSpecFile, specFromFile } from '../helpers/render.js';

const goldenDir = join(import.meta.dirname, '..', 'golden');

const cases: Array<[string, string]> = [
  ['seed-static-nodeport', seedSpecFile()],
  ['dynamic-clusterip', fixture('specs', 'dynamic-clusterip.yaml')],
  ['multi-templates', fixture('specs', 'multi-templates.yaml')],
];

describe('golden renders', () => {
  it.each(cases)('%s renders exactly as reviewed', (name, specFile) => {
    const actual = bundleStream(renderBundle(specFromFile(specFile)));
    const path = join(goldenDir, `${name}.yaml`);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
    // A missing file is a failure, not a fresh baseline: otherwise deleting it would make any output pass.
    if (!existsSync(path)) throw new Error(`golden file ${path} is missing; review the output and create it with UPDATE_GOLDEN=1 npm test`);
    expect(actual).toBe(readFileSync(path, 'utf8'));
  });
});
