// Every rendered Kubernetes object is checked against the Kubernetes OpenAPI schemas (kubernetes-models),
// including unknown fields, which the models' validators alone let through.
import { createRequire } from 'node:module';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { checkModel } from '../instance/model-check.js';
import type { KubeObject } from './bundle.js';

interface ModelClass {
  new (data: object): { validate(): void } & Record<string, unknown>;
}

const MODELS: Record<string, ModelClass> = {
  'v1/Namespace': Namespace as unknown as ModelClass,
  'v1/ServiceAccount': ServiceAccount as unknown as ModelClass,
  'v1/ConfigMap': ConfigMap as unknown as ModelClass,
  'v1/PersistentVolume': PersistentVolume as unknown as ModelClass,
  'v1/Service': Service as unknown as ModelClass,
  'apps/v1/StatefulSet': StatefulSet as unknown as ModelClass,
  'rbac.authorization.k8s.io/v1/Role': Role as unknown as ModelClass,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding as unknown as ModelClass,
};

// Kinds a default render does not have: loaded (CommonJS, synchronously) the first time one is validated, so a render
// without them does not load their schemas (about 90 modules). Kinds every render has stay imported above.
const require = createRequire(import.meta.url);
const LAZY: Record<string, [module: string, name: string]> = {
  'v1/Secret': ['kubernetes-models/v1/Secret', 'Secret'],
  'apps/v1/Deployment': ['kubernetes-models/apps/v1/Deployment', 'Deployment'],
  'rbac.authorization.k8s.io/v1/ClusterRole': ['kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole', 'ClusterRole'],
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ['kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding', 'ClusterRoleBinding'],
  'policy/v1/PodDisruptionBudget': ['kubernetes-models/policy/v1/PodDisruptionBudget', 'PodDisruptionBudget'],
  'networking.k8s.io/v1/Ingress': ['kubernetes-models/networking.k8s.io/v1/Ingress', 'Ingress'],
  'networking.k8s.io/v1/NetworkPolicy': ['kubernetes-models/networking.k8s.io/v1/NetworkPolicy', 'NetworkPolicy'],
  // The Prometheus operator's CRD schema (its stripped-down CRDs of v0.65), from the same kubernetes-models family.
  'monitoring.coreos.com/v1/ServiceMonitor': ['@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor', 'ServiceMonitor'],
};

function modelFor(key: string): ModelClass | undefined {
  const lazy = LAZY[key];
  if (!MODELS[key] && lazy) MODELS[key] = (require(lazy[0]) as Record<string, ModelClass>)[lazy[1]]!;
  return MODELS[key];
}

/** Top-level fields per kind (the generated validators do not read these through our tracking proxy). */
const TOP_LEVEL: Record<string, string[]> = {
  Namespace: ['spec'],
  ServiceAccount: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  ConfigMap: ['data', 'binaryData', 'immutable'],
  Secret: ['data', 'stringData', 'type', 'immutable'],
  PersistentVolume: ['spec'],
  Service: ['spec'],
  StatefulSet: ['spec'],
  Deployment: ['spec'],
  Role: ['rules'],
  RoleBinding: ['roleRef', 'subjects'],
  ClusterRole: ['rules', 'aggregationRule'],
  ClusterRoleBinding: ['roleRef', 'subjects'],
  PodDisruptionBudget: ['spec'],
  Ingress: ['spec'],
  NetworkPolicy: ['spec'],
  ServiceMonitor: ['spec'],
};

export interface SchemaProblem {
  path: string;
  message: string;
}

export function validateKubeObject(object: KubeObject): SchemaProblem[] {
  const key = `${object.apiVersion}/${object.kind}`;
  const Model = modelFor(key);
  if (!Model) return [{ path: '', message: `no schema known for ${key}` }];
  const problems: SchemaProblem[] = [];
  const allowedTop = new Set(['apiVersion', 'kind', 'metadata', ...(TOP_LEVEL[object.kind] ?? [])]);
  for (const field of Object.keys(object)) {
    if (!allowedTop.has(field)) problems.push({ path: field, message: `unknown field "${field}" in ${object.kind}` });
  }
  const model = new Model(object);
  problems.push(...checkModel(model, Object.keys(model)));
  return problems;
}
