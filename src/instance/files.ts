// Where the package's own data lives (templates/, casc/), whether running from src/ (tests) or dist/ (built).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The folder holding package.json, templates/ and casc/. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'templates'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the jenkins-chatops package root (package.json next to templates/)');
    dir = parent;
  }
  cached = dir;
  return dir;
}

export const defaultCascDir = (): string => join(packageRoot(), 'casc');
export const templatesDir = (): string => join(packageRoot(), 'templates');
