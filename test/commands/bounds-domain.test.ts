// The cluster domain is where every in-cluster address points, agents' tunnels included: never changed from chat.
import { describe, expect, it } from '@jest/globals';
import { BoundsError, checkBounds, DEFAULT_BOUNDS } from '../../src/commands/bounds.js';
import { resolveSpec } from '../../src/instance/index.js';

const source = { namespaces: 'test', images: 'test', hostPaths: 'test' };

describe('clusterDomain from chat', () => {
  it('is refused when a change would move it, and allowed when unchanged', () => {
    const base = resolveSpec([{ values: { name: 'ci' } }]);
    const moved = resolveSpec([{ values: { name: 'ci', clusterDomain: 'evil.example.com' } }]);
    expect(() => checkBounds(moved, base, DEFAULT_BOUNDS, source, new Set())).toThrow(BoundsError);
    expect(() => checkBounds(moved, base, DEFAULT_BOUNDS, source, new Set())).toThrow(/clusterDomain=evil\.example\.com is not allowed/);
    expect(() => checkBounds(base, base, DEFAULT_BOUNDS, source, new Set())).not.toThrow();
  });
});

describe('ingress from chat', () => {
  it('is refused when a change would add or move it, allowed when unchanged', () => {
    const base = resolveSpec([{ values: { name: 'ci' } }]);
    const added = resolveSpec([{ values: { name: 'ci', ingress: { enabled: true, host: 'login.example.com' } } }]);
    expect(() => checkBounds(added, base, DEFAULT_BOUNDS, source, new Set())).toThrow(/ingress=.*only from a values file/);
    expect(() => checkBounds(added, undefined, DEFAULT_BOUNDS, source, new Set())).toThrow(BoundsError);
    expect(() => checkBounds(added, added, DEFAULT_BOUNDS, source, new Set())).not.toThrow();
  });
});
