// Agent pod templates' volumes, workspace volume, pull secrets, Secret-backed variables, annotations and raw pod
// YAML: rendered as the Kubernetes plugin's own JCasC describables, checked by the attribute validator, and escaped.
import { describe, expect, it } from '@jest/globals';
import { dump, load } from 'js-yaml';
import { SpecError, type Values } from '../../src/instance/index.js';
import { parsePodYaml } from '../../src/instance/pod-yaml.js';
import { validateCasc } from '../../src/render/validate-casc.js';
import { cascOf, cloudOf, jcascLiteral, render, type Loose } from '../helpers/render.js';

const withTemplate = (template: Values): Values => ({ name: 'ci', agents: { templates: [{ preset: 'jnlp', ...template }] } });
const templateOf = (template: Values): Loose => cloudOf(render(withTemplate(template))).templates[0];

const everyVolume = [
  { type: 'emptyDir', mountPath: '/cache', memory: true },
  { type: 'configMap', configMapName: 'maven-settings', mountPath: '/etc/maven', subPath: 'settings.xml', optional: true },
  { type: 'secret', secretName: 'npm-token', mountPath: '/run/npm', defaultMode: '0440' },
  { type: 'persistentVolumeClaim', claimName: 'm2-cache', mountPath: '/root/.m2', readOnly: true },
  { type: 'hostPath', hostPath: '/data/jenkins/cache', mountPath: '/host-cache' },
];

describe('agent volumes in the JCasC', () => {
  it('renders each volume type as the plugin describable with its own attribute names', () => {
    expect(templateOf({ volumes: everyVolume }).volumes).toEqual([
      { emptyDirVolume: { mountPath: '/cache', memory: true } },
      { configMapVolume: { configMapName: 'maven-settings', mountPath: '/etc/maven', optional: true, subPath: 'settings.xml' } },
      // SecretVolume reads defaultMode as a decimal number: 0440 octal is 288.
      { secretVolume: { secretName: 'npm-token', mountPath: '/run/npm', optional: false, defaultMode: '288' } },
      { persistentVolumeClaim: { claimName: 'm2-cache', mountPath: '/root/.m2', readOnly: true } },
      { hostPathVolume: { hostPath: '/data/jenkins/cache', mountPath: '/host-cache', readOnly: false } },
    ]);
  });

  it('renders each workspace volume type under its own symbol', () => {
    expect(templateOf({ workspaceVolume: { type: 'emptyDir', memory: true } }).workspaceVolume).toEqual({ emptyDirWorkspaceVolume: { memory: true } });
    expect(templateOf({ workspaceVolume: { type: 'persistentVolumeClaim', claimName: 'ws' } }).workspaceVolume).toEqual({ persistentVolumeClaimWorkspaceVolume: { claimName: 'ws', readOnly: false } });
    expect(templateOf({ workspaceVolume: { type: 'hostPath', hostPath: '/data/jenkins/ws' } }).workspaceVolume).toEqual({ hostPathWorkspaceVolume: { hostPath: '/data/jenkins/ws' } });
  });

  it('renders pull secrets, annotations and Secret-backed variables beside plain ones', () => {
    const t = templateOf({
      imagePullSecrets: ['regcred', 'mirror'],
      annotations: { 'example.com/team': 'platform', 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' },
      envVars: { MAVEN_OPTS: '-Xmx1g' },
      secretEnvVars: { NPM_TOKEN: { secret: 'npm', key: 'token' }, SONAR: { secret: 'sonar', key: 'login', optional: true } },
    });
    expect(t.imagePullSecrets).toEqual([{ name: 'regcred' }, { name: 'mirror' }]);
    expect(t.annotations).toEqual([{ key: 'cluster-autoscaler.kubernetes.io/safe-to-evict', value: 'false' }, { key: 'example.com/team', value: 'platform' }]);
    expect(t.envVars).toEqual([
      { envVar: { key: 'MAVEN_OPTS', value: '-Xmx1g' } },
      { secretEnvVar: { key: 'NPM_TOKEN', secretName: 'npm', secretKey: 'token', optional: false } },
      { secretEnvVar: { key: 'SONAR', secretName: 'sonar', secretKey: 'login', optional: true } },
    ]);
  });

  it('renders none of them when not set (the plugin keeps its defaults)', () => {
    const t = templateOf({});
    for (const key of ['volumes', 'workspaceVolume', 'imagePullSecrets', 'annotations', 'envVars', 'yaml', 'yamlMergeStrategy']) expect(t[key]).toBeUndefined();
  });
});

describe('raw pod YAML', () => {
  const yaml = 'metadata:\n  labels: {team: platform}\nspec:\n  securityContext: {runAsNonRoot: true}\n  tolerations: [{key: spot, operator: Exists}]\n';

  it('is handed to the plugin with the template tolerations added, and the merge strategy the admin chose', () => {
    const t = templateOf({ yaml, yamlMergeStrategy: 'override', tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ci', effect: 'NoSchedule' }] });
    expect(t.yamlMergeStrategy).toBe('override');
    expect(load(jcascLiteral(t.yaml))).toEqual({
      metadata: { labels: { team: 'platform' } },
      spec: {
        securityContext: { runAsNonRoot: true },
        tolerations: [{ key: 'spot', operator: 'Exists' }, { key: 'dedicated', operator: 'Equal', value: 'ci', effect: 'NoSchedule' }],
      },
    });
    expect(parsePodYaml(jcascLiteral(t.yaml)).problems).toEqual([]);
    // Without a strategy, merge (what tolerations alone always used).
    expect(templateOf({ yaml }).yamlMergeStrategy).toBe('merge');
  });

  it('is refused when it is not a Kubernetes Pod, naming the key and the field', () => {
    const attempt = (text: string) => () => render(withTemplate({ yaml: text }));
    expect(attempt('spec:\n  hostNetwrk: true\n')).toThrow(SpecError);
    expect(attempt('spec:\n  hostNetwrk: true\n')).toThrow(/agents\.templates\[0\]\.yaml: yaml spec: unknown field "hostNetwrk"/);
    expect(attempt('spec:\n  containers:\n  - name: jnlp\n    imag: x\n')).toThrow(/yaml spec\.containers\[0\]: unknown field "imag"/);
    expect(attempt('spec:\n  securityContext: {runAsUser: root}\n')).toThrow(/yaml spec\.securityContext\.runAsUser: must be integer/);
    expect(attempt('kind: Deployment\n')).toThrow(/yaml kind must be Pod/);
    expect(attempt('spec: {}\n---\nunclassified: {}\n')).toThrow(/yaml does not parse/);
    expect(attempt('- a\n')).toThrow(/a mapping/);
  });

  it('cannot leave its block or be interpolated by JCasC', () => {
    // Text that would be keys of the pod template, or a new JCasC root, if it escaped the block scalar.
    const hostile = dump({ metadata: { annotations: { note: '${ADMIN_PASSWORD}\nyamlMergeStrategy: override\nunclassified:\n  evil: 1' } } });
    const bundle = render(withTemplate({ yaml: hostile }));
    const t = cloudOf(bundle).templates[0];
    expect(Object.keys(cascOf(bundle))).toEqual(['jenkins', 'unclassified']);
    expect(cascOf(bundle).unclassified.evil).toBeUndefined();
    expect(t.yamlMergeStrategy).toBe('merge');
    expect((load(jcascLiteral(t.yaml)) as Loose).metadata.annotations.note).toBe('${ADMIN_PASSWORD}\nyamlMergeStrategy: override\nunclassified:\n  evil: 1');
  });
});

describe('user text in the new keys', () => {
  it('a newline in an annotation value stays in the value; ${ is never interpolated', () => {
    const t = templateOf({ annotations: { 'example.com/note': 'a\n        - key: injected\n${ADMIN_PASSWORD}' } });
    expect(t.annotations).toHaveLength(1);
    expect(jcascLiteral(t.annotations[0].value)).toBe('a\n        - key: injected\n${ADMIN_PASSWORD}');
  });

  it('${ in a plain variable beside Secret-backed ones reads back literally', () => {
    const t = templateOf({ envVars: { GREETING: 'hi ${ADMIN_PASSWORD}' }, secretEnvVars: { TOKEN: { secret: 'npm', key: 'token' } } });
    // JCasC leaves it literal; the doubled $ is for the kubelet, which would expand $(VAR).
    expect(jcascLiteral(t.envVars[0].envVar.value)).toBe('hi $${ADMIN_PASSWORD}');
  });

  it.each([
    [{ volumes: [{ type: 'emptyDir', mountPath: '/cache\nevil: true' }] }, /volumes\[0\]\.mountPath: mountPath must be an absolute path/],
    [{ volumes: [{ type: 'emptyDir', mountPath: '/x/../../etc' }] }, /mountPath may not contain "\.\."/],
    [{ volumes: [{ type: 'emptyDir', mountPath: '/home/jenkins/agent' }] }, /is the agent's workspace; set workspaceVolume instead/],
    [{ volumes: [{ type: 'emptyDir', mountPath: '/a' }, { type: 'emptyDir', mountPath: '/a/' }] }, /volumes\[1\]\.mountPath: mountPath is already used by volumes\[0\]/],
    [{ volumes: [{ type: 'nfs', mountPath: '/a' }] }, /volumes\[0\]\.type: a volume's type must be emptyDir, configMap, secret, persistentVolumeClaim or hostPath/],
    [{ volumes: [{ type: 'emptyDir', mountPath: '/a', medium: 'Memory' }] }, /volumes\[0\]: unknown key 'medium'/],
    [{ volumes: [{ type: 'secret', secretName: 's', mountPath: '/s', defaultMode: 440 }] }, /defaultMode must be an octal file mode in quotes/],
    [{ volumes: [{ type: 'configMap', configMapName: 'c', mountPath: '/c', subPath: '../x' }] }, /subPath/],
    [{ workspaceVolume: { type: 'dynamicPVC' } }, /workspaceVolume\.type: workspaceVolume type must be emptyDir, persistentVolumeClaim or hostPath/],
    [{ imagePullSecrets: ['Reg Cred'] }, /imagePullSecrets\[0\]: imagePullSecrets entry must be a Kubernetes object name/],
    [{ envVars: { TOKEN: 'x' }, secretEnvVars: { TOKEN: { secret: 's', key: 'k' } } }, /secretEnvVars\.TOKEN: TOKEN is also in envVars/],
    [{ secretEnvVars: { TOKEN: { secret: 's', key: 'k\nx' } } }, /secretEnvVars\.TOKEN\.key: key must be a Secret key/],
    [{ yamlMergeStrategy: 'replace' }, /yamlMergeStrategy must be override or merge/],
  ])('bad input is refused naming the key: %j', (template, message) => {
    expect(() => render(withTemplate(template))).toThrow(SpecError);
    expect(() => render(withTemplate(template))).toThrow(message);
  });
});

describe('the JCasC attribute check', () => {
  const rendered = (): Loose => cascOf(render(withTemplate({
    volumes: everyVolume,
    workspaceVolume: { type: 'emptyDir' },
    imagePullSecrets: ['regcred'],
    annotations: { 'example.com/team': 'platform' },
    secretEnvVars: { TOKEN: { secret: 'npm', key: 'token' } },
    yaml: 'spec: {}\n',
    yamlMergeStrategy: 'override',
  })));
  const template = (doc: Loose): Loose => doc.jenkins.clouds[0].kubernetes.templates[0];

  it('accepts what the templates write', () => {
    expect(validateCasc(rendered())).toEqual([]);
  });

  it.each<[string, (t: Loose) => void, RegExp]>([
    ['a misspelt volume symbol', (t) => { t.volumes[0] = { emptyDirVolum: t.volumes[0].emptyDirVolume }; }, /volumes\.0|volumes\[0\]/],
    ['a misspelt volume attribute', (t) => { t.volumes[1].configMapVolume.configMapname = 'x'; }, /configMapVolume/],
    ['two symbols in one volume', (t) => { t.volumes[0].hostPathVolume = { hostPath: '/x', mountPath: '/y' }; }, /exactly one of/],
    ['a secret volume mode that is not decimal', (t) => { t.volumes[2].secretVolume.defaultMode = '0440'; }, /decimal/],
    ['a misspelt workspace symbol', (t) => { t.workspaceVolume = { emptyDirWorkspace: { memory: false } }; }, /workspaceVolume/],
    ['a misspelt Secret variable attribute', (t) => { t.envVars[0].secretEnvVar.secretname = 'npm'; }, /envVars/],
    ['a misspelt pull secret attribute', (t) => { t.imagePullSecrets = [{ secretName: 'regcred' }]; }, /imagePullSecrets/],
    ['an annotation as a map', (t) => { t.annotations = { 'example.com/team': 'platform' }; }, /annotations/],
    ['an unknown merge strategy', (t) => { t.yamlMergeStrategy = 'overrides'; }, /yamlMergeStrategy/],
  ])('rejects %s', (_what, mutate, path) => {
    const doc = rendered();
    mutate(template(doc));
    const problems = validateCasc(doc);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.map((p) => `${p.path}: ${p.message}`).join('\n')).toMatch(path);
  });
});
