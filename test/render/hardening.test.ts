// The generated Jenkins runs locked down: namespaces labelled for Pod Security Admission, pods that pass
// `baseline` (and `restricted` where no root ownership fix is needed), read-only root filesystems, and a random
// JCasC reload token kept in a Secret instead of the guessable pod name.
import { describe, expect, it } from '@jest/globals';
import { names } from '../../src/instance/naming.js';
import { kubeletExpand, objectOf, render, type Loose } from '../helpers/render.js';
import { baselineViolations, restrictedViolations } from '../support/pod-security.js';

const staticSpec = { name: 'ci', persistence: { mode: 'static', hostPath: '/data/jenkins' } };
const dynamicSpec = { name: 'ci', persistence: { mode: 'dynamic' } };

const podSpec = (values: Record<string, unknown>): Loose => (objectOf(render(values), 'StatefulSet') as Loose).spec.template.spec;
const container = (spec: Loose, name: string): Loose => [...spec.initContainers, ...spec.containers].find((c: Loose) => c.name === name);
const envOf = (c: Loose, name: string): Loose => c.env.find((e: Loose) => e.name === name);

describe('Pod Security', () => {
  it('labels the namespace: baseline enforced, restricted warned and audited', () => {
    const labels = (objectOf(render(staticSpec), 'Namespace') as Loose).metadata.labels;
    expect(labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(labels['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect(labels['pod-security.kubernetes.io/audit']).toBe('restricted');
  });

  it('the controller pod passes baseline with static hostPath storage, and restricted with dynamic storage', () => {
    expect(baselineViolations(podSpec(staticSpec))).toEqual([]);
    expect(restrictedViolations(podSpec(dynamicSpec))).toEqual([]);
    // Static storage needs the root ownership fix, which only baseline allows: restricted names exactly that.
    expect(restrictedViolations(podSpec(staticSpec)).every((v) => v.startsWith('volume-permissions:'))).toBe(true);
  });

  it('the checkers refuse what the standards refuse', () => {
    const spec = podSpec(dynamicSpec);
    expect(baselineViolations({ ...spec, hostNetwork: true })).toContain('host namespaces (hostNetwork/hostPID/hostIPC)');
    const privileged = { ...spec, containers: [{ name: 'x', securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } } }] };
    expect(baselineViolations(privileged)).toEqual(['x: privileged', 'x: adds capability SYS_ADMIN']);
    expect(restrictedViolations({ ...spec, securityContext: { ...spec.securityContext, runAsNonRoot: false } })).toContain('jenkins: runAsNonRoot not true');
  });

  it('runs the root ownership fix only for static hostPath volumes', () => {
    expect(container(podSpec(staticSpec), 'volume-permissions')).toBeDefined();
    expect(container(podSpec(dynamicSpec), 'volume-permissions')).toBeUndefined();
  });

  it('every container but the ownership fix: no privilege escalation, all capabilities dropped, read-only root filesystem', () => {
    const spec = podSpec(staticSpec);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of [...spec.initContainers, ...spec.containers].filter((c: Loose) => c.name !== 'volume-permissions')) {
      expect([c.name, c.securityContext]).toEqual([c.name, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }]);
    }
  });

  it('gives Jenkins writable emptyDirs for what it writes outside its home: the unpacked war and /tmp', () => {
    const spec = podSpec(dynamicSpec);
    const jenkins = container(spec, 'jenkins');
    expect(envOf(jenkins, 'JENKINS_OPTS').value).toBe('--webroot=/var/jenkins_cache/war');
    const mounts = new Map(jenkins.volumeMounts.map((m: Loose) => [m.mountPath, m.name]));
    const emptyDirs = new Set(spec.volumes.filter((v: Loose) => v.emptyDir).map((v: Loose) => v.name));
    for (const path of ['/var/jenkins_cache', '/tmp']) expect(emptyDirs.has(mounts.get(path))).toBe(true);
    const plugins = container(spec, 'install-plugins');
    expect(envOf(plugins, 'CACHE_DIR').value.startsWith('/tmp/')).toBe(true);
    expect(plugins.volumeMounts.map((m: Loose) => m.mountPath)).toContain('/tmp');
  });
});

describe('JCasC reload token', () => {
  it('comes from the Secret the bot creates, in the controller and in the sidecar URL, never from the pod name', () => {
    const spec = podSpec(dynamicSpec);
    const fromSecret = { secretKeyRef: { name: names.reloadTokenSecret('ci'), key: 'token' } };
    const jenkins = container(spec, 'jenkins');
    const sidecar = container(spec, 'casc-reload');
    expect(envOf(jenkins, 'CASC_RELOAD_TOKEN').valueFrom).toEqual(fromSecret);
    expect(envOf(sidecar, 'CASC_RELOAD_TOKEN').valueFrom).toEqual(fromSecret);
    expect(envOf(jenkins, 'JAVA_OPTS').value).not.toContain('casc.reload.token');
    // The kubelet expands $(VAR) only from variables defined earlier in the list.
    const names_ = sidecar.env.map((e: Loose) => e.name);
    expect(names_.indexOf('CASC_RELOAD_TOKEN')).toBeLessThan(names_.indexOf('REQ_URL'));
    const url = kubeletExpand(envOf(sidecar, 'REQ_URL').value, { CASC_RELOAD_TOKEN: 's3cr3t', POD_NAME: 'ci-0' });
    expect(url).toBe('http://localhost:8080/reload-configuration-as-code/?casc-reload-token=s3cr3t');
  });
});
