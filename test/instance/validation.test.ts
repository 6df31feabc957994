// Every validation rule of the instance spec: the error names the path, the bad value and what is allowed.
import { describe, expect, it } from '@jest/globals';
import { parseSetExpression, parseValues, resolveSpec, SpecError, type Values } from '../../src/instance/index.js';

function issuesFor(values: Values): Array<{ path: string; message: string; value?: unknown }> {
  try {
    resolveSpec([{ values: { name: 'ok', ...values } }]);
  } catch (err) {
    if (err instanceof SpecError) return err.issues;
    throw err;
  }
  throw new Error('expected the spec to be rejected');
}

const template = (extra: Values) => ({ agents: { templates: [{ preset: 'jnlp', ...extra }] } });

describe('instance spec validation', () => {
  it('accepts the defaults with just a name', () => {
    const spec = resolveSpec([{ values: { name: 'ci' } }]);
    expect(spec).toMatchObject({ name: 'ci', namespace: 'jenkins', controller: { replicas: 1 }, persistence: { mode: 'dynamic' } });
    expect(spec.agents.templates.map((t) => t.name)).toEqual(['default']);
  });

  it.each<[string, Values, string, RegExp]>([
    ['upper-case name', { name: 'CI' }, 'name', /DNS-1123 label/],
    ['name starting with a digit', { name: '1ci' }, 'name', /must start with a letter/],
    ['overlong name', { name: 'a'.repeat(41) }, 'name', /at most 40 characters/],
    ['bad namespace', { namespace: 'Build_NS' }, 'namespace', /DNS-1123 label/],
    ['negative replicas', { controller: { replicas: -1 } }, 'controller.replicas', /0 \(hibernate\) or more/],
    ['fractional replicas', { controller: { replicas: 1.5 } }, 'controller.replicas', /whole number/],
    ['too many replicas', { controller: { replicas: 11 } }, 'controller.replicas', /at most 10/],
    ['malformed cpu', { controller: { resources: { requests: { cpu: '500 m' } } } }, 'controller.resources.requests.cpu', /Kubernetes quantity such as 500m/],
    ['malformed memory', { controller: { resources: { limits: { memory: '2GB' } } } }, 'controller.resources.limits.memory', /Kubernetes quantity/],
    ['request above limit', { controller: { resources: { requests: { memory: '4Gi' }, limits: { memory: '2Gi' } } } }, 'controller.resources.requests.memory', /request 4Gi exceeds limit 2Gi/],
    ['zero quantity', { controller: { resources: { requests: { cpu: '0' } } } }, 'controller.resources.requests.cpu', /greater than zero/],
    ['plugins without kubernetes', { controller: { plugins: ['git', 'configuration-as-code'] } }, 'controller.plugins', /must include kubernetes and configuration-as-code/],
    ['malformed plugin', { controller: { plugins: ['kubernetes', 'configuration-as-code', 'git@5'] } }, 'controller.plugins[2]', /id or id:version/],
    ['bad image', { controller: { image: 'jenkins/jenkins:lts\n' } }, 'controller.image', /container image reference/],
    ['bad admin secret', { controller: { adminSecret: 'Admin Secret' } }, 'controller.adminSecret', /Secret name/],
    ['unknown service type', { service: { type: 'Ingress' } }, 'service.type', /ClusterIP, NodePort or LoadBalancer/],
    ['nodePort out of range', { service: { type: 'NodePort', nodePort: 8080 } }, 'service.nodePort', /30000-32767/],
    ['nodePort with ClusterIP', { service: { type: 'ClusterIP', nodePort: 30080 } }, 'service.nodePort', /only valid with service.type NodePort or LoadBalancer/],
    ['agent port equal to http port', { service: { port: 8080, agentPort: 8080 } }, 'service.agentPort', /must differ from port/],
    ['unknown persistence mode', { persistence: { mode: 'nfs' } }, 'persistence.mode', /'dynamic'.*'static'/],
    ['static without hostPath', { persistence: { mode: 'static' } }, 'persistence.hostPath', /static persistence needs hostPath/],
    ['relative hostPath', { persistence: { mode: 'static', hostPath: 'data/jenkins' } }, 'persistence.hostPath', /absolute path/],
    ['bad access mode', { persistence: { accessMode: 'RWO' } }, 'persistence.accessMode', /ReadWriteOnce/],
    ['bad pod retention', { agents: { podRetention: 'sometimes' } }, 'agents.podRetention', /never, onFailure, always, evicted, default/],
    ['negative container cap', { agents: { containerCap: -3 } }, 'agents.containerCap', /0 \(unlimited\) or more/],
    ['bad template label', template({ label: 'a,b' }), 'agents.templates[0].label', /Jenkins labels separated by single spaces/],
    ['template request above limit', template({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }), 'agents.templates[0].resources.requests.cpu', /exceeds limit/],
    ['container named jnlp', template({ containers: [{ name: 'jnlp', image: 'x:1' }] }), 'agents.templates[0].containers[0].name', /reserved for the agent container; set jnlpImage/],
    ['bad env var name', template({ envVars: { 'MY-VAR': 'x' } }), 'agents.templates[0].envVars.MY-VAR', /letters, digits and _/],
    ['bad node selector value', template({ nodeSelector: { disk: 'fast ssd' } }), 'agents.templates[0].nodeSelector.disk', /label values/],
    ['bad toleration effect', template({ tolerations: [{ key: 'a', effect: 'Never' }] }), 'agents.templates[0].tolerations[0].effect', /NoSchedule, PreferNoSchedule or NoExecute/],
    ['negative idle minutes', template({ idleMinutes: -1 }), 'agents.templates[0].idleMinutes', /./],
  ])('rejects %s', (_case, values, path, message) => {
    const issues = issuesFor(values);
    expect(issues).toContainEqual(expect.objectContaining({ path, message: expect.stringMatching(message) }));
  });

  it('shows the bad value in the message', () => {
    try {
      resolveSpec([{ values: { name: 'ok', controller: { replicas: -2 } } }]);
    } catch (err) {
      expect((err as Error).message).toContain('controller.replicas: replicas must be 0 (hibernate) or more (got -2)');
    }
  });

  it('names unknown keys and lists the allowed ones', () => {
    const issues = issuesFor({ controller: { replica: 2 } });
    expect(issues[0]!.path).toBe('controller');
    expect(issues[0]!.message).toMatch(/unknown key 'replica'; allowed: image, reloadSidecarImage, url, replicas/);
  });

  it('refuses duplicate template and container names', () => {
    const issues = issuesFor({ agents: { templates: [{ preset: 'maven' }, { preset: 'maven', containers: [{ name: 'a', image: 'x:1' }, { name: 'a', image: 'y:1' }] }] } });
    expect(issues).toContainEqual(expect.objectContaining({ path: 'agents.templates[1].name', message: expect.stringMatching(/duplicates agents.templates\[0\]/) }));
    expect(issues).toContainEqual(expect.objectContaining({ path: 'agents.templates[1].containers[1].name', message: expect.stringMatching(/unique/) }));
  });

  it('lists the available presets for an unknown one', () => {
    expect(issuesFor(template({ preset: 'gradle' }))[0]!.message).toMatch(/unknown preset; available: jnlp, maven, node/);
  });

  it('says a missing key is required', () => {
    expect(() => resolveSpec([{ values: {} }])).toThrow(/name: is required/);
  });

  it('accepts every quantity form Kubernetes does', () => {
    for (const cpu of ['500m', '0.5', '2', '1e0', '.5']) {
      expect(() => resolveSpec([{ values: { name: 'q', controller: { resources: { requests: { cpu }, limits: { cpu: '4' } } } } }])).not.toThrow();
    }
    for (const memory of ['500Mi', '10Gi', '1G', '512M', '1073741824']) {
      expect(() => resolveSpec([{ values: { name: 'q', controller: { resources: { requests: { memory: '1' }, limits: { memory } } } } }])).not.toThrow();
    }
  });
});

describe('values layers', () => {
  it('applies later layers and --set over earlier ones, lists replaced whole', () => {
    const spec = resolveSpec([
      { values: { name: 'a', controller: { replicas: 2, plugins: ['kubernetes', 'configuration-as-code'] } } },
      { values: { name: 'b' } },
      { ...(({ path, value }) => ({ set: path, value }))(parseSetExpression('controller.replicas=0')) },
      { ...(({ path, value }) => ({ set: path, value }))(parseSetExpression('agents.templates[0].jnlpImage=registry/jnlp:1')) },
    ]);
    expect(spec.name).toBe('b');
    expect(spec.controller.replicas).toBe(0);
    expect(spec.controller.plugins).toEqual(['kubernetes', 'configuration-as-code']);
    expect(spec.agents.templates[0]!.jnlpImage).toBe('registry/jnlp:1');
  });

  it('types --set values: numbers and booleans, everything else the text typed', () => {
    expect(parseSetExpression('a=2').value).toBe(2);
    expect(parseSetExpression('a=true').value).toBe(true);
    expect(parseSetExpression('a=500m').value).toBe('500m');
    expect(parseSetExpression('a=0.5').value).toBe(0.5);
    expect(parseSetExpression('a={b: c}').value).toBe('{b: c}');
    expect(parseSetExpression('a=x=y').value).toBe('x=y');
  });

  it('rejects malformed --set paths and values files clearly', () => {
    expect(() => parseSetExpression('replicas')).toThrow(/path=value/);
    expect(() => parseSetExpression('a..b=1')).toThrow(/is not a key path/);
    expect(() => parseSetExpression('__proto__.x=1')).toThrow(/is not a key path/);
    expect(() => resolveSpec([{ values: { name: 'x' } }, { set: ['agents', 'templates', 5, 'name'], value: 'y' }])).toThrow(/has 1 item\(s\); use index 1 to add one/);
    expect(() => parseValues('name: [unclosed', 'v.yaml')).toThrow(/v\.yaml: is not valid YAML/);
    expect(() => parseValues('- a\n- b\n', 'list.yaml')).toThrow(/must be a YAML mapping/);
    expect(() => parseValues('a: 1\na: 2\n', 'dup.yaml')).toThrow(/is not valid YAML/);
  });
});
