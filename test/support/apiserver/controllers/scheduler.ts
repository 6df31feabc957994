// kube-scheduler, reduced to its filters that tests meet: volume binding (pkg/scheduler/framework/plugins/
// volumebinding), resources fit (noderesources/fit.go), node unschedulable, taints, node selector, volume node
// affinity. A pod that fits nowhere gets PodScheduled=False/Unschedulable with the scheduler's message
// (pkg/scheduler/framework/types.go FitError.Error, v1.24+ wording with the preemption tail) and a FailedScheduling
// event; otherwise it is bound to the first node (by name) that fits.
import { clone, parseQuantity, type Obj } from '../util.js';
import { attempt, info, list, type ControllerContext } from './context.js';

const SCHEDULER = 'default-scheduler';

function requests(pod: Obj): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of (pod.spec?.containers ?? []) as Obj[]) {
    cpu += parseQuantity(c.resources?.requests?.cpu ?? 0) || 0;
    memory += parseQuantity(c.resources?.requests?.memory ?? 0) || 0;
  }
  // Init containers run one at a time: the pod needs the largest of them, or the sum of the app containers.
  for (const c of (pod.spec?.initContainers ?? []) as Obj[]) {
    cpu = Math.max(cpu, parseQuantity(c.resources?.requests?.cpu ?? 0) || 0);
    memory = Math.max(memory, parseQuantity(c.resources?.requests?.memory ?? 0) || 0);
  }
  return { cpu, memory };
}

function claimNames(pod: Obj): string[] {
  return ((pod.spec?.volumes ?? []) as Obj[]).map((v) => v.persistentVolumeClaim?.claimName).filter(Boolean) as string[];
}

function tolerates(pod: Obj, taint: Obj): boolean {
  return ((pod.spec?.tolerations ?? []) as Obj[]).some((t) =>
    (t.operator === 'Exists' ? (!t.key || t.key === taint.key) : t.key === taint.key && (t.value ?? '') === (taint.value ?? '')) &&
    (!t.effect || t.effect === taint.effect));
}

function nodeSelectorTermsMatch(terms: Obj[] | undefined, node: Obj): boolean {
  if (!terms || terms.length === 0) return true;
  const labels = { ...(node.metadata.labels ?? {}), 'kubernetes.io/hostname': node.metadata.labels?.['kubernetes.io/hostname'] ?? node.metadata.name };
  return terms.some((term) => ((term.matchExpressions ?? []) as Obj[]).every((e) => {
    const v = labels[e.key];
    switch (e.operator) {
      case 'In': return v !== undefined && (e.values ?? []).includes(v);
      case 'NotIn': return v === undefined || !(e.values ?? []).includes(v);
      case 'Exists': return v !== undefined;
      case 'DoesNotExist': return v === undefined;
      default: return false;
    }
  }));
}

function preemptionTail(n: number, reasons: Map<string, number>): string {
  const resourceOnly = [...reasons.keys()].every((r) => r.startsWith('Insufficient') || r === 'Too many pods');
  return resourceOnly
    ? ` preemption: 0/${n} nodes are available: ${n} No preemption victims found for incoming pod.`
    : ` preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`;
}

function unschedulable(ctx: ControllerContext, pod: Obj, message: string): void {
  const cond = ((pod.status?.conditions ?? []) as Obj[]).find((c) => c.type === 'PodScheduled');
  if (cond?.status === 'False' && cond.message === message) return;
  const next = clone(pod);
  next.status.conditions = [
    ...((pod.status?.conditions ?? []) as Obj[]).filter((c) => c.type !== 'PodScheduled'),
    { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: ctx.clock.iso() },
  ];
  if (attempt(() => ctx.registry.controllerUpdate(info('Pod'), next, 'kube-scheduler', 'status'))) {
    ctx.event(pod, 'Warning', 'FailedScheduling', message, SCHEDULER);
  }
}

export function runScheduler(ctx: ControllerContext): void {
  const nodes = list(ctx, 'Node');
  const allPods = list(ctx, 'Pod');
  for (const pod of allPods) {
    if (pod.spec?.nodeName || pod.metadata.deletionTimestamp || (pod.spec?.schedulerName ?? SCHEDULER) !== SCHEDULER) continue;
    if ((pod.spec?.schedulingGates ?? []).length > 0) continue;
    const ns = pod.metadata.namespace;
    const n = nodes.length;

    // VolumeBinding PreFilter: claims that are missing, terminating, or unbound with Immediate binding.
    const claims: Obj[] = [];
    let preFilter: string | undefined;
    for (const name of claimNames(pod)) {
      const pvc = ctx.registry.store.get(info('PersistentVolumeClaim'), ns, name);
      if (!pvc) { preFilter = `persistentvolumeclaim "${name}" not found`; break; }
      if (pvc.metadata.deletionTimestamp) { preFilter = `persistentvolumeclaim "${name}" is being deleted`; break; }
      claims.push(pvc);
    }
    if (preFilter) {
      unschedulable(ctx, pod, `0/${n} nodes are available: ${preFilter}. preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`);
      continue;
    }
    const waitsForConsumer = (pvc: Obj) => {
      const sc = pvc.spec?.storageClassName ? ctx.registry.store.get(info('StorageClass'), undefined, pvc.spec.storageClassName) : undefined;
      return sc?.volumeBindingMode === 'WaitForFirstConsumer';
    };
    const unbound = claims.filter((c) => c.status?.phase !== 'Bound');
    if (unbound.some((c) => !waitsForConsumer(c))) {
      unschedulable(ctx, pod, `0/${n} nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`);
      continue;
    }

    const want = requests(pod);
    const reasons = new Map<string, number>();
    const add = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
    let chosen: Obj | undefined;
    for (const node of nodes) {
      const why: string[] = [];
      if (node.spec?.unschedulable) why.push('node(s) were unschedulable');
      const taint = ((node.spec?.taints ?? []) as Obj[]).find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(pod, t));
      if (taint) why.push(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
      const sel = pod.spec?.nodeSelector ?? {};
      const affinityTerms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
      if (!Object.entries(sel).every(([k, v]) => node.metadata.labels?.[k] === v) || !nodeSelectorTermsMatch(affinityTerms, node)) {
        why.push("node(s) didn't match Pod's node affinity/selector");
      }
      for (const pvc of claims.filter((c) => c.spec?.volumeName)) {
        const pv = ctx.registry.store.get(info('PersistentVolume'), undefined, pvc.spec.volumeName);
        if (pv && !nodeSelectorTermsMatch(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms, node)) why.push('node(s) had volume node affinity conflict');
      }
      const onNode = allPods.filter((p) => p.spec?.nodeName === node.metadata.name && !['Succeeded', 'Failed'].includes(p.status?.phase));
      const used = onNode.reduce((acc, p) => { const r = requests(p); return { cpu: acc.cpu + r.cpu, memory: acc.memory + r.memory }; }, { cpu: 0, memory: 0 });
      const alloc = node.status?.allocatable ?? {};
      if (alloc.pods !== undefined && onNode.length + 1 > Number(alloc.pods)) why.push('Too many pods');
      if (alloc.cpu !== undefined && want.cpu > 0 && used.cpu + want.cpu > parseQuantity(alloc.cpu) + 1e-9) why.push('Insufficient cpu');
      if (alloc.memory !== undefined && want.memory > 0 && used.memory + want.memory > parseQuantity(alloc.memory)) why.push('Insufficient memory');
      if (why.length === 0) {
        chosen = node;
        break;
      }
      for (const r of new Set(why)) add(r);
    }
    if (!chosen) {
      // FitError.Error: "<count> <reason>" pieces sorted as strings.
      const parts = [...reasons].map(([r, c]) => `${c} ${r}`).sort();
      const head = n === 0 ? `0/0 nodes are available` : `0/${n} nodes are available: ${parts.join(', ')}`;
      unschedulable(ctx, pod, `${head}.${n === 0 ? '' : preemptionTail(n, reasons)}`);
      continue;
    }
    const nodeName = chosen.metadata.name;
    // WaitForFirstConsumer claims learn their node first; binding waits for the provisioner.
    let waiting = false;
    for (const pvc of unbound) {
      waiting = true;
      if (pvc.metadata.annotations?.['volume.kubernetes.io/selected-node'] !== nodeName) {
        const next = clone(pvc);
        next.metadata.annotations = { ...(next.metadata.annotations ?? {}), 'volume.kubernetes.io/selected-node': nodeName };
        attempt(() => ctx.registry.controllerUpdate(info('PersistentVolumeClaim'), next, 'kube-scheduler'));
      }
    }
    if (waiting) continue;
    // The binding subresource: spec.nodeName, then the PodScheduled condition.
    const bound = clone(pod);
    bound.spec.nodeName = nodeName;
    if (!attempt(() => ctx.registry.controllerUpdate(info('Pod'), bound, 'kube-scheduler'))) continue;
    const fresh = ctx.registry.store.get(info('Pod'), ns, pod.metadata.name);
    if (!fresh) continue;
    fresh.status.conditions = [
      ...((fresh.status?.conditions ?? []) as Obj[]).filter((c) => c.type !== 'PodScheduled'),
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: ctx.clock.iso() },
    ];
    attempt(() => ctx.registry.controllerUpdate(info('Pod'), fresh, 'kube-scheduler', 'status'));
    ctx.event(fresh, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${pod.metadata.name} to ${nodeName}`, SCHEDULER);
  }
}
