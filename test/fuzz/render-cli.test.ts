// `jenkins-chatops render --set …` with generated expressions, run in-process as a user would run it: the exit
// code is 0 or 2 and nothing else, stderr speaks exactly when it is 2, and a refused render writes nothing.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { loadAll } from 'js-yaml';
import { collectLayers, defaultInstanceFile } from '../../src/cli/values-options.js';
import { resolveSpec } from '../../src/instance/index.js';
import { runCli } from '../helpers/cli.js';
import { fuzzParameters, fuzzTimeout, REPLAYING } from './fuzz-config.js';
import { hostileText, NUMBERS, QUANTITIES } from './hostile.js';
import { outputProblems } from './output-checks.js';
import { settle, watchUnhandledRejections, type RejectionWatch } from './unhandled-rejections.js';

/** Paths into the default instance (casc/instances/jenkins.yaml) with values that work there. */
const GOOD_SETS = [
  'name=team-a', 'namespace=ci', 'controller.replicas=0', 'controller.replicas=2', 'service.type=LoadBalancer', 'service.nodePort=31000',
  'persistence.size=20Gi', 'agents.templates[0].jnlpImage=registry.local/jnlp:1', 'agents.templates[1].preset=maven',
  'controller.plugins[4]=git:5.7.0', 'agents.webSocket=true', 'agents.containerCap=0', 'controller.url=https://ci.example.com/',
];
const FREE_TEXT_PATHS = ['controller.systemMessage', 'controller.javaOpts', 'agents.templates[0].description', 'agents.templates[0].envVars.NOTE'];
const TYPED_PATHS = [
  'controller.replicas', 'service.port', 'service.nodePort', 'persistence.size', 'controller.resources.limits.cpu', 'agents.templates[0].resources.requests.memory',
  'agents.idleMinutes', 'agents.webSocket', 'name', 'namespace', 'service.type', 'persistence.mode', 'agents.templates[0].jnlpImage',
];
const BAD_PATHS = [
  '__proto__.polluted', 'constructor.prototype.polluted', 'controller.__proto__', 'controller', 'agents.templates', 'agents.templates[5].name',
  'controller.plugins[-1]', 'controller.replicas.x', 'x', '', ' ', 'a..b', 'agents.templates[0].envVars.bad-name', '--out', '-f',
];

const expression = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...GOOD_SETS) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...FREE_TEXT_PATHS), hostileText).map(([path, text]) => `${path}=${text}`) },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...TYPED_PATHS), fc.oneof(hostileText, fc.constantFrom(...NUMBERS, ...QUANTITIES))).map(([path, value]) => `${path}=${value}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...BAD_PATHS), hostileText).map(([path, value]) => `${path}=${value}`) },
  { weight: 1, arbitrary: hostileText },
);

const invocation = fc.record({ sets: fc.array(expression, { minLength: 1, maxLength: 3 }), toFolder: fc.boolean() });

let watch: RejectionWatch;
let base: string;
beforeAll(() => {
  watch = watchUnhandledRejections();
  base = mkdtempSync(join(tmpdir(), 'fuzz-render-cli-'));
});
afterAll(() => {
  watch.stop();
  rmSync(base, { recursive: true, force: true });
});

function writtenFiles(out: string) {
  const [instance] = readdirSync(out);
  const root = join(out, instance!);
  const manifests = readdirSync(join(root, 'manifests')).sort().map((file) => ({ file, yaml: readFileSync(join(root, 'manifests', file), 'utf8') }));
  return { casc: readFileSync(join(root, 'jenkins.yaml'), 'utf8'), manifests };
}

describe('render CLI with generated --set (property, seeded)', () => {
  it('exits 0 with valid files, or 2 with a message and nothing written', async () => {
    const counts = { rendered: 0, refused: 0 };
    let runNo = 0;
    const params = fuzzParameters<[{ sets: string[]; toFolder: boolean }]>(20261203, 1000);
    await fc.assert(
      fc.asyncProperty(invocation, async ({ sets, toFolder }) => {
        const out = join(base, `out-${runNo++}`);
        const args = ['render', ...sets.flatMap((s) => ['--set', s]), ...(toFolder ? ['--out', out] : [])];
        try {
          const run = await runCli(...args);
          expect([0, 2]).toContain(run.code);
          if (run.code === 2) {
            counts.refused += 1;
            expect(run.stderr.trim()).not.toBe('');
            expect(run.stderr).not.toMatch(/\[object Object\]|^\s*at .+:\d+:\d+\)?$/m);
            expect(existsSync(out)).toBe(false);
            expect(run.stdout).toBe('');
            return;
          }
          counts.rendered += 1;
          // A successful render says nothing on stderr but the fleet note (several controllers), line by line.
          expect(run.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('note: '))).toEqual([]);
          const spec = resolveSpec(collectLayers({ set: sets }, defaultInstanceFile()));
          if (toFolder) {
            expect(outputProblems(writtenFiles(out), spec)).toEqual([]);
          } else {
            // One YAML stream on stdout: every document an object of the bundle.
            const docs = loadAll(run.stdout) as Array<{ kind?: string }>;
            expect(docs.length).toBeGreaterThan(0);
            expect(docs.every((d) => typeof d?.kind === 'string')).toBe(true);
          }
        } finally {
          rmSync(out, { recursive: true, force: true });
        }
      }),
      params,
    );
    await settle();
    expect(watch.reasons).toEqual([]);
    // Both outcomes must really happen, or the property proved nothing about one of them.
    if (REPLAYING) return;
    expect(counts.rendered / params.numRuns!).toBeGreaterThanOrEqual(0.05);
    expect(counts.refused / params.numRuns!).toBeGreaterThanOrEqual(0.05);
  }, fuzzTimeout(120_000));
});
