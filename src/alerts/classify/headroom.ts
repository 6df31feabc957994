// How much room is left on the roomiest node: allocatable minus the requests of the pods placed there.
import type { CoreV1Api } from '@kubernetes/client-node';
import { parseQuantity } from '../../instance/quantity.js';
import type { Headroom } from './scheduling.js';
import type { Clock } from '../../kube/clock.js';

export interface NodeLike {
  metadata?: { name?: string };
  spec?: { unschedulable?: boolean };
  status?: { allocatable?: Record<string, string> };
}
export interface PlacedPodLike {
  spec?: { nodeName?: string; containers?: Array<{ resources?: { requests?: Record<string, string> } }> };
  status?: { phase?: string };
}

function requested(pod: PlacedPodLike, key: 'cpu' | 'memory'): number {
  let total = 0;
  for (const c of pod.spec?.containers ?? []) {
    const q = c.resources?.requests?.[key];
    total += q ? parseQuantity(q) ?? 0 : 0;
  }
  return total;
}

export function computeHeadroom(nodes: NodeLike[], pods: PlacedPodLike[]): Headroom | undefined {
  const used = new Map<string, { cpu: number; memory: number }>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    if (!node || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    const u = used.get(node) ?? { cpu: 0, memory: 0 };
    u.cpu += requested(pod, 'cpu');
    u.memory += requested(pod, 'memory');
    used.set(node, u);
  }
  let best: Headroom | undefined;
  for (const node of nodes) {
    const name = node.metadata?.name;
    if (!name || node.spec?.unschedulable) continue;
    const cpu = parseQuantity(node.status?.allocatable?.cpu ?? '0') ?? 0;
    const memory = parseQuantity(node.status?.allocatable?.memory ?? '0') ?? 0;
    const u = used.get(name) ?? { cpu: 0, memory: 0 };
    const freeCpu = Math.max(0, cpu - u.cpu);
    const freeMemory = Math.max(0, memory - u.memory);
    if (!best) {
      best = { cpuCores: freeCpu, cpuNode: name, memoryBytes: freeMemory, memoryNode: name };
      continue;
    }
    if (freeCpu > best.cpuCores) Object.assign(best, { cpuCores: freeCpu, cpuNode: name });
    if (freeMemory > best.memoryBytes) Object.assign(best, { memoryBytes: freeMemory, memoryNode: name });
  }
  return best;
}

export type HeadroomReader = () => Promise<Headroom | undefined>;

/** Reads nodes and placed pods at most once per `ttlMs`; without permission to read them, gives no headroom. */
export function cachedHeadroomReader(core: CoreV1Api, clock: Clock, ttlMs = 30_000): HeadroomReader {
  let cached: { at: number; value: Headroom | undefined } | undefined;
  return async () => {
    if (cached && clock.now() - cached.at < ttlMs) return cached.value;
    let value: Headroom | undefined;
    try {
      const [nodes, pods] = await Promise.all([
        core.listNode({}),
        core.listPodForAllNamespaces({ fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' }),
      ]);
      value = computeHeadroom(nodes.items as NodeLike[], pods.items as PlacedPodLike[]);
    } catch {
      value = undefined; // nodes not readable (RBAC) or API down: the alert goes out without headroom
    }
    cached = { at: clock.now(), value };
    return value;
  };
}
