// Generated chat command lines: real command words and keys, instance-like names, and hostile values, quoted the
// way people quote (or forget to), with Slack's link markup and escapes left in.
import fc from 'fast-check';
import { hostileText, instanceLike, INSTANCES, NUMBERS, QUANTITIES } from './hostile.js';

/** Keys deploy accepts, each with values that should work. */
const GOOD_SETTINGS: Array<[string, string[]]> = [
  ['replicas', ['0', '1', '2']],
  ['image', ['jenkins/jenkins:2.479.3-lts-jdk21', 'registry.local/jenkins:1']],
  ['service', ['nodeport', 'ClusterIP', 'LoadBalancer']],
  ['nodePort', ['30080', '32767']],
  ['storage', ['dynamic:20Gi', 'dynamic:20Gi:standard', 'static:10Gi']],
  ['hostPath', ['/data/jenkins']],
  ['namespace', ['ci', 'team-a']],
  ['agent.image', ['registry.local/jnlp:1', 'jenkins/inbound-agent:latest-jdk21']],
  ['agent.cpu', ['500m', '1']],
  ['agent.memory', ['500Mi', '1Gi']],
  ['agent.cpu.request', ['250m']],
  ['agent.cpu.limit', ['2']],
  ['agent.memory.request', ['256Mi']],
  ['agent.memory.limit', ['2Gi']],
  ['retention', ['onFailure', 'never', 'ALWAYS']],
  ['idle', ['0', '10']],
  ['cap', ['0', '20']],
  ['websocket', ['true', 'false']],
  ['controller.numExecutors', ['0', '2']],
  ['controller.url', ['https://ci.example.com/']],
  ['persistence.size', ['20Gi']],
  ['agents.templates[0].label', ['linux', 'maven jdk21']],
  ['agents.templates[0].instanceCap', ['5']],
];

/** Keys whose values are free text: hostile text IS the good case for them. */
const FREE_TEXT_KEYS = [
  'controller.systemMessage', 'controller.javaOpts', 'agents.templates[0].description',
  'agents.templates[0].envVars.NOTE', 'agents.templates[0].envVars.BUILD_FLAGS',
];

const BAD_KEYS = [
  '__proto__', '__proto__.polluted', 'controller.__proto__.polluted', 'constructor.prototype.polluted', 'agents.constructor.x',
  'controller', 'a', 'x.y', 'controller..x', '.controller', 'agents.templates[99].label', 'agents.templates[-1].label', 'agents.templates[0]',
  'controller.plugins[0]', 'controller.replicas[0]', 'controller.resources.limits.cpu.x', 'REPLICAS', 'Agent.CPU', 'name',
  'namespace.x', 'agents.templates[0].envVars.bad-name', 'controller.systemMessage.x', 'agents.templates[0].containers[0].command',
  'storage', 'replicas ', ' replicas',
];

const goodSetting = fc.constantFrom(...GOOD_SETTINGS).chain(([key, values]) => fc.tuple(fc.constant(key), fc.constantFrom(...values)));
const freeTextSetting = fc.tuple(fc.constantFrom(...FREE_TEXT_KEYS), hostileText);
const badValueSetting = fc.tuple(
  fc.constantFrom(...GOOD_SETTINGS.map(([key]) => key)),
  fc.oneof(hostileText, fc.constantFrom(...NUMBERS, ...QUANTITIES, '-1', '-2', '', '=', 'static:', 'dynamic:1Gi:a:b', 'static:10Gi:standard')),
);
const badKeySetting = fc.tuple(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...BAD_KEYS) }, { weight: 1, arbitrary: hostileText }), hostileText);

/** How a value is put in the word: quoted when it needs to be (or on a whim), or raw. */
const quoting = fc.constantFrom('auto', 'auto', 'auto', 'raw', 'straight', 'curly') as fc.Arbitrary<'auto' | 'raw' | 'straight' | 'curly'>;

export function quote(text: string, style: 'auto' | 'raw' | 'straight' | 'curly'): string {
  if (style === 'raw') return text;
  if (style === 'curly' && !/[“”]/.test(text)) return `“${text}”`;
  if (style === 'straight' || /[\s"'“”‘’„<]/.test(text) || text === '') {
    if (!text.includes('"')) return `"${text}"`;
    if (!text.includes("'")) return `'${text}'`;
    if (!/[“”]/.test(text)) return `“${text}”`;
  }
  return text;
}

const setting = fc
  .tuple(
    fc.oneof({ weight: 3, arbitrary: goodSetting }, { weight: 3, arbitrary: freeTextSetting }, { weight: 3, arbitrary: badValueSetting }, { weight: 1, arbitrary: badKeySetting }),
    quoting,
  )
  .map(([[key, value], style]) => `${key}=${quote(value, style)}`);

const verb = (name: string): fc.Arbitrary<string> =>
  fc.oneof({ weight: 12, arbitrary: fc.constant(name) }, { weight: 1, arbitrary: fc.constantFrom(name.toUpperCase(), name[0]!.toUpperCase() + name.slice(1), `${name}:`, `${name}s`) });

const name = instanceLike.map((text) => quote(text, 'auto'));
const count = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('0', '1', '2', '3', '10', '20') },
  { weight: 2, arbitrary: fc.constantFrom(...NUMBERS, '11', '10001', '01', '١', '２') },
  { weight: 1, arbitrary: hostileText.map((t) => quote(t, 'auto')) },
);
const stray = fc.constantFrom('--dry-run', '--purge', '--help', '-h', '--force', '--preset', '--preset=maven', '--', '-', '—dry-run');
const presets = fc.array(fc.constantFrom('maven', 'node', 'jnlp', 'gradle', '${x}'), { maxLength: 2 }).map((list) => list.flatMap((p) => ['--preset', p]));

const deployLike = (command: 'deploy' | 'diff') =>
  fc
    .tuple(verb(command), name, fc.array(setting, { maxLength: 3 }), command === 'deploy' ? fc.nat(4).map((dice) => (dice === 0 ? ['--dry-run'] : [])) : fc.constant([]), fc.oneof({ weight: 6, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: presets }))
    .map(([v, n, settings, dry, preset]) => [v, n, ...settings, ...preset, ...dry]);

const scale = fc.tuple(verb('scale'), name, fc.oneof(
  count.map((c) => [c]),
  count.map((c) => ['agents', c]),
  fc.tuple(fc.constantFrom('default', 'maven', 'nope', '${x}'), count).map(([t, c]) => ['template', t, c]),
  fc.array(count, { maxLength: 4 }),
)).map(([v, n, rest]) => [v, n, ...rest]);

const oneInstance = (command: string) => fc.tuple(verb(command), fc.array(name, { maxLength: 2 })).map(([v, names]) => [v, ...names]);

const commandWords: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 6, arbitrary: deployLike('deploy') },
  { weight: 1, arbitrary: deployLike('diff') },
  { weight: 3, arbitrary: scale },
  { weight: 1, arbitrary: oneInstance('status') },
  { weight: 1, arbitrary: oneInstance('casc') },
  { weight: 1, arbitrary: oneInstance('password') },
  { weight: 2, arbitrary: fc.tuple(oneInstance('delete'), fc.boolean()).map(([words, purge]) => (purge ? [...words, '--purge'] : words)) },
  { weight: 1, arbitrary: fc.tuple(verb('templates'), fc.array(hostileText, { maxLength: 1 })).map(([v, rest]) => [v, ...rest]) },
  { weight: 1, arbitrary: fc.tuple(verb('help'), fc.array(fc.oneof(fc.constantFrom('deploy', 'keys', 'scale', 'nope'), hostileText), { maxLength: 2 })).map(([v, rest]) => [v, ...rest]) },
  { weight: 2, arbitrary: fc.array(hostileText, { minLength: 0, maxLength: 4 }) },
);

const separator = fc.constantFrom(' ', ' ', ' ', '  ', '\t', '\n', '\u00a0', ' \r\n ');

/** One command line as a user would send it. */
export const commandText: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', '', '', '/jenkins ', 'jenkins ', ' ', '\n'),
    commandWords,
    fc.array(fc.tuple(fc.nat(6), stray), { maxLength: 1 }),
    fc.array(separator, { minLength: 8, maxLength: 8 }),
    fc.constantFrom('', '', ' ', '\n', '  \t'),
  )
  .map(([prefix, words, strays, seps, suffix]) => {
    const all = [...words];
    for (const [at, flag] of strays) all.splice(Math.min(at, all.length), 0, flag);
    return prefix + all.map((w, i) => (i === 0 ? w : `${seps[i % seps.length]}${w}`)).join('') + suffix;
  });

/** A deploy that should work: good keys and free text (hostile, but free text takes anything up to a length). */
const likelyDeploy: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...INSTANCES), fc.array(fc.oneof(goodSetting, freeTextSetting.filter(([, text]) => text.length <= 1024)), { maxLength: 2 }))
  .map(([instance, settings]) => ['deploy', instance, ...settings.map(([key, value]) => `${key}=${quote(value, 'auto')}`)].join(' '));

/** A scale of an instance that may exist (2 or more controllers asks first). */
const likelyScale: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...INSTANCES), fc.constantFrom('0', '1', '2', '3', 'agents 5', 'template default 2'))
  .map(([instance, what]) => `scale ${instance} ${what}`);

/**
 * A short conversation on one empty target: what the user typed, and whether they click Confirm when asked.
 * One in fifteen starts with a deploy that should work, so what follows meets an existing instance (plans, questions).
 */
export const session = fc.record({
  texts: fc.oneof(
    { weight: 14, arbitrary: fc.array(commandText, { minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.tuple(likelyDeploy, fc.oneof(likelyDeploy, likelyScale, commandText)).map(([first, next]) => [first, next]) },
  ),
  clicks: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
});
