// networkPolicy: what may connect to the controller pods. HTTP is open to every source, because the Service may be
// reached through a NodePort, a load balancer or an Ingress controller, whose traffic arrives from addresses no
// selector can name. The inbound-agent port is open only to the pods this instance's Kubernetes cloud starts (they
// carry its podLabels), in the agents' namespace. Nothing else is restricted: the controllers' own egress and the
// agents' egress (DNS, git, registries, the controller) stay as the cluster allows them.
import type { InstanceSpec } from '../instance/index.js';
import { controllerSelector, instanceLabels, LABEL_AGENT_INSTANCE, names } from '../instance/naming.js';

/** The label every namespace carries with its own name (Kubernetes ≥ 1.21, set by the API server). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function networkPolicyContext(spec: InstanceSpec, httpContainerPort: number) {
  if (!spec.networkPolicy?.enabled) return undefined;
  const agentNamespace = spec.agents.namespace ?? spec.namespace;
  return {
    name: names.controllerNetworkPolicy(spec.name),
    labels: instanceLabels(spec.name, 'network'),
    podSelector: controllerSelector(spec.name),
    httpPort: httpContainerPort,
    // WebSocket agents come in over HTTP: no agent port to open.
    agents: spec.agents.webSocket
      ? undefined
      : {
          port: spec.service.agentPort,
          podSelector: { [LABEL_AGENT_INSTANCE]: spec.name },
          // A podSelector alone means "in the policy's own namespace"; agents elsewhere are named by their namespace.
          namespaceSelector: agentNamespace !== spec.namespace ? { [NAMESPACE_NAME_LABEL]: agentNamespace } : undefined,
        },
  };
}
