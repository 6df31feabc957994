import { describe, expect, it } from '@jest/globals';
import { resolveSpec, SpecError } from '../../src/spec/index.js';

describe('smoke', () => {
  it('resolves defaults', () => {
    const spec = resolveSpec([{ values: { name: 'ci' } }]);
    console.log(JSON.stringify(spec, null, 1));
  });
  it('errors', () => {
    try {
      resolveSpec([{ values: { name: 'CI', controller: { replicaz: 1, resources: { requests: { cpu: '3' } } } } }, { set: ['agents', 'templates', 0, 'preset'], value: 'nope' }]);
    } catch (e) { console.log((e as SpecError).message); }
    try {
      resolveSpec([{ values: { name: 'ci', controller: { replicas: -1, resources: { requests: { cpu: '3x' } } }, service: {type: 'Foo', nodePort: 5} } }]);
    } catch (e) { console.log((e as SpecError).message); }
  });
});
