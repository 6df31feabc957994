// Where the controllers run and how drains treat them: the chart's controller scheduling keys and a
// PodDisruptionBudget, rendered only when asked, each checked against the Kubernetes schemas.
import { describe, expect, it } from '@jest/globals';
import { SpecError } from '../../src/instance/index.js';
import { objectOf, render, type Loose } from '../helpers/render.js';

const affinity = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: 'node-pool', operator: 'In', values: ['ci'] }] }],
    },
  },
};
const controller = {
  nodeSelector: { 'node-pool': 'ci' },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ci', effect: 'NoSchedule' }],
  affinity,
  priorityClassName: 'ci-high',
  podAnnotations: { 'prometheus.io/scrape': 'true' },
  podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
};

describe('controller scheduling', () => {
  it('puts node selector, tolerations, affinity, priority class and annotations on the controller pods', () => {
    const pod = (objectOf(render({ name: 'ci', controller }), 'StatefulSet') as Loose).spec.template;
    expect(pod.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true' });
    expect(pod.spec).toMatchObject({ nodeSelector: { 'node-pool': 'ci' }, tolerations: controller.tolerations, affinity, priorityClassName: 'ci-high' });
  });

  it('leaves them out when not set (no empty keys)', () => {
    const pod = (objectOf(render({ name: 'ci' }), 'StatefulSet') as Loose).spec.template;
    expect(pod.metadata.annotations).toBeUndefined();
    for (const key of ['nodeSelector', 'tolerations', 'affinity', 'priorityClassName']) expect(pod.spec[key]).toBeUndefined();
    expect(render({ name: 'ci' }).objects.map((o) => o.object.kind)).not.toContain('PodDisruptionBudget');
  });

  it('refuses an affinity that is not a Kubernetes Affinity, saying so', () => {
    const bad = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: 'ci' } } };
    expect(() => render({ name: 'ci', controller: { affinity: bad } })).toThrow(SpecError);
    expect(() => render({ name: 'ci', controller: { affinity: bad } })).toThrow(/controller\.affinity: affinity is not a Kubernetes Affinity/);
  });

  it('renders a policy/v1 PodDisruptionBudget selecting exactly the controller pods', () => {
    const bundle = render({ name: 'ci', controller });
    const pdb = objectOf(bundle, 'PodDisruptionBudget') as Loose;
    const sts = objectOf(bundle, 'StatefulSet') as Loose;
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(sts.spec.selector.matchLabels);
    expect(objectOf(render({ name: 'ci', controller: { podDisruptionBudget: { enabled: true } } }), 'PodDisruptionBudget').spec).toMatchObject({ maxUnavailable: 0 });
  });
});
