// The README walk, verbatim: every shell example that uses examples/ (and the whole "Try it without a cluster" block)
// is run as written, in a fresh folder laid out like a clone after `npm ci` (package.json, node_modules, a fresh build
// as dist/, casc/, templates/, examples/), against the dry-run directory target and the replay. No cluster.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const build = join(repo, 'node_modules', '.cache', 'jenkins-chatops-examples-test');
const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const clone = mkdtempSync(join(tmpdir(), 'jc-readme-'));
afterAll(() => rmSync(clone, { recursive: true, force: true }));

beforeAll(async () => {
  await new Promise<void>((done) => {
    execFile(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repo, 'tsconfig.build.json'), '--outDir', build], { cwd: repo }, () => done());
  });
  if (!existsSync(join(build, 'src', 'cli', 'main.js'))) throw new Error('the build did not produce src/cli/main.js');
  for (const entry of ['package.json', 'node_modules', 'casc', 'templates', 'examples']) symlinkSync(join(repo, entry), join(clone, entry));
  symlinkSync(build, join(clone, 'dist'));
  // `jenkins-chatops …`: the bin link an `npm install -g` (or npm link) puts on PATH. `npx jenkins-chatops …` runs the
  // package's own bin in a clone (npm exec resolves it from package.json); npm does not do that through the symlinked
  // node_modules of this folder, so a shim does the same here (anything else goes to the real npx).
  mkdirSync(join(clone, '.bin'));
  const bin = join(build, 'src', 'cli', 'main.js');
  writeFileSync(join(clone, '.bin', 'jenkins-chatops'), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`);
  writeFileSync(join(clone, '.bin', 'npx'), `#!/bin/sh\nif [ "$1" = jenkins-chatops ]; then shift; exec "${process.execPath}" "${bin}" "$@"; fi\nexec "${process.execPath}" "${join(repo, 'node_modules', '.bin', 'npx')}" "$@"\n`);
  for (const name of ['jenkins-chatops', 'npx']) chmodSync(join(clone, '.bin', name), 0o755);
}, 180_000);

/** Shell lines of the README's code blocks (continuations joined), each with the block it came from. */
function shellLines(): Array<{ line: string; block: string }> {
  const out: Array<{ line: string; block: string }> = [];
  let lang: string | undefined;
  let body: string[] = [];
  for (const raw of readme.split('\n')) {
    const fence = /^\s*```(\w*)\s*$/.exec(raw);
    if (fence && lang === undefined) {
      lang = fence[1]!;
      body = [];
    } else if (fence) {
      if (lang === 'sh' || lang === 'bash' || lang === '') {
        const block = body.join('\n');
        for (const line of block.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim()).filter(Boolean)) out.push({ line, block });
      }
      lang = undefined;
    } else if (lang !== undefined) body.push(raw);
  }
  return out;
}

const TRY_IT = /## Try it without a cluster[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const runnable = (line: string) => /^(npx )?jenkins-chatops /.test(line) && !/kubectl|docker|--watch/.test(line);
const examplesLines = shellLines().map((l) => l.line).filter((l) => l.includes('examples/') && runnable(l));
const tryIt = TRY_IT.split('\n').map((l) => l.trim()).filter(Boolean);

function sh(line: string): { code: number | null; stdout: string; stderr: string } {
  // No cluster: a kubeconfig that does not exist keeps the target the dry-run directory even on a developer's machine.
  const env: NodeJS.ProcessEnv = {
    ...process.env, PATH: `${join(clone, '.bin')}:${process.env.PATH ?? ''}`, npm_config_update_notifier: 'false', NO_COLOR: '1', KUBECONFIG: join(clone, 'no-kubeconfig'),
  };
  const run = spawnSync('bash', ['-c', line], { cwd: clone, env, encoding: 'utf8', timeout: 120_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the README examples', () => {
  it('name only files that exist in the repository', () => {
    const named = [...new Set([...readme.matchAll(/examples\/[\w./-]+\.(ya?ml|ndjson)/g)].map((m) => m[0]))];
    expect(named.length).toBeGreaterThanOrEqual(6);
    for (const file of named) expect({ file, exists: existsSync(join(repo, file)) }).toEqual({ file, exists: true });
    for (const old of ['-f team-ci.yaml', '--replay watch.ndjson']) expect(readme).not.toContain(old);
  });

  it('show the team spec exactly as examples/team-ci.yaml holds it', () => {
    const block = /```yaml\n# examples\/team-ci\.yaml[^\n]*\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    expect(readFileSync(join(repo, 'examples', 'team-ci.yaml'), 'utf8')).toContain(block!);
  });

  it('the "Try it" block runs line by line as written, each exiting 0', () => {
    expect(tryIt.length).toBeGreaterThanOrEqual(8);
    const outputs: Record<string, string> = {};
    for (const line of tryIt) {
      const run = sh(line);
      expect({ line, code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ line, code: 0, stderr: '' });
      outputs[line] = run.stdout;
    }
    const out = (needle: string) => Object.entries(outputs).find(([l]) => l.includes(needle))![1];
    expect(out('deploy -f examples/team-ci.yaml')).toContain('✔ ci written as files (dry run: nothing runs)');
    expect(out('diff ci idle=20 --dir')).toMatch(/@@ -\d+,\d+ \+\d+,\d+ @@/);
    expect(out('diff ci idle=20 --full')).toContain('--- plan.diff ---');
    expect(out('status ci')).toContain('ci: files only, nothing runs');
    expect(out('deploy -f examples/fleet.yaml')).toContain('fleet written as files');
    expect(out('crash-loop.ndjson')).toMatch(/CRITICAL crash-loop Jenkins controller/);
    const json = out('unschedulable-agent.ndjson').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; reasons?: unknown[] });
    expect(json.find((r) => r.kind === 'unschedulable')?.reasons).toHaveLength(2);
    expect(existsSync(join(clone, 'out', 'jenkins', 'manifests'))).toBe(true);
  }, 240_000);

  it('every other example that uses examples/ runs as written', () => {
    const others = examplesLines.filter((l) => !tryIt.includes(l));
    expect(others.length).toBeGreaterThanOrEqual(4);
    for (const line of others) {
      const run = sh(line);
      expect({ line, code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ line, code: 0, stderr: '' });
      expect(run.stdout.length).toBeGreaterThan(0);
    }
    expect(existsSync(join(clone, 'deploy-repo', 'ci', 'manifests'))).toBe(true);
    expect(existsSync(join(clone, 'deploy-repo', 'fleet', 'jenkins.yaml'))).toBe(true);
  }, 240_000);
});
