// Per-kind steps the registry runs on create and update besides defaulting (pkg/registry/<group>/<kind>/strategy.go
// PrepareForCreate / PrepareForUpdate, and the admission plugins every cluster runs).
import { invalid, invalidValue, type FieldError } from './errors.js';
import type { ResourceInfo } from './resources.js';
import type { Store } from './store.js';
import { byKind } from './resources.js';
import { isObject, type Obj } from './util.js';

export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION = 'kubernetes.io/pv-protection';
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

export interface AllocatorConfig {
  /** First address handed out from 10.96.0.0/12; 10.96.0.1 is the kubernetes Service. */
  firstClusterIP: number;
  nodePortMin: number;
  nodePortMax: number;
}

// Status is the controllers' to write: a create through the main endpoint starts from the kind's empty status.
export function initialStatus(kind: string, obj: Obj): Obj | undefined {
  switch (kind) {
    case 'Pod': return { phase: 'Pending', qosClass: qosClass(obj.spec ?? {}) };
    case 'StatefulSet': return { replicas: 0, availableReplicas: 0 };
    case 'PersistentVolumeClaim': return { phase: 'Pending' };
    case 'PersistentVolume': return { phase: 'Pending' };
    case 'Service': return { loadBalancer: {} };
    case 'Namespace': return { phase: 'Active' };
    // PrepareForCreate resets status to the zero struct: PodDisruptionBudgetStatus' counts are not omitempty
    // (pkg/registry/policy/poddisruptionbudget/strategy.go); IngressStatus' loadBalancer is a struct, never omitted.
    case 'PodDisruptionBudget': return { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
    case 'Ingress': return { loadBalancer: {} };
    default: return undefined;
  }
}

// pkg/apis/core/helper/qos GetPodQOS, simplified to cpu and memory.
function qosClass(spec: Obj): string {
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])] as Obj[];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined || (req[r] !== undefined && req[r] !== lim[r])) guaranteed = false;
    }
  }
  return !any ? 'BestEffort' : guaranteed ? 'Guaranteed' : 'Burstable';
}

/**
 * A Secret's write-only stringData is merged into data (base64) when the object is decoded, stringData winning, and
 * never stored (k8s.io/kubernetes pkg/apis/core/v1/conversion.go, Convert_v1_Secret_To_core_Secret).
 */
export function convertStringData(kind: string, obj: Obj): void {
  if (kind !== 'Secret' || !obj.stringData || typeof obj.stringData !== 'object') return;
  const data: Record<string, string> = { ...(obj.data ?? {}) };
  for (const [k, v] of Object.entries(obj.stringData as Record<string, string>)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  obj.data = data;
  delete obj.stringData;
}

/** Admission on create: storage protection finalizers and the default StorageClass (plugin/pkg/admission/storage). */
export function admitCreate(kind: string, obj: Obj, store: Store): void {
  const addFinalizer = (f: string) => {
    const list: string[] = obj.metadata.finalizers ?? [];
    if (!list.includes(f)) obj.metadata.finalizers = [...list, f];
  };
  if (kind === 'PersistentVolumeClaim') {
    addFinalizer(PVC_PROTECTION);
    if (obj.spec && obj.spec.storageClassName === undefined) {
      const def = store.list(byKind('StorageClass')).find((sc) => sc.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
      if (def) obj.spec.storageClassName = def.metadata.name;
    }
  }
  if (kind === 'PersistentVolume') addFinalizer(PV_PROTECTION);
}

function ipToString(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

const SERVICE_CIDR_BASE = ipToNumber('10.96.0.0');
const SERVICE_CIDR_SIZE = 1 << 20;

function servicesExcept(store: Store, obj: Obj): Obj[] {
  return store.list(byKind('Service')).filter((s) => !(s.metadata.namespace === obj.metadata.namespace && s.metadata.name === obj.metadata.name));
}

function needsNodePorts(spec: Obj): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer';
}

/**
 * ClusterIP and NodePort allocation (pkg/registry/core/service/storage/alloc.go, ipallocator, portallocator).
 * Real allocation is random; here it is the lowest free value, so tests can predict it. Dynamic node ports start
 * above the static band (ServiceNodePortStaticSubrange: min(max(16, size/32), 128) ports at the bottom).
 */
export function allocateService(info: ResourceInfo, obj: Obj, old: Obj | undefined, store: Store, cfg: AllocatorConfig): void {
  const spec = obj.spec;
  if (!isObject(spec) || spec.type === 'ExternalName') return;
  const others = servicesExcept(store, obj);
  const errs: FieldError[] = [];

  // patchAllocatedValues: an update that leaves allocated values out keeps them.
  if (old?.spec) {
    if (!spec.clusterIP && old.spec.clusterIP) {
      spec.clusterIP = old.spec.clusterIP;
      if (!spec.clusterIPs) spec.clusterIPs = old.spec.clusterIPs;
    }
    if (!spec.ipFamilies && old.spec.ipFamilies) spec.ipFamilies = old.spec.ipFamilies;
    if (!spec.ipFamilyPolicy && old.spec.ipFamilyPolicy) spec.ipFamilyPolicy = old.spec.ipFamilyPolicy;
    if (needsNodePorts(old.spec) && needsNodePorts(spec)) {
      const byName = new Map<string, number>(((old.spec.ports ?? []) as Obj[]).map((p) => [String(p.name ?? ''), p.nodePort]));
      const used = new Set(((spec.ports ?? []) as Obj[]).map((p) => p.nodePort).filter(Boolean));
      for (const p of (spec.ports ?? []) as Obj[]) {
        const was = byName.get(String(p.name ?? ''));
        if (!p.nodePort && was && !used.has(was)) p.nodePort = was;
      }
    }
  }
  if (spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
  if (!old || !old.spec?.clusterIP) {
    const taken = new Set(others.map((s) => s.spec?.clusterIP).filter(Boolean));
    if (spec.clusterIP === 'None') {
      spec.clusterIPs = ['None'];
    } else if (spec.clusterIP) {
      const n = ipToNumber(spec.clusterIP);
      if (!(n > SERVICE_CIDR_BASE && n < SERVICE_CIDR_BASE + SERVICE_CIDR_SIZE - 1)) {
        errs.push(invalidValue('spec.clusterIPs', spec.clusterIPs, `failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is 10.96.0.0/12`));
      } else if (taken.has(spec.clusterIP)) {
        errs.push(invalidValue('spec.clusterIPs', spec.clusterIPs, `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`));
      }
    } else {
      let n = SERVICE_CIDR_BASE + cfg.firstClusterIP;
      while (taken.has(ipToString(n))) n++;
      spec.clusterIP = ipToString(n);
      spec.clusterIPs = [spec.clusterIP];
    }
    if (!spec.ipFamilies) spec.ipFamilies = ['IPv4'];
    if (!spec.ipFamilyPolicy) spec.ipFamilyPolicy = 'SingleStack';
  }

  if (needsNodePorts(spec)) {
    const taken = new Set<number>();
    for (const s of others) for (const p of (s.spec?.ports ?? []) as Obj[]) if (p.nodePort) taken.add(p.nodePort);
    const oldPorts = new Set<number>(((old?.spec?.ports ?? []) as Obj[]).map((p) => p.nodePort).filter(Boolean));
    const mine = new Set<number>();
    ((spec.ports ?? []) as Obj[]).forEach((p, i) => {
      if (!p.nodePort) return;
      if (p.nodePort < cfg.nodePortMin || p.nodePort > cfg.nodePortMax) {
        errs.push(invalidValue(`spec.ports[${i}].nodePort`, p.nodePort,
          `provided port is not in the valid range. The range of valid ports is ${cfg.nodePortMin}-${cfg.nodePortMax}`));
      } else if ((taken.has(p.nodePort) || mine.has(p.nodePort)) && !oldPorts.has(p.nodePort)) {
        errs.push(invalidValue(`spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated'));
      }
      mine.add(p.nodePort);
    });
    const size = cfg.nodePortMax - cfg.nodePortMin + 1;
    let next = cfg.nodePortMin + Math.min(Math.max(16, Math.floor(size / 32)), 128);
    for (const p of (spec.ports ?? []) as Obj[]) {
      if (p.nodePort) continue;
      while (taken.has(next) || mine.has(next)) next++;
      p.nodePort = next;
      mine.add(next);
    }
  } else {
    // dropTypeDependentFields: node ports left over from a NodePort type go; set on purpose they are an error.
    const wasNodePort = !!old?.spec && needsNodePorts(old.spec);
    ((spec.ports ?? []) as Obj[]).forEach((p, i) => {
      if (p.nodePort === undefined) return;
      if (wasNodePort) delete p.nodePort;
      else errs.push({ type: 'FieldValueForbidden', field: `spec.ports[${i}].nodePort`, detail: `may not be used when \`type\` is '${String(spec.type)}'` });
    });
  }
  if (errs.length) throw invalid(info, obj.metadata.name, errs);
}
