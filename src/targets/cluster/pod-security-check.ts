// Agent volumes on the node (hostPath) meet Pod Security admission in the agents' namespace: the `baseline` and
// `restricted` levels refuse any hostPath volume (https://kubernetes.io/docs/concepts/security/pod-security-standards/,
// "HostPath Volumes"). The refusal would only show when a build asks for an agent, as a pod that is never created;
// the plan says it now, from the namespace's own `enforce` label (the admin's, on a namespace they made; baseline on
// one jenkins-chatops creates).
import type { Bundle, KubeObject } from '../../render/bundle.js';
import { POD_SECURITY_LABELS } from '../../instance/naming.js';

const ENFORCE = 'pod-security.kubernetes.io/enforce';

export class PodSecurityError extends Error {
  override name = 'PodSecurityError';
  constructor(readonly instance: string, readonly problems: string[]) {
    super(`${instance} cannot be deployed; no object of it was applied:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Where each template of the bundle mounts a node directory, by spec path. */
function hostPathMounts(bundle: Bundle): string[] {
  const found: string[] = [];
  bundle.spec.agents.templates.forEach((t, i) => {
    (t.volumes ?? []).forEach((v, j) => {
      if (v.type === 'hostPath') found.push(`agents.templates[${i}].volumes[${j}] (hostPath ${v.hostPath})`);
    });
    if (t.workspaceVolume?.type === 'hostPath') found.push(`agents.templates[${i}].workspaceVolume (hostPath ${t.workspaceVolume.hostPath})`);
  });
  return found;
}

/**
 * Throws when agents would mount a node directory in a namespace whose Pod Security level refuses it. `liveNamespace`
 * is the agents' namespace as it is, or undefined when this deploy creates it (with the bot's labels).
 */
export function checkAgentPodSecurity(bundle: Bundle, liveNamespace: KubeObject | undefined): void {
  const mounts = hostPathMounts(bundle);
  if (mounts.length === 0) return;
  const level = liveNamespace ? liveNamespace.metadata.labels?.[ENFORCE] : POD_SECURITY_LABELS[ENFORCE];
  if (level !== 'baseline' && level !== 'restricted') return; // privileged, or the cluster's default (no label)
  const made = liveNamespace ? 'its label' : 'the label jenkins-chatops puts on a namespace it creates';
  throw new PodSecurityError(bundle.instance, mounts.map((m) =>
    `${m}: namespace ${bundle.agentNamespace} enforces Pod Security "${level}" (${made} ${ENFORCE}), which refuses hostPath volumes, ` +
    'so no agent pod of this template could start. Use an emptyDir, configMap or persistentVolumeClaim volume, or have the cluster admin ' +
    `run the agents in a namespace labelled ${ENFORCE}=privileged (agents.namespace)`));
}
