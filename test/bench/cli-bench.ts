// Cold start of the command line, as a whole process: `render` of the default instance (to stdout), `--help` and
// `--version`, each against a bare `node -e ''` started the same way in the same run (alternately, so machine load
// drifts affect both alike). Targets: render ≤ 4× the bare start, --help and --version ≤ 2×.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { median } from './stats.js';
import type { BenchRow } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
// Built layout: dist/test/bench/cli-bench.js → dist/src/cli/main.js.
const MAIN = join(here, '..', '..', 'src', 'cli', 'main.js');
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 15);

function timeProcess(args: string[]): { ms: number; rssMb: number } {
  const start = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  const kb = Number(run.stderr.trim().split('\n').at(-1));
  return { ms, rssMb: Number.isFinite(kb) ? Math.round(kb / 102.4) / 10 : Number.NaN };
}

function timeNoRss(args: string[]): { ms: number; rssMb: number } {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return { ms: performance.now() - start, rssMb: Number.NaN };
}

export async function runCliBench(): Promise<BenchRow[]> {
  const measure = existsSync('/usr/bin/time') ? timeProcess : timeNoRss;
  const cases: Array<{ name: string; args: string[]; target: number }> = [
    { name: 'cli: render the default instance (whole process)', args: [MAIN, 'render'], target: 4 },
    { name: 'cli: --help (whole process)', args: [MAIN, '--help'], target: 2 },
    { name: 'cli: --version (whole process)', args: [MAIN, '--version'], target: 2 },
  ];
  const floor: number[] = [];
  const samples = cases.map(() => [] as number[]);
  const rss = cases.map(() => 0);
  let floorRss = 0;
  // Warm the file cache first; then alternate floor and each case.
  for (const c of cases) measure(c.args);
  measure(['-e', '']);
  for (let i = 0; i < RUNS; i++) {
    const f = measure(['-e', '']);
    floor.push(f.ms);
    floorRss = Math.max(floorRss, f.rssMb);
    cases.forEach((c, k) => {
      const r = measure(c.args);
      samples[k]!.push(r.ms);
      rss[k] = Math.max(rss[k]!, r.rssMb);
    });
  }
  const floorMs = median(floor);
  return cases.map((c, k) => {
    const medianMs = median(samples[k]!);
    const ratio = medianMs / floorMs;
    return {
      name: c.name,
      medianMs,
      floorMs,
      ratio,
      ...(Number.isFinite(rss[k]) ? { peakRssMb: rss[k] } : {}),
      note: `floor: node -e '' (${Number.isFinite(floorRss) ? `${floorRss} MB` : 'RSS n/a'}), ${RUNS} runs each, alternated; target ≤ ${c.target}× → ${ratio <= c.target ? 'met' : 'NOT met'}`,
    };
  });
}
