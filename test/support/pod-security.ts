// The Pod Security Standards' checks that a pod spec can fail, as the admission controller applies them
// (https://kubernetes.io/docs/concepts/security/pod-security-standards/, k8s.io/pod-security-admission/policy/*.go).
// Returns one line per violation; an empty list passes the level.

/* eslint-disable @typescript-eslint/no-explicit-any */
type Loose = any;

/** Capabilities baseline allows a container to add (check_capabilities_baseline.go). */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);
/** Volume types restricted allows (check_restrictedVolumes.go). */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
/** Sysctls baseline allows (check_sysctls.go). */
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);

function containersOf(spec: Loose): Loose[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}

export function baselineViolations(spec: Loose): string[] {
  const found: string[] = [];
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) found.push('host namespaces (hostNetwork/hostPID/hostIPC)');
  if (spec.securityContext?.windowsOptions?.hostProcess) found.push('pod hostProcess');
  for (const v of spec.volumes ?? []) if (v.hostPath) found.push(`volume ${v.name}: hostPath`);
  for (const s of spec.securityContext?.sysctls ?? []) if (!SAFE_SYSCTLS.has(s.name)) found.push(`sysctl ${s.name}`);
  const podSeccomp = spec.securityContext?.seccompProfile?.type;
  if (podSeccomp === 'Unconfined') found.push('pod seccompProfile Unconfined');
  for (const c of containersOf(spec)) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) found.push(`${c.name}: privileged`);
    if (sc.windowsOptions?.hostProcess) found.push(`${c.name}: hostProcess`);
    for (const cap of sc.capabilities?.add ?? []) if (!BASELINE_CAPABILITIES.has(cap)) found.push(`${c.name}: adds capability ${cap}`);
    for (const p of c.ports ?? []) if (p.hostPort) found.push(`${c.name}: hostPort ${p.hostPort}`);
    if (sc.procMount && sc.procMount !== 'Default') found.push(`${c.name}: procMount ${sc.procMount}`);
    if (sc.seccompProfile?.type === 'Unconfined') found.push(`${c.name}: seccompProfile Unconfined`);
    const seType = sc.seLinuxOptions?.type;
    if (seType && !['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'].includes(seType)) found.push(`${c.name}: seLinux type ${seType}`);
  }
  return found;
}

export function restrictedViolations(spec: Loose): string[] {
  const found = baselineViolations(spec);
  for (const v of spec.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (type && !RESTRICTED_VOLUMES.has(type)) found.push(`volume ${v.name}: type ${type}`);
  }
  const pod = spec.securityContext ?? {};
  for (const c of containersOf(spec)) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) found.push(`${c.name}: allowPrivilegeEscalation not false`);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) found.push(`${c.name}: runAsNonRoot not true`);
    if ((sc.runAsUser ?? pod.runAsUser) === 0) found.push(`${c.name}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') found.push(`${c.name}: seccompProfile not RuntimeDefault/Localhost`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) found.push(`${c.name}: capabilities do not drop ALL`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') found.push(`${c.name}: adds capability ${cap}`);
  }
  return found;
}
