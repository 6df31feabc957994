// Kubernetes NetworkPolicy semantics, as https://kubernetes.io/docs/concepts/services-networking/network-policies/
// and the networking.k8s.io/v1 API reference define them, to judge a connection between two endpoints:
// - a pod is isolated for ingress (egress) when a policy of its namespace selects it and lists Ingress (Egress) in
//   policyTypes (defaulted: Ingress, plus Egress when egress rules are given); a pod no policy selects is open;
// - policies are additive: an isolated pod takes what any selecting policy's rules allow, nothing else;
// - a rule without `from`/`to` matches every peer, without `ports` every port; a peer with podSelector alone means
//   pods of the policy's own namespace, namespaceSelector alone every pod of those namespaces, both together pods
//   matching the podSelector in those namespaces; ipBlock matches addresses (here: endpoints outside the cluster);
// - a port is a number or a container port's name on the destination pod; protocol defaults to TCP;
// - a connection happens only when the source's egress and the destination's ingress both allow it.

/* eslint-disable @typescript-eslint/no-explicit-any */
type Loose = any;

export interface PodEndpoint {
  namespace: string;
  labels: Record<string, string>;
  /** Named container ports, for policies that name a port. */
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
}

export interface ExternalEndpoint {
  /** An address outside the cluster (a user's browser, a load balancer, a git server). */
  ip: string;
}

export type Endpoint = PodEndpoint | ExternalEndpoint;

export interface Cluster {
  policies: Loose[];
  /** Namespace labels; every namespace also carries kubernetes.io/metadata.name = its name. */
  namespaceLabels?: Record<string, Record<string, string>>;
}

const isPod = (e: Endpoint): e is PodEndpoint => 'namespace' in e;

function selectorMatches(selector: Loose, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries((selector.matchLabels ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  for (const e of (selector.matchExpressions ?? []) as Loose[]) {
    const has = e.key in labels;
    const value = labels[e.key];
    const ok = e.operator === 'In' ? has && e.values.includes(value)
      : e.operator === 'NotIn' ? !has || !e.values.includes(value)
        : e.operator === 'Exists' ? has
          : e.operator === 'DoesNotExist' ? !has
            : false;
    if (!ok) return false;
  }
  return true;
}

function nsLabels(cluster: Cluster, namespace: string): Record<string, string> {
  return { ...(cluster.namespaceLabels?.[namespace] ?? {}), 'kubernetes.io/metadata.name': namespace };
}

function ipInCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/') as [string, string];
  const n = (a: string) => a.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(base) / size);
}

function peerMatches(cluster: Cluster, policy: Loose, peer: Loose, other: Endpoint): boolean {
  if (peer.ipBlock) {
    if (isPod(other)) return false; // pod addresses: implementation-defined; never relied upon here
    return ipInCidr(other.ip, peer.ipBlock.cidr) && !((peer.ipBlock.except ?? []) as string[]).some((c) => ipInCidr(other.ip, c));
  }
  if (!isPod(other)) return false;
  const namespaceOk = peer.namespaceSelector
    ? selectorMatches(peer.namespaceSelector, nsLabels(cluster, other.namespace))
    : other.namespace === policy.metadata.namespace;
  return namespaceOk && (!peer.podSelector || selectorMatches(peer.podSelector, other.labels));
}

function portMatches(rulePort: Loose, port: number, protocol: string, target: Endpoint): boolean {
  if ((rulePort.protocol ?? 'TCP') !== protocol) return false;
  if (rulePort.port === undefined) return true;
  if (typeof rulePort.port === 'number') return rulePort.endPort ? port >= rulePort.port && port <= rulePort.endPort : port === rulePort.port;
  // A named port is looked up on the pod the policy protects (or reaches).
  return isPod(target) && (target.ports ?? []).some((p) => p.name === rulePort.port && p.containerPort === port && (p.protocol ?? 'TCP') === protocol);
}

function policyTypes(policy: Loose): string[] {
  const given: string[] | undefined = policy.spec.policyTypes;
  if (given?.length) return given;
  return ['Ingress', ...(policy.spec.egress?.length ? ['Egress'] : [])];
}

/** Whether `pod`'s side lets the connection through, in direction `type`, with `other` at the far end. */
function sideAllows(cluster: Cluster, pod: PodEndpoint, type: 'Ingress' | 'Egress', other: Endpoint, port: number, protocol: string): boolean {
  const selecting = cluster.policies.filter((p) => p.metadata.namespace === pod.namespace && selectorMatches(p.spec.podSelector ?? {}, pod.labels) && policyTypes(p).includes(type));
  if (selecting.length === 0) return true;
  const portHolder = type === 'Ingress' ? pod : other;
  return selecting.some((policy) => ((type === 'Ingress' ? policy.spec.ingress : policy.spec.egress) ?? []).some((rule: Loose) => {
    const peers: Loose[] | undefined = type === 'Ingress' ? rule.from : rule.to;
    const peerOk = !peers || peers.length === 0 || peers.some((peer) => peerMatches(cluster, policy, peer, other));
    const portOk = !rule.ports || rule.ports.length === 0 || rule.ports.some((rp: Loose) => portMatches(rp, port, protocol, portHolder));
    return peerOk && portOk;
  }));
}

/** Whether a connection from `from` to `to` on `port`/`protocol` is allowed by the cluster's NetworkPolicies. */
export function connects(cluster: Cluster, from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
  const egress = isPod(from) ? sideAllows(cluster, from, 'Egress', to, port, protocol) : true;
  const ingress = isPod(to) ? sideAllows(cluster, to, 'Ingress', from, port, protocol) : true;
  return egress && ingress;
}
