// Generated instance values: the right shape most of the time, with hostile leaves, wrong types, huge numbers,
// deep nesting, unknown keys and prototype keys (made by JSON.parse, as a values file or API body would make them).
import fc from 'fast-check';
import type { Values } from '../../src/instance/index.js';
import { hostileNumber, hostileText, INSTANCES, PROTOTYPE_KEYS, QUANTITIES } from './hostile.js';

/** A chain of objects (or lists) `depth` levels deep. */
const deepNest: fc.Arbitrary<unknown> = fc.tuple(fc.integer({ min: 1, max: 1500 }), fc.boolean()).map(([depth, lists]) => {
  let node: unknown = 'bottom';
  for (let i = 0; i < depth; i++) node = lists ? [node] : { a: node };
  return node;
});

/** Anything but what the key wants. */
export const wrongLeaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, '', [], {}) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deepNest },
);

/**
 * Shaped values. With `wrong` 0 every leaf has the right type (free text is still hostile: that is the good case
 * for a free-text field); with `wrong` 1 about one leaf in six is anything else.
 */
export function shapedValues(wrong: 0 | 1): fc.Arbitrary<Values> {
  /** Mostly a good value, sometimes anything else. */
  const mostly = <T>(good: fc.Arbitrary<T>, goodWeight = 5): fc.Arbitrary<unknown> =>
    wrong === 0 ? (good as fc.Arbitrary<unknown>) : fc.oneof({ weight: goodWeight, arbitrary: good as fc.Arbitrary<unknown> }, { weight: wrong, arbitrary: wrongLeaf });
  /** Good choices, plus near misses when wrong leaves are on. */
  const pick = <T>(good: T[], nearMisses: T[]): fc.Arbitrary<unknown> => mostly(fc.constantFrom(...good, ...(wrong ? nearMisses : [])));

  // Free-text fields accept any text up to a length: hostile text is the GOOD case for them. Overlong text
  // (10k characters) is too long for every field, so it only comes with wrong leaves.
  const freeText = wrong ? mostly(hostileText, 8) : hostileText.filter((text) => text.length <= 1024);
  const image = mostly(fc.constantFrom('jenkins/jenkins:2.479.3-lts-jdk21', 'registry.local:5000/team/jenkins:1', 'jenkins/inbound-agent:3355.v388858a_47b_33-3-jdk21'));
  const quantity = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom<unknown>('100m', '500m', '1', '2', '0.5', '512Mi', '1Gi', '2Gi', 1, 2, 0.25, '1e3m', '+1', '.5Gi', '1Pi') },
    ...(wrong ? [{ weight: 2, arbitrary: fc.constantFrom<unknown>(...QUANTITIES) }, { weight: 1, arbitrary: wrongLeaf }] : []),
  );
  const resources = fc.record(
    {
      requests: fc.record({ cpu: quantity, memory: quantity }, { requiredKeys: [] }),
      limits: fc.record({ cpu: quantity, memory: quantity }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  );
  const smallInt = (min: number, max: number) => mostly(fc.integer({ min, max }));
  const envVars = mostly(fc.dictionary(fc.oneof({ weight: 5, arbitrary: fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/) }, { weight: wrong, arbitrary: fc.string({ maxLength: 6 }) }), freeText, { maxKeys: 3 }));
  const labelMap = mostly(fc.dictionary(fc.constantFrom('kubernetes.io/os', 'disk', 'team', ...(wrong ? ['bad key', '${x}'] : [])), fc.constantFrom('linux', 'ssd', 'a', '', ...(wrong ? ['bad value', '${x}'] : [])), { maxKeys: 2 }));

  const container = fc.record(
    {
      name: pick(['tool', 'maven2', 'helper'], ['jnlp', 'Tool']),
      image,
      command: freeText,
      args: freeText,
      ttyEnabled: mostly(fc.boolean()),
      resources: mostly(resources),
      envVars,
    },
    { requiredKeys: ['name', 'image'] },
  );

  // Paths: good ones, and the ones a path must never be (traversal, newline, the workspace, a system directory).
  const path = pick(['/cache', '/home/jenkins/.m2', '/data/jenkins/x'], ['/', '../etc', '/a\nb: c', '/home/jenkins/agent', '/etc', 'relative']);
  const volume = fc.oneof(
    fc.record({ type: pick(['emptyDir'], ['nfs']), mountPath: path, memory: mostly(fc.boolean()) }, { requiredKeys: ['type', 'mountPath'] }),
    fc.record({ type: fc.constant('configMap'), mountPath: path, configMapName: mostly(fc.constantFrom('settings', 'a.b')), subPath: pick(['conf'], ['../x']) }, { requiredKeys: ['type', 'mountPath', 'configMapName'] }),
    fc.record({ type: fc.constant('secret'), mountPath: path, secretName: mostly(fc.constantFrom('ci-admin', 'sonar')), defaultMode: pick(['0440', '644'], ['999', 440 as unknown as string]) }, { requiredKeys: ['type', 'mountPath', 'secretName'] }),
    fc.record({ type: fc.constant('hostPath'), mountPath: path, hostPath: path }, { requiredKeys: ['type', 'mountPath', 'hostPath'] }),
  );
  // Well-typed lists keep what must be unique unique (mount paths, ids); with wrong leaves, duplicates are a near miss.
  const uniqueBy = <T>(list: fc.Arbitrary<T[]>, key: (item: T) => unknown): fc.Arbitrary<T[]> =>
    wrong ? list : list.map((items) => items.filter((item, i) => items.findIndex((other) => key(other) === key(item)) === i));

  const template = fc.record(
    {
      preset: mostly(fc.constantFrom('jnlp', 'maven', 'node'), 12),
      name: mostly(fc.constantFrom('build', 'deploy-1', 'x')),
      label: mostly(fc.constantFrom('linux', 'maven jdk21', 'a.b-c_d')),
      description: freeText,
      jnlpImage: image,
      resources: mostly(resources),
      idleMinutes: smallInt(0, 10080),
      instanceCap: smallInt(1, 10000),
      podRetention: mostly(fc.constantFrom('never', 'onFailure', 'always', 'evicted', 'default')),
      activeDeadlineSeconds: smallInt(0, 86400),
      nodeSelector: labelMap,
      tolerations: mostly(fc.array(fc.record({ key: pick(['dedicated', 'node.kubernetes.io/disk'], ['bad key']), operator: pick(['Exists', 'Equal'], ['Maybe']), effect: pick(['NoSchedule', 'NoExecute'], ['Never']) }, { requiredKeys: [] }), { maxLength: 2 })),
      serviceAccount: mostly(fc.constantFrom('builder', 'default')),
      envVars,
      containers: mostly(fc.array(container, { maxLength: 2 })),
      volumes: mostly(uniqueBy(fc.array(volume, { maxLength: 2 }), (v) => JSON.stringify((v as { mountPath?: unknown }).mountPath))),
      workspaceVolume: mostly(fc.oneof(fc.record({ type: pick(['emptyDir'], ['nfs']), memory: mostly(fc.boolean()) }), fc.record({ type: fc.constant('hostPath'), hostPath: path }))),
      imagePullSecrets: mostly(fc.array(fc.constantFrom('regcred', 'pull.secret'), { maxLength: 2 })),
      secretEnvVars: mostly(fc.dictionary(fc.constantFrom('TOKEN', 'PW'), fc.record({ secret: mostly(fc.constantFrom('sonar', 'ci-admin')), key: mostly(fc.constantFrom('token', 'a.b')) }), { maxKeys: 2 })),
      annotations: mostly(fc.dictionary(fc.constantFrom('team', 'example.com/note'), freeText, { maxKeys: 2 })),
      yaml: wrong ? mostly(fc.oneof(freeText, fc.constantFrom('spec:\n  hostNetwrk: true\n'))) : fc.constantFrom('spec:\n  securityContext:\n    fsGroup: 1000\n', 'metadata:\n  annotations:\n    a: "${ADMIN}"\n'),
      yamlMergeStrategy: pick(['merge', 'override'], ['replace']),
    },
    { requiredKeys: ['preset'] },
  );

  const plugins = pick([['kubernetes', 'configuration-as-code'], ['kubernetes:4300.v1b_d7b_6d3b_a_0', 'configuration-as-code', 'git:5.7.0']], [['git'], ['kubernetes', 'configuration-as-code', 'git@5']]);

  const controller = fc.record(
    {
      image,
      reloadSidecarImage: image,
      url: mostly(fc.constantFrom('https://ci.example.com/', 'http://10.0.0.1:8080/jenkins')),
      replicas: smallInt(0, 10),
      resources: mostly(resources),
      javaOpts: freeText,
      plugins,
      adminSecret: mostly(fc.constantFrom('ci-admin', 'team.admin')),
      adminUser: mostly(fc.constantFrom('admin', 'ops.user')),
      systemMessage: freeText,
      numExecutors: smallInt(0, 32),
      sessionAffinity: mostly(fc.boolean()),
      nodeSelector: labelMap,
      priorityClassName: mostly(fc.constantFrom('ci-controllers', 'high')),
      podAnnotations: mostly(fc.dictionary(fc.constantFrom('team', 'backup.velero.io/backup-volumes'), freeText, { maxKeys: 2 })),
      podDisruptionBudget: mostly(fc.record({ enabled: mostly(fc.boolean()), maxUnavailable: smallInt(0, 3) }, { requiredKeys: ['enabled'] })),
    },
    { requiredKeys: [] },
  );

  const service = fc.record(
    {
      type: mostly(fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer')),
      port: smallInt(1, 65535),
      nodePort: smallInt(30000, 32767),
      agentPort: smallInt(1, 65535),
    },
    { requiredKeys: [] },
  // A nodePort needs a NodePort or LoadBalancer service: well-typed values say so.
  ).map((s) => (wrong || s.nodePort === undefined || (s.type !== undefined && s.type !== 'ClusterIP') ? s : { ...s, type: 'NodePort' }));

  const persistence = fc.record(
    {
      mode: mostly(fc.constantFrom('dynamic', 'static')),
      size: quantity,
      storageClass: mostly(fc.constantFrom('standard', 'fast.ssd')),
      accessMode: mostly(fc.constantFrom('ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany')),
      hostPath: mostly(fc.constantFrom('/data/jenkins', '/mnt/ci')),
      node: pick(['node-1', 'worker-2'], ['worker.example', 'Node_1']),
    },
    { requiredKeys: [] },
  // Static volumes need a hostPath: well-typed values give one.
  ).map((p) => (wrong || p.mode !== 'static' || p.hostPath !== undefined ? p : { ...p, hostPath: '/data/jenkins' }));

  const agents = fc.record(
    {
      namespace: mostly(fc.constantFrom('agents', 'ci-agents')),
      containerCap: smallInt(0, 10000),
      podRetention: mostly(fc.constantFrom('never', 'onFailure', 'always')),
      idleMinutes: smallInt(0, 10080),
      webSocket: mostly(fc.boolean()),
      retentionTimeout: smallInt(5, 1440),
      templates: mostly(fc.array(template, { maxLength: 3 }), 8),
    },
    { requiredKeys: [] },
  );

  return fc.record(
    {
      name: mostly(fc.constantFrom(...INSTANCES, 'clean', 'constructor'), 20),
      namespace: mostly(fc.constantFrom('jenkins', 'ci', 'team-a')),
      controller: mostly(controller, 10),
      service: mostly(service, 10),
      persistence: mostly(persistence, 10),
      agents: mostly(agents, 10),
      clusterDomain: pick(['cluster.local', 'corp.internal'], ['Cluster.Local', 'a..b']),
      ingress: mostly(fc.record({
        enabled: mostly(fc.boolean()),
        host: pick(['ci.example.com', 'jenkins.corp'], ['*.example.com', 'ci example']),
        className: mostly(fc.constantFrom('nginx', 'traefik')),
        path: pick(['/', '/jenkins/'], ['jenkins', '/a b/']),
        tlsSecret: mostly(fc.constantFrom('ci-tls', 'wild.card')),
        annotations: mostly(fc.dictionary(fc.constantFrom('nginx.ingress.kubernetes.io/proxy-body-size', 'cert-manager.io/cluster-issuer'), freeText, { maxKeys: 2 })),
      }, { requiredKeys: wrong ? ['enabled'] : ['enabled', 'host'] })),
      // A ServiceMonitor needs the metrics on: well-typed values say so.
      metrics: mostly(fc.record({ enabled: mostly(fc.boolean()), serviceMonitor: mostly(fc.boolean()) }, { requiredKeys: ['enabled'] })
        .map((m) => (wrong || !m.serviceMonitor ? m : { ...m, enabled: true }))),
      networkPolicy: mostly(fc.record({ enabled: mostly(fc.boolean()) })),
      // Extra JCasC: hostile text where a YAML document goes, and documents that try the generated keys or ${…}.
      jcasc: mostly(fc.record({
        extra: mostly(fc.dictionary(
          fc.constantFrom('mail', 'jobs', ...(wrong ? ['jenkins', 'Bad Name'] : [])),
          fc.oneof(
            fc.constantFrom('unclassified:\n  location:\n    adminAddress: "ci@example.com"\n', 'appearance:\n  themeManager:\n    disableUserThemes: true\n', 'tool:\n  git:\n    installations:\n      - name: "${ADMIN_PASSWORD}"\n        home: git\n'),
            ...(wrong ? [freeText as fc.Arbitrary<string>, fc.constantFrom('unclassified:\n  location:\n    url: "https://evil.example/"\n', 'jenkins:\n  clouds: []\n')] : []),
          ),
          { maxKeys: 2 },
        )),
        trusted: mostly(fc.array(fc.constantFrom('mail', 'jobs'), { maxLength: 1 })),
      }, { requiredKeys: [] }).map((j) => {
        // Well-typed: only fragments that exist are trusted.
        if (wrong || !Array.isArray(j.trusted)) return j;
        const names = Object.keys((j.extra ?? {}) as object);
        return { ...j, trusted: (j.trusted as string[]).filter((n) => names.includes(n)) };
      })),
      credentials: mostly(uniqueBy(fc.array(fc.record({
        id: pick(['github', 'slack-token'], ['a b']),
        type: pick(['usernamePassword', 'secretText', 'sshPrivateKey', 'file'], ['certificate']),
        secret: pick(['github-bot', 'team-tokens'], ['ci-admin', 'ci-casc-reload-token']),
        description: freeText,
      }, { requiredKeys: ['id', 'type', 'secret'] }), { maxLength: 2 }), (c) => c.id)),
    },
    { requiredKeys: ['name'] },
  );
}

/** The same object with one more OWN key, made the way JSON.parse makes it (so `__proto__` is a plain key). */
export function withOwnKey(target: unknown, key: string, value: unknown): Values {
  const base = target !== null && typeof target === 'object' && !Array.isArray(target) ? target : {};
  const rest = JSON.stringify(base).slice(1, -1);
  return JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}${rest ? `,${rest}` : ''}}`) as Values;
}

const protoPayload = fc.constantFrom<unknown>(
  { polluted: 'yes', replicas: 5, name: 'evil' },
  { prototype: { polluted: 'yes' } },
  null,
  'text',
  [1, 2],
);

type Tweak = (values: Values) => Values;

/** Where an extra key goes: the root, a section, or the first pod template. */
const SECTIONS = ['', 'controller', 'service', 'persistence', 'agents', 'controller.resources', 'template'] as const;

function at(values: Values, where: (typeof SECTIONS)[number], change: (node: unknown) => unknown): Values {
  if (where === '') return change(values) as Values;
  if (where === 'template') {
    const agents = (values.agents && typeof values.agents === 'object' ? values.agents : {}) as Values;
    const templates = Array.isArray(agents.templates) && agents.templates.length ? [...agents.templates] : [{ preset: 'jnlp' }];
    templates[0] = change(templates[0]);
    return { ...values, agents: { ...agents, templates } };
  }
  const [section, child] = where.split('.') as [string, string | undefined];
  const node = values[section];
  if (!child) return { ...values, [section]: change(node) };
  const parent = (node && typeof node === 'object' && !Array.isArray(node) ? node : {}) as Values;
  return { ...values, [section]: { ...parent, [child]: change(parent[child]) } };
}

const tweak: fc.Arbitrary<Tweak> = fc.oneof(
  // Prototype keys as own keys, from JSON.parse.
  fc.tuple(fc.constantFrom(...SECTIONS), fc.constantFrom(...PROTOTYPE_KEYS), protoPayload).map(([where, key, payload]): Tweak => (v) => at(v, where, (node) => withOwnKey(node, key, payload))),
  // Unknown or misspelt keys.
  fc.tuple(fc.constantFrom(...SECTIONS), fc.oneof(fc.constantFrom('replica', 'Replicas', 'extra', 'image ', 'spec', 'kind', '0'), fc.string({ maxLength: 8 })), wrongLeaf)
    .map(([where, key, value]): Tweak => (v) => at(v, where, (node) => ({ ...(node && typeof node === 'object' ? node : {}), [key]: value }))),
  // A whole section replaced by something that is not an object (the root stays a mapping: resolveSpec takes Values).
  fc.tuple(fc.constantFrom(...SECTIONS.filter((s) => s !== '')), wrongLeaf).map(([where, value]): Tweak => (v) => at(v, where, () => value)),
);

/** Instance values for resolveSpec: well-typed, with wrong leaves, or with extra and prototype keys. */
export const instanceValues: fc.Arbitrary<Values> = fc
  .oneof(
    { weight: 2, arbitrary: shapedValues(0) },
    { weight: 4, arbitrary: shapedValues(1) },
    { weight: 3, arbitrary: fc.tuple(shapedValues(1), fc.array(tweak, { minLength: 1, maxLength: 2 })).map(([values, tweaks]) => tweaks.reduce((acc, t) => t(acc), values)) },
  );
