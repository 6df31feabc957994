// metrics and networkPolicy are the admin's: an unauthenticated metrics endpoint, the cluster's Prometheus
// configuration and who may reach Jenkins are never switched from chat (either way); a new instance takes the
// admin's defaults for them.
import { describe, expect, it } from '@jest/globals';
import { BoundsError, checkBounds, DEFAULT_BOUNDS } from '../../src/commands/bounds.js';
import { resolveSpec, type Values } from '../../src/instance/index.js';

const source = { namespaces: 'test', images: 'test', hostPaths: 'test' };
const spec = (extra: Values = {}) => resolveSpec([{ values: { name: 'ci', ...extra } }]);
const check = (next: Values, base: Values | undefined) => () => checkBounds(spec(next), base ? spec(base) : undefined, DEFAULT_BOUNDS, source, new Set());

describe('metrics and networkPolicy from chat', () => {
  it.each([
    ['metrics on', {}, { metrics: { enabled: true } }, /^metrics=\{"enabled":true,"serviceMonitor":false\} is not allowed: metrics is set only from a values file on the command line/],
    ['a ServiceMonitor added', { metrics: { enabled: true } }, { metrics: { enabled: true, serviceMonitor: true } }, /metrics=.*only from a values file/],
    ['metrics off', { metrics: { enabled: true } }, { metrics: { enabled: false } }, /metrics=.*only from a values file/],
    ['network policies on', {}, { networkPolicy: { enabled: true } }, /^networkPolicy=\{"enabled":true\} is not allowed: networkPolicy is set only from a values file/],
    ['network policies off (the isolation would go)', { networkPolicy: { enabled: true } }, { networkPolicy: { enabled: false } }, /networkPolicy=\{"enabled":false\}.*only from a values file/],
  ])('refuses a change: %s', (_what, base, next, message) => {
    expect(check({ ...base, ...next }, base)).toThrow(BoundsError);
    expect(check({ ...base, ...next }, base)).toThrow(message);
  });

  it('lets other changes through on an instance that has both, and a new instance keep what the admin defaults give', () => {
    const both = { metrics: { enabled: true, serviceMonitor: true }, networkPolicy: { enabled: true } };
    expect(check({ ...both, controller: { replicas: 0 } }, both)).not.toThrow();
    // (The default images are the admin's, as casc/ names them.)
    const fresh = spec(both);
    const trusted = new Set([fresh.controller.image, fresh.controller.reloadSidecarImage, ...fresh.agents.templates.map((t) => t.jnlpImage)]);
    expect(() => checkBounds(fresh, undefined, DEFAULT_BOUNDS, source, trusted)).not.toThrow();
  });
});
