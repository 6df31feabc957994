// Builds the status a user reads (pods, volumes, where to open Jenkins) from what the API returned.
import type { V1Node, V1PersistentVolumeClaim, V1Pod, V1Service } from '@kubernetes/client-node';
import type { ControllerPodStatus, VolumeStatus } from '../../operations/target.js';

export function controllerPod(pod: V1Pod, now: number): ControllerPodStatus {
  const statuses = pod.status?.containerStatuses ?? [];
  const created = pod.metadata?.creationTimestamp ? new Date(pod.metadata.creationTimestamp).getTime() : undefined;
  const waiting = [...(pod.status?.initContainerStatuses ?? []), ...statuses].find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason;
  const unschedulable = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')?.reason;
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const status: ControllerPodStatus = {
    name: pod.metadata?.name ?? '?',
    phase: pod.status?.phase ?? 'Unknown',
    ready,
    restarts: statuses.reduce((sum, c) => sum + (c.restartCount ?? 0), 0),
  };
  if (pod.spec?.nodeName) status.node = pod.spec.nodeName;
  if (created !== undefined) status.ageSeconds = Math.max(0, Math.round((now - created) / 1000));
  const reason = ready ? undefined : (waiting ?? unschedulable);
  if (reason) status.reason = reason;
  return status;
}

export function volume(claim: V1PersistentVolumeClaim): VolumeStatus {
  const status: VolumeStatus = { claim: claim.metadata?.name ?? '?', phase: claim.status?.phase ?? 'Unknown' };
  if (claim.spec?.volumeName) status.volume = claim.spec.volumeName;
  return status;
}

function nodeAddress(node: V1Node): string | undefined {
  const addresses = node.status?.addresses ?? [];
  return (addresses.find((a) => a.type === 'ExternalIP') ?? addresses.find((a) => a.type === 'InternalIP'))?.address;
}

/** Best first: load balancer, node address + NodePort, then the in-cluster name (always reachable from pods). */
export function serviceUrls(service: V1Service | undefined, nodes: V1Node[], fallback: { name: string; namespace: string; port: number; clusterDomain?: string }): string[] {
  const urls: string[] = [];
  const port = service?.spec?.ports?.find((p) => p.name === 'http') ?? service?.spec?.ports?.[0];
  const servicePort = port?.port ?? fallback.port;
  for (const ingress of service?.status?.loadBalancer?.ingress ?? []) {
    const host = ingress.hostname ?? ingress.ip;
    if (host) urls.push(`http://${host}:${servicePort}/`);
  }
  if ((service?.spec?.type === 'NodePort' || service?.spec?.type === 'LoadBalancer') && port?.nodePort) {
    for (const node of nodes) {
      const address = nodeAddress(node);
      if (address) urls.push(`http://${address}:${port.nodePort}/`);
    }
  }
  urls.push(`http://${fallback.name}.${fallback.namespace}.svc.${fallback.clusterDomain ?? 'cluster.local'}:${servicePort}/`);
  return [...new Set(urls)];
}
