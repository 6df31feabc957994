// `npm run bench`: every benchmark, one table. Each benchmark runs in a fresh process (so peak RSS is its own),
// and each row compares our code with a floor measured in that same run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { BenchRow } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));

const BENCHES: Record<string, { file: string; exportName: string }> = {
  render: { file: 'render-bench.js', exportName: 'runRenderBench' },
  ack: { file: 'ack-bench.js', exportName: 'runAckBench' },
  alerts: { file: 'alerts-bench.js', exportName: 'runAlertsBench' },
  cli: { file: 'cli-bench.js', exportName: 'runCliBench' },
  deploy: { file: 'deploy-bench.js', exportName: 'runDeployBench' },
};

const fmt = (n: number | undefined, digits = 2): string => (n === undefined || Number.isNaN(n) ? '' : n.toFixed(digits));

function printTable(rows: BenchRow[]): void {
  const header = ['benchmark', 'median ms', 'floor ms', 'ratio', 'throughput', 'peak RSS MB', 'note'];
  const lines = rows.map((r) => [r.name, fmt(r.medianMs, 3), fmt(r.floorMs, 3), fmt(r.ratio), r.throughput ?? '', fmt(r.peakRssMb, 1), r.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(line(l));
}

/** In a child: run one benchmark and print its rows as JSON on the last line. */
async function runOne(name: string): Promise<void> {
  const bench = BENCHES[name];
  if (!bench) throw new Error(`unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(', ')}`);
  const mod = (await import(join(here, bench.file))) as Record<string, () => Promise<BenchRow[]>>;
  const rows = await mod[bench.exportName]!();
  process.stdout.write(`\n${JSON.stringify(rows)}\n`);
}

function runAll(names: string[]): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const name of names) {
    if (!existsSync(join(here, BENCHES[name]!.file))) {
      rows.push({ name, note: 'not built in this checkout' });
      continue;
    }
    process.stderr.write(`running ${name} benchmark…\n`);
    const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 2 ** 20,
    });
    rows.push(...(JSON.parse(out.trim().split('\n').at(-1)!) as BenchRow[]));
  }
  return rows;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return runOne(args[1]!);
  const names = args.length ? args : Object.keys(BENCHES);
  printTable(runAll(names));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
