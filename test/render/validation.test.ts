// Every rendered object is checked against the Kubernetes schemas and the JCasC attributes; a bad object is caught.
import { describe, expect, it } from '@jest/globals';
import { validateCasc, validateKubeObject, type KubeObject } from '../../src/render/index.js';
import { cascOf, objectOf, render, type Loose } from '../helpers/render.js';
import { clone } from '../../src/instance/index.js';

const bundle = render({ name: 'v', persistence: { mode: 'static', hostPath: '/srv' }, controller: { replicas: 3 } });

describe('Kubernetes schema validation', () => {
  it('passes every rendered object', () => {
    for (const { object } of bundle.objects) expect(validateKubeObject(object)).toEqual([]);
  });

  it('catches a misspelt field deep in a pod spec', () => {
    const sts = clone(objectOf(bundle, 'StatefulSet')) as Loose;
    sts.spec.template.spec.containers[0].imagePulPolicy = 'Always';
    expect(validateKubeObject(sts)).toEqual([{ path: 'spec.template.spec.containers.0.imagePulPolicy', message: 'unknown field "imagePulPolicy"' }]);
  });

  it('catches a wrong type and an unknown kind', () => {
    const svc = clone(objectOf(bundle, 'Service', 'v')) as Loose;
    svc.spec.ports[0].port = '8080';
    expect(validateKubeObject(svc)).toEqual([expect.objectContaining({ path: 'spec.ports.0.port', message: expect.stringContaining('integer') })]);
    const odd: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(validateKubeObject(odd)[0]!.message).toMatch(/no schema known for example\.com\/v1\/Widget/);
  });

  it('renders one pre-bound volume per controller ordinal', () => {
    const claims = bundle.objects.filter((o) => o.object.kind === 'PersistentVolume').map((o) => (o.object as Loose).spec.claimRef.name);
    expect(claims).toEqual(['jenkins-home-v-0', 'jenkins-home-v-1', 'jenkins-home-v-2']);
    expect((objectOf(bundle, 'Service', 'v') as Loose).spec.sessionAffinity).toBe('ClientIP');
  });
});

describe('JCasC attribute validation', () => {
  it('passes the rendered document', () => {
    expect(validateCasc(cascOf(bundle))).toEqual([]);
  });

  it('catches an attribute the Kubernetes plugin does not have, and a map where it wants a string', () => {
    const casc = cascOf(bundle);
    const template = casc.jenkins.clouds[0].kubernetes.templates[0];
    template.idleMinute = 3;
    template.nodeSelector = { disk: 'ssd' };
    const problems = validateCasc(casc);
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['jenkins.clouds[0].kubernetes.templates[0]', 'jenkins.clouds[0].kubernetes.templates[0].nodeSelector']));
    expect(problems.find((p) => p.path.endsWith('templates[0]'))!.message).toMatch(/idleMinute/);
  });

  it('requires a tunnel unless agents use WebSocket', () => {
    const casc = cascOf(bundle);
    delete casc.jenkins.clouds[0].kubernetes.jenkinsTunnel;
    expect(validateCasc(casc)[0]!.message).toMatch(/jenkinsTunnel is required unless webSocket/);
  });
});
