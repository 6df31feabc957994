// networkPolicy: judged by what connects, not by the policy's shape. The controller pods and the agent pods are
// labelled as the rendered StatefulSet and the rendered JCasC cloud (podLabels) label them, and each connection is
// decided with Kubernetes' NetworkPolicy rules (test/support/netpol.ts).
import { describe, expect, it } from '@jest/globals';
import type { Values } from '../../src/instance/index.js';
import { connects, type Cluster, type Endpoint, type PodEndpoint } from '../support/netpol.js';
import { cloudOf, jcascResolve, objectOf, render, type Loose } from '../helpers/render.js';

interface Install {
  cluster: Cluster;
  controller: PodEndpoint;
  /** An agent pod the instance's cloud starts (podLabels of its JCasC, as controller `ci-0` completes them). */
  agent: PodEndpoint;
  policies: Loose[];
}

function install(values: Values, extraPolicies: Loose[] = []): Install {
  const bundle = render({ name: 'ci', ...values });
  const sts = objectOf(bundle, 'StatefulSet') as Loose;
  const jenkins = sts.spec.template.spec.containers.find((c: Loose) => c.name === 'jenkins');
  const controller = { namespace: bundle.namespace, labels: sts.spec.template.metadata.labels, ports: jenkins.ports };
  const podLabels = Object.fromEntries(cloudOf(bundle).podLabels.map((l: Loose) => [jcascResolve(l.key, {}), jcascResolve(l.value, { POD_NAME: 'ci-0' })]));
  const agent = { namespace: bundle.agentNamespace, labels: { jenkins: 'slave', 'jenkins/label': 'maven', ...podLabels } };
  const policies = bundle.objects.filter((o) => o.object.kind === 'NetworkPolicy').map((o) => o.object as Loose);
  return { cluster: { policies: [...policies, ...extraPolicies] }, controller, agent, policies };
}

const browser: Endpoint = { ip: '203.0.113.7' };
const gitServer: Endpoint = { ip: '140.82.112.3' };
const dns = (): PodEndpoint => ({ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } });
const otherPod = (namespace: string, labels: Record<string, string> = { app: 'curl' }): PodEndpoint => ({ namespace, labels });

describe('networkPolicy', () => {
  it('renders nothing unless enabled: the agent port is open to any pod', () => {
    const { cluster, controller, policies } = install({});
    expect(policies).toEqual([]);
    expect(connects(cluster, otherPod('elsewhere'), controller, 50000)).toBe(true);
  });

  it('the controllers take HTTP from anywhere: users, load balancers, Ingress controllers, any pod', () => {
    const { cluster, controller } = install({ networkPolicy: { enabled: true } });
    expect(connects(cluster, browser, controller, 8080)).toBe(true);
    expect(connects(cluster, otherPod('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }), controller, 8080)).toBe(true);
    expect(connects(cluster, otherPod('jenkins'), controller, 8080)).toBe(true);
  });

  it('the agent port only from this instance\'s agents: not from other pods, another instance\'s agents, or outside', () => {
    const { cluster, controller, agent } = install({ networkPolicy: { enabled: true } });
    expect(connects(cluster, agent, controller, 50000)).toBe(true);
    expect(connects(cluster, otherPod('jenkins'), controller, 50000)).toBe(false);
    expect(connects(cluster, { ...agent, labels: { ...agent.labels, 'jenkins-chatops.io/instance': 'cd' } }, controller, 50000)).toBe(false);
    expect(connects(cluster, otherPod('other-team', agent.labels), controller, 50000)).toBe(false);
    expect(connects(cluster, browser, controller, 50000)).toBe(false);
    // Nothing else on the controller pods is open (e.g. a debug port).
    expect(connects(cluster, agent, controller, 5005)).toBe(false);
  });

  it('agents in their own namespace are named by it (kubernetes.io/metadata.name): the same labels elsewhere get nothing', () => {
    const { cluster, controller, agent, policies } = install({ networkPolicy: { enabled: true }, agents: { namespace: 'builds' } });
    expect(agent.namespace).toBe('builds');
    expect(connects(cluster, agent, controller, 50000)).toBe(true);
    expect(connects(cluster, otherPod('jenkins', agent.labels), controller, 50000)).toBe(false);
    expect(connects(cluster, otherPod('builds'), controller, 50000)).toBe(false);
    expect(policies[0].spec.ingress[1].from[0].namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'builds' } });
  });

  it('follows service.agentPort, and with WebSocket agents (over HTTP) keeps the agent port closed', () => {
    const moved = install({ networkPolicy: { enabled: true }, service: { agentPort: 50001 } });
    expect(connects(moved.cluster, moved.agent, moved.controller, 50001)).toBe(true);
    expect(connects(moved.cluster, moved.agent, moved.controller, 50000)).toBe(false);
    const ws = install({ networkPolicy: { enabled: true }, agents: { webSocket: true } });
    expect(connects(ws.cluster, ws.agent, ws.controller, 8080)).toBe(true);
    expect(connects(ws.cluster, ws.agent, ws.controller, 50000)).toBe(false);
  });

  it('restricts no egress: agents reach DNS, git and registries, the controllers their update center', () => {
    const { cluster, controller, agent } = install({ networkPolicy: { enabled: true }, agents: { namespace: 'builds' } });
    expect(connects(cluster, agent, dns(), 53, 'UDP')).toBe(true);
    expect(connects(cluster, agent, dns(), 53, 'TCP')).toBe(true);
    expect(connects(cluster, agent, gitServer, 443)).toBe(true);
    expect(connects(cluster, agent, otherPod('registry', { app: 'registry' }), 5000)).toBe(true);
    expect(connects(cluster, controller, { ip: '151.101.2.132' }, 443)).toBe(true);
    expect(connects(cluster, controller, dns(), 53, 'UDP')).toBe(true);
  });

  it('adds to an admin\'s default-deny ingress (policies are additive); a default-deny egress for agents stays the admin\'s to open', () => {
    const denyAll = (namespace: string, types: string[]) => ({ metadata: { name: 'default-deny', namespace }, spec: { podSelector: {}, policyTypes: types } });
    const { cluster, controller, agent } = install({ networkPolicy: { enabled: true }, agents: { namespace: 'builds' } }, [denyAll('jenkins', ['Ingress']), denyAll('builds', ['Ingress'])]);
    expect(connects(cluster, browser, controller, 8080)).toBe(true);
    expect(connects(cluster, agent, controller, 50000)).toBe(true);
    const strict = install({ networkPolicy: { enabled: true }, agents: { namespace: 'builds' } }, [denyAll('builds', ['Ingress', 'Egress'])]);
    expect(connects(strict.cluster, strict.agent, strict.controller, 50000)).toBe(false);
  });

  it('the evaluator applies Kubernetes\' rules (a check of the check)', () => {
    const pod = otherPod('a', { app: 'x' });
    const only = (spec: Loose) => ({ policies: [{ metadata: { name: 'p', namespace: 'a' }, spec }] });
    expect(connects(only({ podSelector: {} }), otherPod('b'), pod, 80)).toBe(false);
    expect(connects(only({ podSelector: { matchLabels: { app: 'y' } } }), otherPod('b'), pod, 80)).toBe(true);
    // podSelector alone: the policy's own namespace only.
    const fromApp = only({ podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'c' } } }] }] });
    expect(connects(fromApp, otherPod('a', { app: 'c' }), pod, 80)).toBe(true);
    expect(connects(fromApp, otherPod('b', { app: 'c' }), pod, 80)).toBe(false);
    // Two peers are OR; podSelector and namespaceSelector in one peer are AND.
    const and = only({ podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'c' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } }] }] });
    expect(connects(and, otherPod('b', { app: 'c' }), pod, 80)).toBe(true);
    expect(connects(and, otherPod('b', { app: 'd' }), pod, 80)).toBe(false);
    const ports = only({ podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] });
    expect(connects(ports, browser, pod, 80)).toBe(true);
    expect(connects(ports, browser, pod, 80, 'UDP')).toBe(false);
    expect(connects(ports, browser, pod, 81)).toBe(false);
  });
});
