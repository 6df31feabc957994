// The classic hand-made install (hostPath PV, class manual, NodePort, custom jnlp image, 500m/500Mi) comes out of
// casc/instances/jenkins.yaml with every detail people used to get wrong by hand.
import { describe, expect, it } from '@jest/globals';
import { renderBundle } from '../../src/render/index.js';
import { cloudOf, objectOf, seedSpecFile, specFromFile, type Loose } from '../helpers/render.js';

const bundle = renderBundle(specFromFile(seedSpecFile()));
const sts: Loose = objectOf(bundle, 'StatefulSet', 'jenkins');
const pod = sts.spec.template.spec;
const jenkins = pod.containers.find((c: Loose) => c.name === 'jenkins');
const env = (name: string) => jenkins.env.find((e: Loose) => e.name === name)?.value;

describe('the seed install', () => {
  it('applies objects in dependency order', () => {
    expect(bundle.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`)).toEqual([
      'Namespace/jenkins',
      'ServiceAccount/jenkins',
      'Role/jenkins-agents',
      'RoleBinding/jenkins-agents',
      'Role/jenkins-casc-reload',
      'RoleBinding/jenkins-casc-reload',
      'ConfigMap/jenkins-casc',
      'PersistentVolume/jenkins.jenkins-home-0',
      'Service/jenkins',
      'Service/jenkins-0',
      'Service/jenkins-agent',
      'Service/jenkins-pods',
      'StatefulSet/jenkins',
    ]);
    expect(bundle.objects.map((o) => o.file)[7]).toBe('07-persistentvolume-jenkins.jenkins-home-0.yaml');
  });

  it('pre-binds a Retain hostPath volume of class manual to exactly the claim the StatefulSet creates', () => {
    const pv: Loose = objectOf(bundle, 'PersistentVolume');
    expect(sts.spec.volumeClaimTemplates[0].metadata.name).toBe('jenkins-home');
    // <claimTemplate>-<statefulset>-<ordinal>
    expect(pv.spec.claimRef).toEqual({ namespace: 'jenkins', name: 'jenkins-home-jenkins-0' });
    expect(pv.spec.storageClassName).toBe('manual');
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('manual');
    expect(pv.spec.persistentVolumeReclaimPolicy).toBe('Retain');
    expect(pv.spec.hostPath).toEqual({ path: '/data/jenkins/jenkins/jenkins-0', type: 'DirectoryOrCreate' });
    expect(pv.spec.capacity.storage).toBe(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage);
  });

  it('runs as 1000:1000 and fixes volume ownership where fsGroup does not apply (hostPath)', () => {
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, fsGroup: 1000 });
    const fix = pod.initContainers.find((c: Loose) => c.name === 'volume-permissions');
    expect(fix.securityContext.runAsUser).toBe(0);
    expect(fix.command.join(' ')).toContain('chown -R 1000:1000 /var/jenkins_home');
    expect(fix.volumeMounts).toEqual([{ name: 'jenkins-home', mountPath: '/var/jenkins_home' }]);
  });

  it('exposes the UI on the NodePort asked for and the agent port in-cluster', () => {
    const http: Loose = objectOf(bundle, 'Service', 'jenkins');
    expect(http.spec.type).toBe('NodePort');
    expect(http.spec.ports[0]).toMatchObject({ port: 8080, nodePort: 30080, targetPort: 'http' });
    expect(http.spec.externalTrafficPolicy).toBeUndefined();
    const agent: Loose = objectOf(bundle, 'Service', 'jenkins-agent');
    expect(agent.spec).toMatchObject({ type: 'ClusterIP', ports: [{ port: 50000, targetPort: 'agent' }] });
  });

  it('skips the setup wizard, reads JCasC from the reload folder and sizes the heap from the limit', () => {
    expect(env('CASC_JENKINS_CONFIG')).toBe('/var/jenkins_home/casc_configs');
    expect(env('JAVA_OPTS')).toContain('-Djenkins.install.runSetupWizard=false');
    // The reload token comes from a Secret (test/render/hardening.test.ts), never the guessable pod name.
    expect(env('JAVA_OPTS')).not.toContain('casc.reload.token');
    // 2Gi limit → 70% heap.
    expect(env('JAVA_OPTS')).toContain('-Xmx1433m');
    expect(jenkins.env[0].name).toBe('POD_NAME');
  });

  it('probes /login with a start-up allowance long enough for plugin loading', () => {
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) expect(jenkins[probe].httpGet.path).toBe('/login');
    expect(jenkins.startupProbe.periodSeconds * jenkins.startupProbe.failureThreshold).toBeGreaterThanOrEqual(300);
  });

  it('installs the plugins at start and mounts the admin Secret instead of inlining it', () => {
    const install = pod.initContainers.find((c: Loose) => c.name === 'install-plugins');
    expect(install.args).toEqual(expect.arrayContaining([expect.stringMatching(/^kubernetes:\d/), expect.stringMatching(/^configuration-as-code:\d/)]));
    expect(pod.volumes.find((v: Loose) => v.name === 'admin-secret').secret.secretName).toBe('jenkins-admin');
    expect(bundle.casc).toContain('"${jenkins-admin-password}"');
  });

  it('configures the Kubernetes cloud and the custom jnlp pod template', () => {
    const cloud = cloudOf(bundle);
    expect(cloud).toMatchObject({
      serverUrl: 'https://kubernetes.default',
      namespace: 'jenkins',
      // Completed by JCasC from the controller's pod name (jenkins-0), which its own Service bears.
      jenkinsUrl: 'http://${POD_NAME}.jenkins.svc.cluster.local:8080/',
      jenkinsTunnel: '${POD_NAME}.jenkins.svc.cluster.local:50000',
      containerCapStr: '10',
      podRetention: 'never',
    });
    const [template] = cloud.templates;
    expect(template).toMatchObject({ name: 'jnlp-agent', label: 'jenkins-agent', idleMinutes: 10 });
    expect(template.containers[0]).toMatchObject({
      name: 'jnlp',
      image: 'jenkins/inbound-agent:latest-jdk21',
      args: '^${computer.jnlpmac} ^${computer.name}',
      resourceRequestCpu: '500m',
      resourceLimitCpu: '500m',
      resourceRequestMemory: '500Mi',
      resourceLimitMemory: '500Mi',
    });
  });

  it('gives the controller the RBAC the Kubernetes plugin needs in the agent namespace', () => {
    const role: Loose = objectOf(bundle, 'Role', 'jenkins-agents');
    const verbsFor = (resource: string) => role.rules.filter((r: Loose) => r.resources.includes(resource)).flatMap((r: Loose) => r.verbs);
    expect(verbsFor('pods').sort()).toEqual(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
    expect(verbsFor('pods/exec').sort()).toEqual(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
    expect(verbsFor('pods/log').sort()).toEqual(['get', 'list', 'watch']);
    expect(verbsFor('events').sort()).toEqual(['get', 'list', 'watch']);
    expect(verbsFor('secrets')).toEqual(['get']);
    const binding: Loose = objectOf(bundle, 'RoleBinding', 'jenkins-agents');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'jenkins', namespace: 'jenkins' }]);
  });

  it('carries the JCasC in the ConfigMap the reload sidecar watches, with its revision', () => {
    const cm: Loose = objectOf(bundle, 'ConfigMap', 'jenkins-casc');
    expect(cm.data['jenkins.yaml']).toBe(bundle.casc);
    expect(cm.metadata.labels['jenkins-chatops.io/casc']).toBe('jenkins');
    expect(cm.metadata.annotations['jenkins-chatops.io/casc-revision']).toBe(bundle.cascRevision);
    const sidecar = pod.containers.find((c: Loose) => c.name === 'casc-reload');
    expect(sidecar.env.find((e: Loose) => e.name === 'REQ_URL').value).toBe(
      'http://localhost:8080/reload-configuration-as-code/?casc-reload-token=$(CASC_RELOAD_TOKEN)',
    );
  });
});
