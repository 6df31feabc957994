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

export function namespaceLabels(): Record<string, string> {
  return { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_PART_OF]: 'jenkins-chatops' };
}

/** Selector for an instance's controller pods. */
export function controllerSelector(instance: string): Record<string, string> {
  return { [LABEL_NAME]: 'jenkins', [LABEL_INSTANCE]: instance, [LABEL_COMPONENT]: 'controller' };
}

export function selectorString(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}
