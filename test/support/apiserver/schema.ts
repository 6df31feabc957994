// Just enough of each kind's structural schema for server-side apply and strategic merge: which lists are keyed
// (+listType=map / +listMapKey, patchMergeKey), which are sets (+listType=set), and which structs are atomic
// (+structType=atomic, +mapType=atomic). Everything not named here is "deduced" like structured-merge-diff does for
// unknown fields: objects are granular, lists atomic, scalars leaves.
// Markers from k8s.io/api core/v1/types.go, apps/v1/types.go, meta/v1/types.go (v1.31).

export type Schema =
  /** A granular object. `map` marks a map type (labels, data...): SSA records the map itself when it is created. */
  | { kind: 'struct'; fields?: Record<string, Schema>; elem?: Schema; map?: boolean }
  /** A list keyed by fields: items are owned one by one ("k:{...}"). */
  | { kind: 'map-list'; keys: string[]; elem?: Schema; keyDefaults?: Record<string, unknown> }
  /** A list of unique scalars: items owned one by one ("v:..."). */
  | { kind: 'set-list' }
  /** A leaf: scalars, atomic structs and atomic lists are one field. */
  | { kind: 'atomic' };

const S = (fields?: Record<string, Schema>): Schema => ({ kind: 'struct', ...(fields ? { fields } : {}) });
const MAP: Schema = { kind: 'struct', map: true };
const L = (keys: string[], elem?: Schema, keyDefaults?: Record<string, unknown>): Schema =>
  ({ kind: 'map-list', keys, ...(elem ? { elem } : {}), ...(keyDefaults ? { keyDefaults } : {}) });
const SET: Schema = { kind: 'set-list' };
const ATOMIC: Schema = { kind: 'atomic' };

// meta/v1 ObjectMeta: ownerReferences +listType=map +listMapKey=uid; finalizers +listType=set.
const objectMeta = S({ labels: MAP, annotations: MAP, ownerReferences: L(['uid']), finalizers: SET, managedFields: ATOMIC });
// meta/v1 LabelSelector is +structType=atomic.
const labelSelector = ATOMIC;

const resources = S({ requests: MAP, limits: MAP, claims: L(['name']) });
// core/v1 Container: ports +listMapKey=containerPort +listMapKey=protocol (protocol has +default="TCP"),
// env / volumeMounts (mountPath) / volumeDevices (devicePath) / resizePolicy keyed; command, args, envFrom atomic.
const container = S({
  ports: L(['containerPort', 'protocol'], undefined, { protocol: 'TCP' }),
  env: L(['name']),
  volumeMounts: L(['mountPath']),
  volumeDevices: L(['devicePath']),
  resizePolicy: L(['resourceName']),
  resources,
});
// core/v1 NodeSelector (required node affinity) is +structType=atomic; tolerations is +listType=atomic.
const affinity = S({ nodeAffinity: S({ requiredDuringSchedulingIgnoredDuringExecution: ATOMIC }) });
const podSpec = S({
  containers: L(['name'], container),
  initContainers: L(['name'], container),
  ephemeralContainers: L(['name'], container),
  volumes: L(['name']),
  imagePullSecrets: L(['name']),
  hostAliases: L(['ip']),
  topologySpreadConstraints: L(['topologyKey', 'whenUnsatisfiable']),
  resourceClaims: L(['name']),
  schedulingGates: L(['name']),
  nodeSelector: MAP,
  overhead: MAP,
  affinity,
});
const podTemplate = S({ metadata: objectMeta, spec: podSpec });
const conditions = L(['type']);

function root(spec?: Schema, status?: Schema, extra: Record<string, Schema> = {}): Schema {
  return S({ metadata: objectMeta, ...(spec ? { spec } : {}), ...(status ? { status } : {}), ...extra });
}

export interface SchemaOptions {
  /** PV spec.claimRef is +structType=granular since Kubernetes 1.25 (kubernetes#110495); atomic before. */
  claimRefGranular: boolean;
}

export function schemaFor(kind: string, opts: SchemaOptions): Schema {
  switch (kind) {
    case 'Pod':
      return root(podSpec, S({ conditions, podIPs: L(['ip']), hostIPs: L(['ip']) }));
    case 'StatefulSet':
      // apps/v1 StatefulSetSpec: selector atomic, volumeClaimTemplates +listType=atomic.
      return root(S({ selector: labelSelector, template: podTemplate }), S({ conditions }));
    case 'Service':
      // core/v1 ServiceSpec: ports +listMapKey=port +listMapKey=protocol; selector +mapType=atomic.
      return root(S({ ports: L(['port', 'protocol'], undefined, { protocol: 'TCP' }), selector: ATOMIC }), S({ conditions }));
    case 'PersistentVolume':
      return root(S({
        capacity: MAP,
        claimRef: opts.claimRefGranular ? S() : ATOMIC,
        nodeAffinity: S({ required: ATOMIC }),
      }));
    case 'PersistentVolumeClaim':
      return root(S({ selector: labelSelector, resources }), S({ conditions, capacity: MAP, allocatedResources: MAP }));
    case 'ConfigMap':
      return root(undefined, undefined, { data: MAP, binaryData: MAP });
    case 'Secret':
      return root(undefined, undefined, { data: MAP, stringData: MAP });
    case 'Node':
      return root(S({ podCIDRs: SET }), S({ conditions, addresses: L(['type']), capacity: MAP, allocatable: MAP }));
    case 'StorageClass':
      return root(undefined, undefined, { parameters: MAP });
    case 'Namespace':
      return root(undefined, S({ conditions }));
    default:
      return root();
  }
}

/** The schema of a child: named fields first, then the map's element type; undefined means "deduce". */
export function childSchema(schema: Schema | undefined, key: string): Schema | undefined {
  if (!schema || schema.kind !== 'struct') return undefined;
  return schema.fields?.[key] ?? schema.elem;
}

/** Resolves "deduce": objects are granular structs, lists atomic, scalars leaves (structured-merge-diff deduced type). */
export function resolve(schema: Schema | undefined, value: unknown): Schema {
  if (schema) return schema;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { kind: 'struct' };
  return { kind: 'atomic' };
}
