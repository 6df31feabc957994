// Every object name, label and annotation derived from an instance, defined once: the templates (through the
// render context), the targets, the alerter and the commands all ask here. A name spelled anywhere else is a bug
// waiting for the day the two spellings disagree (test/instance/naming.test.ts greps for such copies).

/** The StatefulSet's volumeClaimTemplate name: instance `jenkins` ordinal 0 gets PVC `jenkins-home-jenkins-0`. */
export const HOME_CLAIM = 'jenkins-home';

/** Names of the objects one instance is made of. The StatefulSet, its HTTP Service and ServiceAccount bear the instance's own name. */
export const names = {
  statefulSet: (instance: string): string => instance,
  httpService: (instance: string): string => instance,
  agentService: (instance: string): string => `${instance}-agent`,
  /** The headless Service that governs the StatefulSet: per-pod DNS `<pod>.<name>-pods.<ns>.svc.<domain>`. */
  podsService: (instance: string): string => `${instance}-pods`,
  serviceAccount: (instance: string): string => instance,
  agentsRole: (instance: string): string => `${instance}-agents`,
  cascReloadRole: (instance: string): string => `${instance}-casc-reload`,
  cascConfigMap: (instance: string): string => `${instance}-casc`,
  /** The user values stored at the last deploy, so any bot replica can re-render the instance. */
  specConfigMap: (instance: string): string => `${instance}-spec`,
  /** Created once by the first deploy, never rotated; `controller.adminSecret` names one the user made instead. */
  adminSecret: (instance: string, override?: string): string => override ?? `${instance}-admin`,
  /** The random token the reload sidecar shows Jenkins' JCasC reload endpoint; created once, like the admin Secret. */
  reloadTokenSecret: (instance: string): string => `${instance}-casc-reload-token`,
  /** The Ingress in front of the controllers, when the spec asks for one. */
  ingress: (instance: string): string => instance,
  /** With several controllers behind one Ingress, controller N answers at its own host under the Ingress host. */
  controllerHost: (instance: string, ordinal: number, host: string): string => `${names.controllerPod(instance, ordinal)}.${host}`,
  /** An extra JCasC file (`jcasc.extra.<fragment>`): its key in the `<name>-casc` ConfigMap, a file beside jenkins.yaml. */
  cascFragmentFile: (fragment: string): string => `${fragment}.yaml`,
  /**
   * Where a credential's Secret key is projected in the controller's secrets folder, so JCasC reads it as
   * `${credential-<id>-<key>}`. Keys are fixed words without '-', so two credentials never share a file.
   */
  credentialFile: (id: string, key: string): string => `credential-${id}-${key}`,
  /** The controllers' PodDisruptionBudget, when the spec asks for one. */
  disruptionBudget: (instance: string): string => `${instance}-controller`,
  /** The Prometheus-operator ServiceMonitor scraping the controllers, when metrics.serviceMonitor asks for one. */
  serviceMonitor: (instance: string): string => instance,
  /** The NetworkPolicy on the controller pods (in the instance's namespace), when networkPolicy asks for one. */
  controllerNetworkPolicy: (instance: string): string => `${instance}-controller`,
  /** The coordination Lease held while an operation runs on the instance. */
  lockLease: (instance: string): string => `${instance}-lock`,
  /** What the StatefulSet controller names ordinal N's claim: `<claimTemplate>-<statefulset>-<ordinal>`. */
  homeClaim: (instance: string, ordinal: number): string => `${HOME_CLAIM}-${names.statefulSet(instance)}-${ordinal}`,
  /** Ordinal N's pod, as the StatefulSet controller names it. */
  controllerPod: (instance: string, ordinal: number): string => `${names.statefulSet(instance)}-${ordinal}`,
  /**
   * Ordinal N's own Service: named like its pod, so a controller knows its address from its own pod name
   * (`${POD_NAME}` in the JCasC) and `kubectl port-forward svc/ci-1` reaches exactly that controller.
   */
  controllerService: (instance: string, ordinal: number): string => names.controllerPod(instance, ordinal),
  /**
   * Static storage: the pre-bound PersistentVolume of ordinal N. PersistentVolumes are cluster-wide, so the name
   * carries the namespace: `ci` in `team-a` and `ci` in `team-b` get `team-a.ci-home-0` and `team-b.ci-home-0`
   * (a namespace is a DNS label, so the first dot separates it unambiguously).
   */
  staticVolume: (namespace: string, instance: string, ordinal: number): string => `${namespace}.${instance}-home-${ordinal}`,
  /** Static storage: ordinal N's folder on the node, under the spec's hostPath, one folder per namespace. */
  hostDirectory: (hostPath: string, namespace: string, instance: string, ordinal: number): string =>
    `${hostPath.replace(/\/+$/, '')}/${namespace}/${instance}-${ordinal}`,
} as const;

/** Ordinal N's claim name → N, when `claim` is one of this instance's home claims (an exact match, not a prefix). */
export function homeClaimOrdinal(instance: string, claim: string): number | undefined {
  const prefix = `${HOME_CLAIM}-${names.statefulSet(instance)}-`;
  if (!claim.startsWith(prefix)) return undefined;
  const rest = claim.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

// Labels and annotations shared by the generator, the cluster code and the alerter.

export const MANAGED_BY = 'jenkins-chatops';
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';

/** ConfigMaps carrying JCasC for an instance; the reload sidecar watches this label (value = instance name). */
export const LABEL_CASC = 'jenkins-chatops.io/casc';
export const ANNOTATION_CASC_REVISION = 'jenkins-chatops.io/casc-revision';
/** The stored user values of an instance (on the `<name>-spec` ConfigMap written by the cluster code). */
export const LABEL_SPEC = 'jenkins-chatops.io/spec';

/** Put on every agent pod by the cloud's `podLabels`: which instance's Jenkins started it. */
export const LABEL_AGENT_INSTANCE = 'jenkins-chatops.io/instance';
/** Put on every agent pod by the cloud's `podLabels`: which controller (pod name) of the instance started it. */
export const LABEL_AGENT_CONTROLLER = 'jenkins-chatops.io/controller';
/** On the shared HTTP Service when metrics are on: what the ServiceMonitor selects (not the per-controller Services, which would scrape each controller twice). */
export const LABEL_METRICS = 'jenkins-chatops.io/metrics';
/**
 * On the stored values: the objects a spec switch made in the last apply (`Ingress/ci,NetworkPolicy/ci-controller`),
 * so the next deploy removes those the switch no longer renders — the parent-object record of Kubernetes' ApplySet
 * pruning (KEP-3659), without a cluster-wide search for them.
 */
export const ANNOTATION_SWITCHED_OBJECTS = 'jenkins-chatops.io/switched-objects';
/** The label the StatefulSet controller puts on each of its pods: the pod's own name (selects one controller). */
export const LABEL_POD_NAME = 'statefulset.kubernetes.io/pod-name';

/** Labels the Kubernetes plugin puts on agent pods. */
export const AGENT_POD_LABEL = 'jenkins/label';
export const AGENT_POD_MARKER = 'jenkins';

export function instanceLabels(instance: string, component: string): Record<string, string> {
  return {
    [LABEL_NAME]: 'jenkins',
    [LABEL_INSTANCE]: instance,
    [LABEL_COMPONENT]: component,
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_PART_OF]: 'jenkins-chatops',
  };
}

/** The key of the reload token in its Secret. */
export const RELOAD_TOKEN_KEY = 'token';

/**
 * Pod Security Admission for the namespaces the product manages: `baseline` enforced (it still allows the root
 * ownership-fix init container static hostPath volumes need), `restricted` reported as warnings and audit events.
 */
export const POD_SECURITY_LABELS: Record<string, string> = {
  'pod-security.kubernetes.io/enforce': 'baseline',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
};

export function namespaceLabels(): Record<string, string> {
  return { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_PART_OF]: 'jenkins-chatops', ...POD_SECURITY_LABELS };
}

/**
 * Selector for everything of an instance that carries its ownership labels: its objects, the claims the StatefulSet
 * controller makes from the volumeClaimTemplate (they get the template's labels, then the selector's), and static
 * PersistentVolumes. Exact label values: `ci` never matches `ci-dev`.
 */
export function ownedSelector(instance: string): Record<string, string> {
  return { [LABEL_NAME]: 'jenkins', [LABEL_INSTANCE]: instance, [LABEL_MANAGED_BY]: MANAGED_BY };
}

/** Selector for an instance's controller pods. */
export function controllerSelector(instance: string): Record<string, string> {
  return { [LABEL_NAME]: 'jenkins', [LABEL_INSTANCE]: instance, [LABEL_COMPONENT]: 'controller' };
}

export function selectorString(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}
