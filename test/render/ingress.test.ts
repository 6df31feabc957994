// An Ingress in front of Jenkins: its URL is the one Jenkins links to, per controller when there are several.
import { describe, expect, it } from '@jest/globals';
import { SpecError } from '../../src/instance/index.js';
import { cascOf, jcascResolve, objectOf, render, type Loose } from '../helpers/render.js';

const ingress = { enabled: true, host: 'ci.example.com', className: 'nginx', tlsSecret: 'ci-tls', annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' } };

describe('ingress', () => {
  it('routes the host to the shared Service with TLS, and Jenkins links to https://host/', () => {
    const bundle = render({ name: 'ci', ingress });
    const ing = objectOf(bundle, 'Ingress') as Loose;
    expect(ing.apiVersion).toBe('networking.k8s.io/v1');
    expect(ing.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.tls).toEqual([{ secretName: 'ci-tls', hosts: ['ci.example.com'] }]);
    expect(ing.spec.rules).toEqual([{ host: 'ci.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'ci', port: { name: 'http' } } } }] } }]);
    expect(cascOf(bundle).unclassified.location.url).toBe('https://ci.example.com/');
  });

  it('with several controllers, each answers at its own host and links to it', () => {
    const bundle = render({ name: 'ci', controller: { replicas: 2 }, ingress: { enabled: true, host: 'ci.example.com' } });
    const rules = (objectOf(bundle, 'Ingress') as Loose).spec.rules.map((r: Loose) => [r.host, r.http.paths[0].backend.service.name]);
    expect(rules).toEqual([['ci.example.com', 'ci'], ['ci-0.ci.example.com', 'ci-0'], ['ci-1.ci.example.com', 'ci-1']]);
    expect(jcascResolve(cascOf(bundle).unclassified.location.url, { POD_NAME: 'ci-1' })).toBe('http://ci-1.ci.example.com/');
  });

  it('an explicit controller.url still wins, and no Ingress is rendered unless enabled', () => {
    expect(cascOf(render({ name: 'ci', ingress, controller: { url: 'https://jenkins.corp/' } })).unclassified.location.url).toBe('https://jenkins.corp/');
    expect(render({ name: 'ci' }).objects.map((o) => o.object.kind)).not.toContain('Ingress');
  });

  it('needs a host when enabled, and a path that starts and ends with /', () => {
    expect(() => render({ name: 'ci', ingress: { enabled: true } })).toThrow(/ingress\.host is needed when the ingress is enabled/);
    expect(() => render({ name: 'ci', ingress: { enabled: true, host: 'a.b', path: 'jenkins' } })).toThrow(SpecError);
  });
});
