// Update validation: which fields may change, with the apiserver's wording.
// pkg/apis/apps/validation/validation.go ValidateStatefulSetUpdate,
// pkg/apis/core/validation/validation.go ValidatePersistentVolumeUpdate, ValidatePersistentVolumeClaimUpdate,
// ValidateServiceUpdate (validateUpgradeDowngradeClusterIPs), ValidatePodUpdate, ValidateConfigMapUpdate,
// ValidateSecretUpdate; pkg/apis/rbac/validation ValidateRoleBindingUpdate; pkg/apis/networking/validation
// (ValidateNetworkPolicySpec, validateHTTPIngressPath) and pkg/apis/policy/validation (ValidatePodDisruptionBudgetSpec),
// which apply on create and update alike: NetworkPolicy, Ingress and PodDisruptionBudget specs have no immutable field.
import { forbiddenField, immutable, invalidValue, required, type FieldError } from './errors.js';
import { matchesSelector } from './selectors.js';
import { clone, deepEqual, isObject, parseQuantity, type Obj } from './util.js';

/** Kubernetes minor version, e.g. 31 for "1.31". */
export type Minor = number;

export function statefulSetForbiddenMessage(minor: Minor): string {
  // The list grew: 'ordinals' in 1.26 (StatefulSetStartOrdinal), 'revisionHistoryLimit' in 1.33 (kubernetes#130263).
  const fields = ["'replicas'", ...(minor >= 26 ? ["'ordinals'"] : []), "'template'", "'updateStrategy'",
    ...(minor >= 33 ? ["'revisionHistoryLimit'"] : []), "'persistentVolumeClaimRetentionPolicy'"];
  return `updates to statefulset spec for fields other than ${fields.join(', ')} and 'minReadySeconds' are forbidden`;
}

function validateStatefulSetUpdate(next: Obj, old: Obj, minor: Minor): FieldError[] {
  const a = clone(next.spec ?? {});
  const b = clone(old.spec ?? {});
  const mutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds',
    ...(minor >= 33 ? ['revisionHistoryLimit'] : [])];
  for (const f of mutable) {
    delete a[f];
    delete b[f];
  }
  return deepEqual(a, b) ? [] : [forbiddenField('spec', statefulSetForbiddenMessage(minor))];
}

// Fields of PersistentVolumeSpec that are not the volume source.
const PV_NON_SOURCE = new Set(['capacity', 'accessModes', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'mountOptions',
  'volumeMode', 'nodeAffinity', 'volumeAttributesClassName']);

function pick(spec: Obj | undefined, keep: (k: string) => boolean): Obj {
  return Object.fromEntries(Object.entries(spec ?? {}).filter(([k]) => keep(k)));
}

function diff(a: unknown, b: unknown): string {
  return `  - ${JSON.stringify(a)}\n  + ${JSON.stringify(b)}`;
}

function validatePersistentVolumeUpdate(next: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const src = (o: Obj) => pick(o.spec, (k) => !PV_NON_SOURCE.has(k));
  if (!deepEqual(src(next), src(old))) {
    errs.push(forbiddenField('spec.persistentvolumesource', `spec.persistentvolumesource is immutable after creation\n${diff(src(old), src(next))}`));
  }
  if (next.spec?.volumeMode !== old.spec?.volumeMode) errs.push(immutable('volumeMode', next.spec?.volumeMode));
  // Setting node affinity is allowed once; the path really is "nodeAffinity" (validatePvNodeAffinity).
  if (old.spec?.nodeAffinity && !deepEqual(next.spec?.nodeAffinity, old.spec.nodeAffinity)) {
    errs.push(immutable('nodeAffinity', next.spec?.nodeAffinity ?? null));
  }
  return errs;
}

function validatePersistentVolumeClaimUpdate(next: Obj, old: Obj, minor: Minor): FieldError[] {
  const a = clone(next.spec ?? {});
  const b = clone(old.spec ?? {});
  // The binder sets volumeName once; a missing class may be set once (DefaultStorageClass retroactive assignment).
  if (!b.volumeName) b.volumeName = a.volumeName;
  if (b.storageClassName === undefined) b.storageClassName = a.storageClassName;
  const bound = old.status?.phase === 'Bound';
  if (bound) {
    a.resources = { ...(a.resources ?? {}), requests: { ...(a.resources?.requests ?? {}) } };
    b.resources = { ...(b.resources ?? {}), requests: { ...(b.resources?.requests ?? {}) } };
    a.resources.requests.storage = b.resources.requests.storage;
  }
  const errs: FieldError[] = [];
  if (!deepEqual(a, b)) {
    const what = minor >= 29 ? 'resources.requests and volumeAttributesClassName' : 'resources.requests';
    errs.push(forbiddenField('spec', `spec is immutable after creation except ${what} for bound claims\n${diff(old.spec, next.spec)}`));
  } else if (bound) {
    const before = parseQuantity(old.spec?.resources?.requests?.storage);
    const after = parseQuantity(next.spec?.resources?.requests?.storage);
    if (after < before) {
      errs.push(forbiddenField('spec.resources.requests.storage',
        minor >= 32 ? 'field can not be less than status.capacity' : 'field can not be less than previous value'));
    }
  }
  return errs;
}

function validateServiceUpdate(next: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (old.spec?.type === 'ExternalName' || next.spec?.type === 'ExternalName') return errs;
  const oldIPs: string[] = old.spec?.clusterIPs ?? [];
  const newIPs: string[] = next.spec?.clusterIPs ?? [];
  oldIPs.forEach((ip, i) => {
    if (newIPs[i] !== undefined && newIPs[i] !== ip) errs.push(invalidValue(`spec.clusterIPs[${i}]`, newIPs, 'may not change once set'));
  });
  if (oldIPs.length > 0 && newIPs.length === 0) errs.push(invalidValue('spec.clusterIPs[0]', newIPs, 'primary clusterIP can not be unset'));
  return errs;
}

const POD_UPDATE_FORBIDDEN = 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
  '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` ' +
  '(allow it to be set to 1 if it was previously negative)';

function validatePodUpdate(next: Obj, old: Obj): FieldError[] {
  const a = clone(next.spec ?? {});
  const b = clone(old.spec ?? {});
  for (const s of [a, b]) {
    for (const c of [...(s.containers ?? []), ...(s.initContainers ?? [])] as Obj[]) delete c.image;
    delete s.activeDeadlineSeconds;
    delete s.tolerations;
  }
  if (!b.nodeName) b.nodeName = a.nodeName;
  return deepEqual(a, b) ? [] : [forbiddenField('spec', `${POD_UPDATE_FORBIDDEN}\n${diff(old.spec, next.spec)}`)];
}

export function validateUpdate(kind: string, next: Obj, old: Obj, minor: Minor): FieldError[] {
  switch (kind) {
    case 'StatefulSet': return validateStatefulSetUpdate(next, old, minor);
    case 'PersistentVolume': return validatePersistentVolumeUpdate(next, old);
    case 'PersistentVolumeClaim': return validatePersistentVolumeClaimUpdate(next, old, minor);
    case 'Service': return validateServiceUpdate(next, old);
    case 'Pod': return validatePodUpdate(next, old);
    case 'ConfigMap':
    case 'Secret': {
      if (old.immutable !== true) return [];
      const errs: FieldError[] = [];
      if (next.immutable !== true) errs.push(forbiddenField('immutable', 'field is immutable when `immutable` is set'));
      for (const f of kind === 'Secret' ? ['data'] : ['data', 'binaryData']) {
        if (!deepEqual(next[f], old[f])) errs.push(forbiddenField(f, 'field is immutable when `immutable` is set'));
      }
      return errs;
    }
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return deepEqual(next.roleRef, old.roleRef) ? [] : [invalidValue('roleRef', next.roleRef, 'cannot change roleRef')];
    case 'NetworkPolicy':
    case 'Ingress':
    case 'PodDisruptionBudget':
      return validateSpec(kind, next);
    case 'StorageClass': {
      const errs: FieldError[] = [];
      for (const f of ['parameters', 'provisioner', 'reclaimPolicy', 'volumeBindingMode']) {
        if (!deepEqual(next[f], old[f])) errs.push(forbiddenField(f, 'updates to ' + f + ' are forbidden.'));
      }
      return errs;
    }
    default: return [];
  }
}

/** The few create-time rules a test is likely to trip over. */
export function validateCreate(kind: string, obj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (kind === 'StatefulSet') {
    const spec = obj.spec ?? {};
    if (!isObject(spec.selector)) errs.push(required('spec.selector'));
    else if (!matchesSelector(spec.selector, spec.template?.metadata?.labels)) {
      errs.push(invalidValue('spec.template.metadata.labels', spec.template?.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
    }
    if (!Array.isArray(spec.template?.spec?.containers) || spec.template.spec.containers.length === 0) {
      errs.push(required('spec.template.spec.containers'));
    }
  }
  if (kind === 'Pod' && (!Array.isArray(obj.spec?.containers) || obj.spec.containers.length === 0)) errs.push(required('spec.containers'));
  if (kind === 'PersistentVolumeClaim') {
    if (!Array.isArray(obj.spec?.accessModes) || obj.spec.accessModes.length === 0) errs.push(required('spec.accessModes', 'at least 1 access mode is required'));
    if (obj.spec?.resources?.requests?.storage === undefined) errs.push(required('spec.resources[storage]'));
  }
  if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
    if (!obj.roleRef?.name) errs.push(required('roleRef.name'));
  }
  return [...errs, ...validateSpec(kind, obj)];
}

/** Spec rules checked on create and on every update. */
function validateSpec(kind: string, obj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const spec = isObject(obj.spec) ? obj.spec : {};
  if (kind === 'NetworkPolicy') {
    const types: unknown[] = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
    if (types.length > 2) errs.push(invalidValue('spec.policyTypes', types, 'may not specify more than two policyTypes'));
    else types.forEach((t, i) => {
      if (t !== 'Ingress' && t !== 'Egress') errs.push(notSupported(`spec.policyTypes[${i}]`, t, ['Ingress', 'Egress']));
    });
  }
  if (kind === 'Ingress') {
    ((spec.rules ?? []) as Obj[]).forEach((rule, i) => ((rule.http?.paths ?? []) as Obj[]).forEach((path, j) => {
      const at = `spec.rules[${i}].http.paths[${j}]`;
      if (path.pathType === undefined) errs.push(required(`${at}.pathType`, 'pathType must be specified'));
      else if (!['Exact', 'Prefix', 'ImplementationSpecific'].includes(path.pathType)) errs.push(notSupported(`${at}.pathType`, path.pathType, ['Exact', 'ImplementationSpecific', 'Prefix']));
      else if (path.pathType !== 'ImplementationSpecific' && !String(path.path ?? '').startsWith('/')) errs.push(invalidValue(`${at}.path`, path.path ?? '', 'must be an absolute path'));
    }));
  }
  if (kind === 'PodDisruptionBudget' && spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    errs.push(invalidValue('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  }
  return errs;
}

// field.NotSupported: `Unsupported value: "X": supported values: "A", "B"`.
function notSupported(field: string, value: unknown, allowed: string[]): FieldError {
  return { type: 'FieldValueNotSupported', field, value, detail: `supported values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}` };
}
