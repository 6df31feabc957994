// The kinds this server knows, with the names API discovery reports for them
// (kubectl api-resources on a v1.31 cluster; k8s.io/api <group>/<version>/register.go).
export interface ResourceInfo {
  group: string;
  version: string;
  /** "v1" or "<group>/<version>". */
  apiVersion: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Has a /status subresource: the main endpoint ignores status and /status ignores the rest. */
  status: boolean;
  /** Other subresources served: discovery lists them as "<plural>/<sub>". */
  subresources?: string[];
  /**
   * Defined by a CustomResourceDefinition: served (REST and discovery) only once the test registers it, like a
   * cluster where the operator that ships the CRD is installed. Elsewhere its group answers 404.
   */
  crd?: boolean;
}

/** The CRD kinds a server serves (ApiServerOptions.crds / registerCrd). */
export type ServedCrds = ReadonlySet<string>;

const served = (res: ResourceInfo, crds: ServedCrds) => !res.crd || crds.has(res.kind);

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function r(apiVersion: string, kind: string, plural: string, namespaced: boolean, extra: Partial<ResourceInfo> = {}): ResourceInfo {
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  return { group, version, apiVersion, kind, plural, singular: kind.toLowerCase(), namespaced, status: false, ...extra };
}

export const RESOURCES: readonly ResourceInfo[] = [
  r('v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'], status: true }),
  r('v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  r('v1', 'Secret', 'secrets', true),
  r('v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  r('v1', 'Service', 'services', true, { shortNames: ['svc'], status: true }),
  r('v1', 'PersistentVolume', 'persistentvolumes', false, { shortNames: ['pv'], status: true }),
  r('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, { shortNames: ['pvc'], status: true }),
  r('v1', 'Pod', 'pods', true, { shortNames: ['po'], status: true, subresources: ['log'] }),
  r('v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  r('v1', 'Node', 'nodes', false, { shortNames: ['no'], status: true }),
  r('apps/v1', 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'], status: true, subresources: ['scale'] }),
  r('apps/v1', 'ControllerRevision', 'controllerrevisions', true),
  r('rbac.authorization.k8s.io/v1', 'Role', 'roles', true),
  r('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true),
  r('rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false),
  r('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  r('coordination.k8s.io/v1', 'Lease', 'leases', true),
  r('storage.k8s.io/v1', 'StorageClass', 'storageclasses', false, { shortNames: ['sc'] }),
  r('networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true, { shortNames: ['netpol'] }),
  r('networking.k8s.io/v1', 'Ingress', 'ingresses', true, { shortNames: ['ing'], status: true }),
  r('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, { shortNames: ['pdb'], status: true }),
  // prometheus-operator's CRD (servicemonitors.monitoring.coreos.com; kubectl api-resources shows short name smon).
  r('monitoring.coreos.com/v1', 'ServiceMonitor', 'servicemonitors', true, { shortNames: ['smon'], crd: true }),
];

/** CRD kinds this server knows how to serve once registered. */
export const CRD_KINDS: readonly string[] = RESOURCES.filter((res) => res.crd).map((res) => res.kind);

export function byKind(kindOrPlural: string, apiVersion?: string): ResourceInfo {
  const k = kindOrPlural.toLowerCase();
  const found = RESOURCES.find((res) =>
    (res.kind.toLowerCase() === k || res.plural === k || res.singular === k || res.shortNames?.includes(k)) &&
    (apiVersion === undefined || res.apiVersion === apiVersion));
  if (!found) throw new Error(`fake apiserver: unknown kind ${apiVersion ?? ''} ${kindOrPlural}`);
  return found;
}

export function byPath(group: string, version: string, plural: string, crds: ServedCrds = new Set()): ResourceInfo | undefined {
  return RESOURCES.find((res) => res.group === group && res.version === version && res.plural === plural && served(res, crds));
}

/** "statefulsets.apps", "pods": how errors name a resource (schema.GroupResource.String()). */
export function qualifiedResource(info: ResourceInfo): string {
  return info.group ? `${info.plural}.${info.group}` : info.plural;
}

/** "StatefulSet.apps", "Service": how validation errors name a kind (schema.GroupKind.String()). */
export function qualifiedKind(info: ResourceInfo): string {
  return info.group ? `${info.kind}.${info.group}` : info.kind;
}

// Discovery documents (k8s.io/apimachinery/pkg/apis/meta/v1 APIVersions, APIGroupList, APIResourceList).

export function coreVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groups(crds: ServedCrds): Array<{ name: string; version: string }> {
  const seen = new Map<string, string>();
  for (const res of RESOURCES) if (res.group && served(res, crds) && !seen.has(res.group)) seen.set(res.group, res.version);
  return [...seen].map(([name, version]) => ({ name, version }));
}

export function apiGroup(name: string, crds: ServedCrds = new Set()) {
  const g = groups(crds).find((x) => x.name === name);
  if (!g) return undefined;
  const gv = { groupVersion: `${g.name}/${g.version}`, version: g.version };
  return { kind: 'APIGroup', apiVersion: 'v1', name: g.name, versions: [gv], preferredVersion: gv };
}

export function apiGroupList(crds: ServedCrds = new Set()) {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups(crds).map((g) => { const { kind: _k, apiVersion: _a, ...rest } = apiGroup(g.name, crds)!; return rest; }) };
}

export function resourceList(group: string, version: string, crds: ServedCrds = new Set()) {
  const list = RESOURCES.filter((res) => res.group === group && res.version === version && served(res, crds));
  if (list.length === 0) return undefined;
  const resources: object[] = [];
  for (const res of list) {
    resources.push({
      name: res.plural, singularName: res.singular, namespaced: res.namespaced, kind: res.kind, verbs: ALL_VERBS,
      ...(res.shortNames ? { shortNames: res.shortNames } : {}),
    });
    if (res.status) {
      resources.push({ name: `${res.plural}/status`, singularName: '', namespaced: res.namespaced, kind: res.kind, verbs: ['get', 'patch', 'update'] });
    }
    for (const sub of res.subresources ?? []) {
      const kind = sub === 'scale' ? 'Scale' : res.kind;
      const verbs = sub === 'log' ? ['get'] : ['get', 'patch', 'update'];
      resources.push({ name: `${res.plural}/${sub}`, singularName: '', namespaced: res.namespaced, kind, verbs,
        ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1' } : {}) });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}
