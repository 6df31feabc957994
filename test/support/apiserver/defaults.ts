// Defaulting: what the apiserver fills in when an object is decoded (create, update, and reads from storage).
// Only fields that are missing are set, so defaulting twice changes nothing.
// k8s.io/kubernetes pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go, pkg/apis/rbac/v1/defaults.go,
// pkg/apis/storage/v1/defaults.go, pkg/apis/networking/v1/defaults.go (policy/v1 and networking/v1 Ingress have
// no defaulting of their own).
import { isObject, type Obj } from './util.js';

function def(obj: Obj, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

// SetDefaults_Container: "Always" for :latest or no tag, else "IfNotPresent" (a digest counts as a tag).
export function defaultPullPolicy(image: string): string {
  const name = image.split('@')[0]!;
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = name.lastIndexOf('/');
  const tagAt = name.indexOf(':', lastSlash + 1);
  if (tagAt < 0) return 'Always';
  return name.slice(tagAt + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function probe(p: unknown): void {
  if (!isObject(p)) return;
  def(p, 'timeoutSeconds', 1);
  def(p, 'periodSeconds', 10);
  def(p, 'successThreshold', 1);
  def(p, 'failureThreshold', 3);
  if (isObject(p.httpGet)) def(p.httpGet, 'scheme', 'HTTP');
}

function container(c: Obj): void {
  def(c, 'terminationMessagePath', '/dev/termination-log');
  def(c, 'terminationMessagePolicy', 'File');
  if (typeof c.image === 'string') def(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  for (const p of (c.ports ?? []) as Obj[]) def(p, 'protocol', 'TCP');
  for (const e of (c.env ?? []) as Obj[]) if (isObject(e.valueFrom?.fieldRef)) def(e.valueFrom.fieldRef, 'apiVersion', 'v1');
  probe(c.livenessProbe);
  probe(c.readinessProbe);
  probe(c.startupProbe);
  def(c, 'resources', {});
}

// SetDefaults_PodSpec and the volume source defaults (SetDefaults_SecretVolumeSource etc.: defaultMode 0644 = 420).
export function defaultPodSpec(spec: Obj): void {
  def(spec, 'dnsPolicy', 'ClusterFirst');
  def(spec, 'restartPolicy', 'Always');
  def(spec, 'terminationGracePeriodSeconds', 30);
  def(spec, 'securityContext', {});
  def(spec, 'schedulerName', 'default-scheduler');
  if (spec.serviceAccountName) def(spec, 'serviceAccount', spec.serviceAccountName);
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Obj[]) container(c);
  for (const v of (spec.volumes ?? []) as Obj[]) {
    if (isObject(v.secret)) def(v.secret, 'defaultMode', 420);
    if (isObject(v.configMap)) def(v.configMap, 'defaultMode', 420);
    if (isObject(v.projected)) def(v.projected, 'defaultMode', 420);
  }
}

function claimSpec(spec: Obj): void {
  def(spec, 'volumeMode', 'Filesystem');
}

export function applyDefaults(kind: string, obj: Obj): void {
  const spec = isObject(obj.spec) ? obj.spec : undefined;
  switch (kind) {
    case 'Pod':
      if (spec) {
        defaultPodSpec(spec);
        // Admission (ServiceAccount, Priority, DefaultTolerationSeconds) on pods themselves.
        def(spec, 'serviceAccountName', 'default');
        def(spec, 'serviceAccount', spec.serviceAccountName);
        def(spec, 'enableServiceLinks', true);
        def(spec, 'priority', 0);
        def(spec, 'preemptionPolicy', 'PreemptLowerPriority');
      }
      break;
    case 'StatefulSet':
      if (spec) {
        // apps/v1 SetDefaults_StatefulSet
        def(spec, 'replicas', 1);
        def(spec, 'podManagementPolicy', 'OrderedReady');
        def(spec, 'updateStrategy', { type: 'RollingUpdate' });
        if (spec.updateStrategy.type === 'RollingUpdate') {
          def(spec.updateStrategy, 'rollingUpdate', {});
          def(spec.updateStrategy.rollingUpdate, 'partition', 0);
        }
        def(spec, 'revisionHistoryLimit', 10);
        def(spec, 'persistentVolumeClaimRetentionPolicy', {});
        def(spec.persistentVolumeClaimRetentionPolicy, 'whenDeleted', 'Retain');
        def(spec.persistentVolumeClaimRetentionPolicy, 'whenScaled', 'Retain');
        if (isObject(spec.template?.spec)) defaultPodSpec(spec.template.spec);
        for (const t of (spec.volumeClaimTemplates ?? []) as Obj[]) {
          def(t, 'apiVersion', 'v1');
          def(t, 'kind', 'PersistentVolumeClaim');
          if (isObject(t.spec)) claimSpec(t.spec);
          def(t, 'status', { phase: 'Pending' });
        }
      }
      break;
    case 'Service':
      if (spec) {
        // SetDefaults_Service
        def(spec, 'type', 'ClusterIP');
        def(spec, 'sessionAffinity', 'None');
        if (spec.type !== 'ExternalName') def(spec, 'internalTrafficPolicy', 'Cluster');
        if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') def(spec, 'externalTrafficPolicy', 'Cluster');
        for (const p of (spec.ports ?? []) as Obj[]) {
          def(p, 'protocol', 'TCP');
          def(p, 'targetPort', p.port);
        }
      }
      break;
    case 'PersistentVolumeClaim':
      if (spec) claimSpec(spec);
      break;
    case 'PersistentVolume':
      if (spec) {
        def(spec, 'persistentVolumeReclaimPolicy', 'Retain');
        def(spec, 'volumeMode', 'Filesystem');
      }
      break;
    case 'Namespace':
      def(obj, 'spec', {});
      def(obj.spec, 'finalizers', ['kubernetes']);
      // The namespace name label every namespace carries since 1.21 (NamespaceDefaultLabelName).
      def(obj.metadata, 'labels', {});
      obj.metadata.labels['kubernetes.io/metadata.name'] = obj.metadata.name;
      break;
    case 'Secret':
      def(obj, 'type', 'Opaque');
      break;
    case 'StorageClass':
      def(obj, 'reclaimPolicy', 'Delete');
      def(obj, 'volumeBindingMode', 'Immediate');
      break;
    case 'NetworkPolicy':
      if (spec) {
        // SetDefaults_NetworkPolicy: no policyTypes means Ingress, plus Egress when egress rules are given.
        if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
          spec.policyTypes = ['Ingress', ...(Array.isArray(spec.egress) && spec.egress.length ? ['Egress'] : [])];
        }
        // SetDefaults_NetworkPolicyPort: protocol TCP.
        for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])] as Obj[]) for (const p of (rule.ports ?? []) as Obj[]) def(p, 'protocol', 'TCP');
      }
      break;
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      for (const s of (obj.subjects ?? []) as Obj[]) if (s.kind === 'User' || s.kind === 'Group') def(s, 'apiGroup', 'rbac.authorization.k8s.io');
      break;
  }
}
