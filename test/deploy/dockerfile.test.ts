// The container image recipe, checked offline (no Docker engine here): what it copies exists and is not ignored,
// it runs as a non-root user, and its entry point is the CLI the build emits.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { packageRoot } from '../../src/instance/index.js';

const root = packageRoot();
const dockerfile = readFileSync(join(root, 'deploy', 'Dockerfile'), 'utf8');
const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

/** Whether .dockerignore keeps `path` out of the build context (last matching rule wins, `!` re-includes). */
function isIgnored(path: string): boolean {
  let result = false;
  for (const rule of ignored) {
    const negated = rule.startsWith('!');
    const pattern = negated ? rule.slice(1) : rule;
    if (path === pattern || path.startsWith(`${pattern}/`)) result = !negated;
  }
  return result;
}

describe('deploy/Dockerfile', () => {
  const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));

  it('copies only files that exist in the repository and reach the build context', () => {
    expect(copies).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src', 'templates', 'casc']));
    for (const source of copies) {
      expect({ source, exists: existsSync(join(root, source)), ignored: isIgnored(source) }).toEqual({ source, exists: true, ignored: false });
    }
  });

  it('is multi-stage, installs production dependencies only, and runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
  });

  it('starts the CLI the build emits, with node as PID 1 (exec form, so SIGTERM reaches it)', () => {
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "dist\/src\/cli\/main\.js"\]$/m);
    expect(existsSync(join(root, 'src', 'cli', 'main.ts'))).toBe(true);
    expect(dockerfile).toMatch(/^CMD \["start"\]$/m);
  });
});

describe('deploy/Dockerfile build stage', () => {
  const buildStage = dockerfile.split(/^FROM /m)[1]!;
  const copied = [...buildStage.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
  const before = (what: string) => buildStage.indexOf(what) < buildStage.indexOf('RUN npm ci');

  it('copies everything tsconfig.build.json compiles before the build runs', () => {
    const include = (JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as { include: string[] }).include;
    for (const pattern of include) {
      const folder = pattern.replace(/\/\*\*.*$/, '').replace(/\/[^/]*\.ts$/, '');
      expect({ pattern, copied: copied.some((c) => folder === c || folder.startsWith(`${c}/`)) }).toEqual({ pattern, copied: true });
    }
    expect(before('COPY test/support/apiserver')).toBe(true);
  });

  it('has the templates when the build precompiles them for the bundles', () => {
    expect(copied).toContain('templates');
    expect(before('COPY templates')).toBe(true);
  });
});
