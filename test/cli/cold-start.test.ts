// `render`, `--help` and `--version` load only what they need: never the Kubernetes client, Bolt, the alert stack or
// prom-client (each command imports its dependencies when it runs). Checked on the real process: every module URL the
// process resolves is recorded by a module hook.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { moduleTraceHooks } from '../helpers/module-trace.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'jc-cold-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const { register } = moduleTraceHooks(tmp);

function modulesLoadedBy(...args: string[]): string[] {
  const trace = join(tmp, `trace-${args.join('_').replace(/\W/g, '')}.txt`);
  writeFileSync(trace, '');
  const run = spawnSync(process.execPath, [
    '--import', join(repo, 'test', 'support', 'ts-loader', 'register.mjs'), '--import', register, join(repo, 'src', 'cli', 'main.ts'), ...args,
  ], { cwd: tmp, env: { ...process.env, TRACE_FILE: trace }, encoding: 'utf8', timeout: 60_000 });
  expect({ args, status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ args, status: 0, stderr: '' });
  return readFileSync(trace, 'utf8').split('\n').filter(Boolean);
}

const HEAVY = ['@kubernetes/client-node', '@slack/bolt', '@slack/web-api', 'prom-client', 'pino', '/src/alerts/', '/src/kube/', '/src/transports/'];

describe('cold start', () => {
  it.each([['render'], ['--help'], ['--version']])('%s loads no Kubernetes client, Slack, alerts or metrics', (arg) => {
    const loaded = modulesLoadedBy(arg);
    expect(loaded.some((url) => url.includes('/src/cli/main.ts'))).toBe(true);
    expect(loaded.filter((url) => HEAVY.some((h) => url.includes(h)))).toEqual([]);
  });

  it('--help and --version load nothing but commander and the command declarations', () => {
    for (const arg of ['--help', '--version']) {
      const ours = modulesLoadedBy(arg).filter((url) => url.includes('/src/') && !url.includes('/src/cli/'));
      const packages = modulesLoadedBy(arg).filter((url) => url.includes('/node_modules/') && !url.includes('/commander/'));
      expect({ arg, ours, packages }).toEqual({ arg, ours: [], packages: [] });
    }
  });
});
