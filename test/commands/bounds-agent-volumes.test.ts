// What chat may put into an agent pod template's volumes, workspace, variables, annotations and raw pod YAML:
// pod-local volumes and pull secrets yes; node directories only under the policy; anything that hands a Secret, a
// claim or arbitrary pod fields to builds only from a values file on the command line.
import { describe, expect, it } from '@jest/globals';
import { adminImages, BoundsError, checkBounds, DEFAULT_BOUNDS } from '../../src/commands/bounds.js';
import { loadSources, resolveSpec, type InstanceSpec, type Values } from '../../src/instance/index.js';

const source = { namespaces: 'CHATOPS_NAMESPACES', images: 'CHATOPS_IMAGES', hostPaths: 'CHATOPS_HOST_PATHS' };
const spec = (template: Values = {}): InstanceSpec => resolveSpec([{ values: { name: 'ci', agents: { templates: [{ preset: 'jnlp', ...template }] } } }]);
const trusted = adminImages(loadSources());

/** The refusal chat would get for changing the template from `from` to `to`, or undefined when allowed. */
function refusal(to: Values, from: Values = {}): BoundsError | undefined {
  try {
    checkBounds(spec(to), spec(from), DEFAULT_BOUNDS, source, trusted);
    return undefined;
  } catch (err) {
    if (err instanceof BoundsError) return err;
    throw err;
  }
}

describe('agent volumes from chat', () => {
  it('allows pod-local volumes, a memory workspace and pull secrets', () => {
    expect(refusal({
      volumes: [{ type: 'emptyDir', mountPath: '/cache', memory: true }, { type: 'configMap', configMapName: 'maven-settings', mountPath: '/etc/maven' }],
      workspaceVolume: { type: 'emptyDir', memory: true },
      imagePullSecrets: ['regcred'],
    })).toBeUndefined();
    // A new instance is judged the same way.
    expect(() => checkBounds(spec({ volumes: [{ type: 'emptyDir', mountPath: '/cache' }] }), undefined, DEFAULT_BOUNDS, source, trusted)).not.toThrow();
    expect(() => checkBounds(spec({ volumes: [{ type: 'secret', secretName: 'ci-admin', mountPath: '/s' }] }), undefined, DEFAULT_BOUNDS, source, trusted)).toThrow(/volumes\[0\]\.secretName=ci-admin/);
  });

  it('refuses every node directory from chat, even under the policy\'s hostPaths (where other instances\' static homes live)', () => {
    for (const [template, key] of [
      [{ volumes: [{ type: 'emptyDir', mountPath: '/tmp/x' }, { type: 'hostPath', hostPath: '/data/jenkins/jenkins/prod-0', mountPath: '/cache' }] }, 'agents.templates[0].volumes[1].hostPath'],
      [{ volumes: [{ type: 'hostPath', hostPath: '/srv/other', mountPath: '/cache' }] }, 'agents.templates[0].volumes[0].hostPath'],
      [{ workspaceVolume: { type: 'hostPath', hostPath: '/data/jenkins/ws' } }, 'agents.templates[0].workspaceVolume.hostPath'],
    ] as Array<[Values, string]>) {
      const refused = refusal(template);
      expect(refused?.key).toBe(key);
      expect(refused?.message).toMatch(/could hold another instance's Jenkins home .*only a values file on the command line may mount one/);
    }
  });

  it.each<[string, Values, string, RegExp]>([
    ['the admin Secret as a volume', { volumes: [{ type: 'secret', secretName: 'ci-admin', mountPath: '/s' }] }, 'agents.templates[0].volumes[0].secretName', /ci-admin is not allowed: a Secret volume hands the Secret/],
    ['the reload token as a volume', { volumes: [{ type: 'secret', secretName: 'ci-casc-reload-token', mountPath: '/s' }] }, 'agents.templates[0].volumes[0].secretName', /only a values file on the command line/],
    ["another instance's home as a volume", { volumes: [{ type: 'persistentVolumeClaim', claimName: 'jenkins-home-prod-0', mountPath: '/prod' }] }, 'agents.templates[0].volumes[0].claimName', /another instance's Jenkins home/],
    ["another instance's home as the workspace", { workspaceVolume: { type: 'persistentVolumeClaim', claimName: 'jenkins-home-prod-0' } }, 'agents.templates[0].workspaceVolume.claimName', /another instance's Jenkins home/],
    ['the admin password as a variable', { secretEnvVars: { PW: { secret: 'ci-admin', key: 'jenkins-admin-password' } } }, 'agents.templates[0].secretEnvVars.PW', /ci-admin\/jenkins-admin-password is not allowed: a Secret's key in every build's environment/],
    ['an annotation', { annotations: { 'vault.hashicorp.com/agent-inject': 'true' } }, 'agents.templates[0].annotations.vault.hashicorp.com/agent-inject', /acted on by other controllers/],
    ['raw pod YAML', { yaml: 'spec:\n  hostPID: true\n' }, 'agents.templates[0].yaml', /raw pod YAML can give agent pods anything/],
    ['a merge strategy', { yamlMergeStrategy: 'override' }, 'agents.templates[0].yamlMergeStrategy', /only a values file on the command line/],
  ])('refuses %s', (_what, template, key, rule) => {
    const err = refusal(template);
    expect(err).toBeInstanceOf(BoundsError);
    expect(err?.key).toBe(key);
    expect(err?.message).toMatch(rule);
  });

  it('keeps what the admin set on the command line through later chat changes, and refuses removing annotations or pod YAML', () => {
    const admin: Values = {
      volumes: [{ type: 'secret', secretName: 'npm', mountPath: '/run/npm' }, { type: 'persistentVolumeClaim', claimName: 'm2', mountPath: '/m2' }],
      workspaceVolume: { type: 'persistentVolumeClaim', claimName: 'ws' },
      secretEnvVars: { TOKEN: { secret: 'npm', key: 'token' } },
      annotations: { 'example.com/team': 'platform' },
      yaml: 'spec:\n  securityContext: {runAsNonRoot: true}\n',
      yamlMergeStrategy: 'override',
    };
    expect(refusal({ ...admin, idleMinutes: 30 }, admin)).toBeUndefined();
    expect(refusal({ ...admin, volumes: [] }, admin)).toBeUndefined();
    expect(refusal({ ...admin, annotations: {} }, admin)?.key).toBe('agents.templates[0].annotations.example.com/team');
    expect(refusal({ ...admin, yaml: undefined }, admin)?.key).toBe('agents.templates[0].yaml');
    expect(refusal({ ...admin, secretEnvVars: { TOKEN: { secret: 'ci-admin', key: 'jenkins-admin-password' } } }, admin)?.key).toBe('agents.templates[0].secretEnvVars.TOKEN');
  });
});
