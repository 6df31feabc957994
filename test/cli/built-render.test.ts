// The built command line (tsc, then the build's steps as `npm run build` runs them: the template precompile and the
// render bundle) renders from one bundled file and the precompiled templates: it loads the small Handlebars runtime,
// never the compiler, and no schema of a kind the default instance does not have; its output is the sources' own
// render, byte for byte. A bundle older than the compiled modules (a later tsc alone) is not used.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bundleStream, renderBundle } from '../../src/render/index.js';
import { seedSpecFile, specFromFile } from '../helpers/render.js';
import { moduleTraceHooks } from '../helpers/module-trace.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const build = join(repo, 'node_modules', '.cache', 'jenkins-chatops-built-render-test');
const entry = join(build, 'src', 'cli', 'main.js');
const bundle = join(build, 'src', 'cli', 'render-run.bundle.js');
const tmp = mkdtempSync(join(tmpdir(), 'jc-built-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (file: string, args: string[]) =>
  new Promise<void>((done) => execFile(process.execPath, [file, ...args], { cwd: repo }, () => done()));

beforeAll(async () => {
  rmSync(build, { recursive: true, force: true });
  // Type errors elsewhere in the tree do not stop tsc from emitting; only a missing output is fatal.
  await run(join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), ['-p', join(repo, 'tsconfig.build.json'), '--outDir', build]);
  await run(join(build, 'src', 'render', 'precompile-templates.js'), []);
  await run(join(build, 'src', 'cli', 'bundle-render.js'), []);
  for (const file of [entry, bundle, join(build, 'src', 'cli', 'cluster-commands.bundle.js'), join(build, 'src', 'render', 'templates.precompiled.cjs'), join(build, 'src', 'cli', 'templates.precompiled.cjs')]) {
    if (!existsSync(file)) throw new Error(`the build did not produce ${file}`);
  }
}, 180_000);

/** Every file the process loads, ES modules and CommonJS alike. */
function renderTraced(args = ['render'], stderr = ''): { stdout: string; loaded: string[] } {
  const trace = join(tmp, 'trace.txt');
  writeFileSync(trace, '');
  const { register, cjs } = moduleTraceHooks(tmp);
  const result = spawnSync(process.execPath, ['--require', cjs, '--import', register, entry, ...args], {
    cwd: tmp, env: { ...process.env, TRACE_FILE: trace }, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, timeout: 60_000,
  });
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr });
  return { stdout: result.stdout, loaded: readFileSync(trace, 'utf8').split('\n').filter(Boolean) };
}

const ours = (loaded: string[], folder: string) => loaded.filter((file) => file.includes(`/jenkins-chatops-built-render-test/src/${folder}/`));

describe('the built render', () => {
  it('renders the default instance from the bundle and its precompiled templates, byte-identical to the sources', () => {
    const { stdout, loaded } = renderTraced();
    expect(stdout).toBe(bundleStream(renderBundle(specFromFile(seedSpecFile()))));
    expect(loaded.some((file) => file.endsWith('/src/cli/render-run.bundle.js'))).toBe(true);
    expect([...ours(loaded, 'instance'), ...ours(loaded, 'render')]).toEqual([]);
    expect(loaded.some((file) => file.endsWith('/src/cli/templates.precompiled.cjs'))).toBe(true);
    expect(loaded.some((file) => file.includes('/handlebars/dist/handlebars.runtime.js'))).toBe(true);
    expect(loaded.filter((file) => file.includes('/handlebars/dist/cjs/handlebars/compiler/'))).toEqual([]);
  });

  it('loads no schema of a kind the default instance does not render', () => {
    const { loaded } = renderTraced();
    const absent = ['IoK8sApiAppsV1Deployment', 'IoK8sApiNetworkingV1Ingress', 'IoK8sApiNetworkingV1NetworkPolicy', 'IoK8sApiPolicyV1PodDisruptionBudget', 'IoK8sApiRbacV1ClusterRole', 'IoK8sApiCoreV1Secret.', '/prometheus-operator/'];
    expect(loaded.filter((file) => absent.some((name) => file.includes(name)))).toEqual([]);
  });

  it('does not use a bundle older than the compiled modules: renders from the modules, the same bytes', () => {
    const now = Date.now() / 1000;
    utimesSync(bundle, now - 60, now - 60);
    try {
      const { stdout, loaded } = renderTraced();
      expect(loaded.some((file) => file.endsWith('/src/cli/render-run.bundle.js'))).toBe(false);
      expect(ours(loaded, 'render').some((file) => file.endsWith('/render.js'))).toBe(true);
      expect(loaded.some((file) => file.endsWith('/src/render/templates.precompiled.cjs'))).toBe(true);
      expect(stdout).toBe(bundleStream(renderBundle(specFromFile(seedSpecFile()))));
    } finally {
      utimesSync(bundle, now + 60, now + 60);
    }
  });
});

describe('the built cluster commands', () => {
  it('deploy runs from one bundle: none of the Kubernetes client\'s, targets\' or runner\'s modules is loaded on its own', () => {
    const { stdout, loaded } = renderTraced(['deploy', 'ci', '--dir', join(tmp, 'out'), '--yes', '--no-wait'], `target: directory ${join(tmp, 'out')} (dry run: files only, nothing runs)\n`);
    expect(stdout).toMatch(/ci written as files \(dry run: nothing runs\)/);
    expect(loaded.some((file) => file.endsWith('/src/cli/cluster-commands.bundle.js'))).toBe(true);
    expect([...ours(loaded, 'kube'), ...ours(loaded, 'targets'), ...ours(loaded, 'commands'), ...ours(loaded, 'render')]).toEqual([]);
    expect(loaded.filter((file) => file.includes('/node_modules/@kubernetes/client-node/'))).toEqual([]);
  });

  it('a usage error thrown inside the bundle still exits 2 with its message', () => {
    const result = spawnSync(process.execPath, [entry, 'deploy', 'ci', '--dir', join(tmp, 'out'), '--yes', '--timeout', 'soon'], { cwd: tmp, encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toMatch(/--timeout must be a whole number of seconds, got soon/);
    expect(result.status).toBe(2);
  });
});
