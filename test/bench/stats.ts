// Small statistics for benchmarks: repeat a function, report the median; percentiles of samples.
import { performance } from 'node:perf_hooks';

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const median = (samples: number[]): number => percentile(samples, 50);

/** Runs `fn` `warmup` times unmeasured, then `runs` times; returns the per-run milliseconds. */
export function timeRuns(fn: () => unknown, runs: number, warmup = 3): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

export const rssMb = (): number => Math.round((process.memoryUsage().rss / 2 ** 20) * 10) / 10;

/**
 * Times two functions alternately (a, b, a, b, …) so machine load drifts affect both alike; returns the samples.
 */
export function timePaired(a: () => unknown, b: () => unknown, runs: number, warmup = 5): { a: number[]; b: number[] } {
  for (let i = 0; i < warmup; i++) {
    a();
    b();
  }
  const out = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < runs; i++) {
    let start = performance.now();
    a();
    out.a.push(performance.now() - start);
    start = performance.now();
    b();
    out.b.push(performance.now() - start);
  }
  return out;
}
