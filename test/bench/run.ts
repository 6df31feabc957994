// `npm run bench`: every benchmark, one table. Each row compares our code with a floor measured in the same run.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { runRenderBench } from './render-bench.js';
import type { BenchRow } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Benchmarks other parts contribute: loaded when their file exists in this build. */
const optional: Array<[file: string, exportName: string]> = [
  ['ack-bench.js', 'runAckBench'],
  ['alerts-bench.js', 'runAlertsBench'],
];

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

async function main(): Promise<void> {
  const only = process.argv[2];
  const rows: BenchRow[] = [];
  if (!only || only === 'render') rows.push(...(await runRenderBench()));
  for (const [file, exportName] of optional) {
    if (only && !file.startsWith(only)) continue;
    const path = join(here, file);
    if (!existsSync(path)) {
      rows.push({ name: file.replace('.js', ''), note: 'not built in this checkout' });
      continue;
    }
    const mod = (await import(path)) as Record<string, () => Promise<BenchRow[]>>;
    rows.push(...(await mod[exportName]!()));
  }
  printTable(rows);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
