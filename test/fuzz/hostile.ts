// What people (and attackers) type: the pieces every fuzz property draws from. Each list is a family of inputs
// that has broken YAML, JCasC, shells or chat parsers somewhere; generated texts mix them with random unicode.
import fc from 'fast-check';

export const YAML_SYNTAX = [
  ': ', 'key: value', '#', ' # comment', '---', '...', '&a', '*a', '&a [1]', '!!', '!!python/object:os.system', '!!binary',
  '{}', '[]', '{a: b}', '[a, b]', '|', '>', '|-', '>+', '? ', '- ', '%YAML 1.2', '%TAG ! tag:x:', '@', '`', '<<: *a', '~', 'null', 'yes', 'on',
];
export const INTERPOLATION = [
  '${', '}', '${ADMIN_PASSWORD}', '${jenkins-admin-password}', '${jenkins-admin-user}', '^${computer.name}', '^^${x}', '^',
  '${x:-fallback}', '${${nested}}', '${base64:eA==}', '${readFile:/etc/passwd}', '$(', ')', '$(POD_NAME)', '$$(HOSTNAME)', '$$', '$', '{{name}}', '{{{x}}}',
];
export const SHELL = [';', '&&', '||', '|', '`id`', '$(rm -rf /)', '> /etc/passwd', '<', '2>&1', '\\', '*', '~', '!', '&', '\u0000', "'; DROP TABLE x; --"];
export const NUMBERS = [
  '1e308', '-1e308', '1e309', '9007199254740993', '-9007199254740993', '9007199254740992', '-0', '0', 'NaN', 'Infinity', '-Infinity',
  '0x1F', '0o17', '0b101', '1_000', '.5', '5.', '1e-400', '-1', '-2', '99999999999999999999', '3.0', '007', '+1', '1,5', '1.5', '11', '10000', '32768',
];
export const QUANTITIES = [
  '500m', '0.5', '2', '512Mi', '10Gi', '-1Gi', '-500m', '1.5.5', 'Gi', '0', '0m', '1e3', '1E', '10gb', '2GB', '∞', '.5Gi', '1Mi1', '1Ki', '1Ei',
  '1000000000000000000000Ti', '0.0001m', '1 Gi', '500 m', 'm', '1e308', 'NaN',
];
export const QUOTES = ['"', "'", '“', '”', '‘', '’', '„', '""', "''", '“”'];
export const SLACK = [
  '&amp;', '&lt;', '&gt;', '&amp;lt;', '<https://ci.example.com|label>', '<https://ci.example.com>', '<mailto:a@b.example|a@b.example>',
  '<@U123ABC>', '<#C123|general>', '<!subteam^S123|team>', '<!here>', '<not a link>', '<|>', '<https://x|', '*bold*', '_it_', '~st~', '```code```',
];
export const UNICODE = [
  '\n', '\r\n', '\r', '\t', '\u000b', '\f', '\u2028', '\u2029', '\u0085', '\ufeff', '\u200b', '\u202e', '\u00a0', '\ud800', '\udfff',
  '🚀', '👩‍💻', '中文', 'é', 'e\u0301', '\u007f', '\u009f', 'İ', 'ß', 'ﬁ', 'Ω', '\u0000',
];
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__'];

const PIECES = [...YAML_SYNTAX, ...INTERPOLATION, ...SHELL, ...NUMBERS, ...QUANTITIES, ...QUOTES, ...SLACK, ...UNICODE, ...PROTOTYPE_KEYS];

/** A 10,000-character string built from one troublesome seed (repeated YAML, `${`, newlines, emoji). */
export const overlong: fc.Arbitrary<string> = fc
  .constantFrom('a', '${x}', ': ', '\n', '😀', '"', '- ', '^', 'é', ' ')
  .map((seed) => seed.repeat(Math.ceil(10_000 / seed.length)).slice(0, 10_000));

/** Free text: single pieces, mixes of pieces and random unicode, random code points, and rarely 10k characters. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 6, arbitrary: fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: overlong },
);

/** Numbers as JavaScript values (what YAML or JSON can produce, and some it cannot). */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 1, -(2 ** 53) - 1, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, 0.5, 1.5, 65536, 32768, 10001),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double(),
);

/** Names that look like instance names, and names that nearly do. */
export const INSTANCES = ['ci', 'team-a'];
export const badInstanceName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('CI', 'Ci', '-ci', 'ci-', '1ci', 'ci_2', 'ci.2', 'a'.repeat(41), 'a'.repeat(40), 'ci/x', '..', 'ci\u00e9', '${x}', '*', '--purge', 'jenkins'),
  hostileText,
);
/** Valid instance names that are also names of JavaScript object properties. */
export const JS_PROPERTY_NAMES = ['constructor', 'prototype', 'valueof', 'tostring', 'proto'];
export const instanceLike: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...INSTANCES) },
  { weight: 1, arbitrary: fc.constantFrom(...JS_PROPERTY_NAMES) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,12}[a-z0-9]$/) },
  { weight: 2, arbitrary: badInstanceName },
);
