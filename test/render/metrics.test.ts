// metrics: the prometheus plugin installed, its endpoint announced on the HTTP Service, and a ServiceMonitor on
// request that scrapes each controller once.
import { describe, expect, it } from '@jest/globals';
import { SpecError } from '../../src/instance/index.js';
import { LABEL_METRICS } from '../../src/instance/naming.js';
import { PINNED_PLUGINS } from '../../src/instance/plugins.js';
import { validateKubeObject, type KubeObject } from '../../src/render/index.js';
import { objectOf, render, type Loose } from '../helpers/render.js';

const pluginsOf = (bundle: ReturnType<typeof render>): string[] => {
  const init = (objectOf(bundle, 'StatefulSet') as Loose).spec.template.spec.initContainers.find((c: Loose) => c.name === 'install-plugins');
  return [...(init.command ?? []), ...(init.args ?? [])].map(String);
};
const ids = (entries: string[]) => entries.map((e) => e.split(':')[0]);

/** The labels a selector matches, the way the Prometheus operator picks Services for a ServiceMonitor. */
const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

describe('metrics', () => {
  it('installs the prometheus plugin (at its pinned version) with the others, once, keeping an entry the user wrote', () => {
    expect(pluginsOf(render({ name: 'ci', metrics: { enabled: true } }))).toContain(`prometheus:${PINNED_PLUGINS.prometheus}`);
    expect(ids(pluginsOf(render({ name: 'ci' })))).not.toContain('prometheus');
    const own = pluginsOf(render({ name: 'ci', metrics: { enabled: true }, controller: { plugins: ['kubernetes', 'configuration-as-code', 'prometheus:852.v1'] } }));
    expect(own.filter((e) => e.startsWith('prometheus'))).toEqual(['prometheus:852.v1']);
  });

  it('announces /prometheus/ on the HTTP Service at the container port (what annotation-driven scrapers dial on each pod)', () => {
    const svc = objectOf(render({ name: 'ci', service: { port: 80 }, metrics: { enabled: true } }), 'Service', 'ci') as Loose;
    expect(svc.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/prometheus/', 'prometheus.io/port': '8080' });
    expect(svc.spec.ports.find((p: Loose) => p.name === 'http')).toMatchObject({ port: 80, targetPort: 'http' });
    expect((objectOf(render({ name: 'ci' }), 'Service', 'ci') as Loose).metadata.annotations).toBeUndefined();
  });

  it('renders no ServiceMonitor unless asked, and refuses one without metrics', () => {
    expect(render({ name: 'ci', metrics: { enabled: true } }).objects.map((o) => o.object.kind)).not.toContain('ServiceMonitor');
    expect(() => render({ name: 'ci', metrics: { enabled: false, serviceMonitor: true } })).toThrow(/metrics\.serviceMonitor needs metrics\.enabled: true/);
    expect(() => render({ name: 'ci', metrics: { enabled: true, interval: '30s' } })).toThrow(SpecError);
  });

  it('the ServiceMonitor scrapes port http at /prometheus/ of the shared HTTP Service only, so each of several controllers is scraped once', () => {
    const bundle = render({ name: 'ci', namespace: 'team', controller: { replicas: 3 }, metrics: { enabled: true, serviceMonitor: true } });
    const monitor = objectOf(bundle, 'ServiceMonitor') as Loose;
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.metadata).toMatchObject({ name: 'ci', namespace: 'team' });
    expect(monitor.spec.endpoints).toEqual([{ port: 'http', path: '/prometheus/' }]);
    expect(monitor.spec.namespaceSelector).toEqual({ matchNames: ['team'] });
    const services = bundle.objects.filter((o) => o.object.kind === 'Service').map((o) => o.object as Loose);
    const selected = services.filter((s) => matches(monitor.spec.selector.matchLabels, s.metadata.labels)).map((s) => s.metadata.name);
    expect(selected).toEqual(['ci']);
    expect(services.find((s) => s.metadata.name === 'ci').metadata.labels[LABEL_METRICS]).toBe('true');
    // Another instance's HTTP Service in the namespace is not picked up.
    const other = objectOf(render({ name: 'cd', namespace: 'team', metrics: { enabled: true } }), 'Service', 'cd') as Loose;
    expect(matches(monitor.spec.selector.matchLabels, other.metadata.labels)).toBe(false);
  });

  it('is checked against the Prometheus operator\'s CRD schema, unknown fields included', () => {
    const monitor = objectOf(render({ name: 'ci', metrics: { enabled: true, serviceMonitor: true } }), 'ServiceMonitor') as Loose;
    expect(validateKubeObject(monitor as KubeObject)).toEqual([]);
    const typo = { ...monitor, spec: { ...monitor.spec, endpoints: [{ port: 'http', pathh: '/prometheus/' }] } };
    expect(validateKubeObject(typo)).toContainEqual({ path: 'spec.endpoints.0.pathh', message: 'unknown field "pathh"' });
    const wrong = { ...monitor, spec: { ...monitor.spec, endpoints: [{ port: 8080 }] } };
    expect(validateKubeObject(wrong).map((p) => p.path)).toContain('spec.endpoints.0.port');
  });
});
