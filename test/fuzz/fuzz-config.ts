// Seeds, run counts and replay for every property in test/fuzz. Each property has its own fixed seed, so a run is
// reproducible; FUZZ_RUNS multiplies the number of cases for longer local runs, FUZZ_SEED and FUZZ_PATH replay a
// failure that fast-check reported (run one test with `-t` when replaying: the override applies to every property).
import type { Parameters } from 'fast-check';

const positive = (text: string | undefined, fallback: number): number => {
  const n = Number(text);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

/** Multiplier for numRuns: FUZZ_RUNS=10 runs ten times as many cases. */
export const FUZZ_SCALE = positive(process.env.FUZZ_RUNS, 1);

export function fuzzParameters<T>(seed: number, numRuns: number): Parameters<T> {
  const replaySeed = process.env.FUZZ_SEED;
  const replayPath = process.env.FUZZ_PATH;
  const chosen = replaySeed !== undefined && replaySeed !== '' ? Number(replaySeed) : seed;
  if (!Number.isInteger(chosen)) throw new Error(`FUZZ_SEED must be a whole number as fast-check prints it (got '${replaySeed}')`);
  return {
    seed: chosen,
    numRuns: Math.round(numRuns * FUZZ_SCALE),
    ...(replayPath ? { path: replayPath } : {}),
  };
}

/** Replaying one case (FUZZ_PATH): the share checks that need a full run do not apply. */
export const REPLAYING = Boolean(process.env.FUZZ_PATH);

/** Generous per-test timeout that grows with FUZZ_RUNS (a hang still fails, long runs do not). */
export const fuzzTimeout = (baseMs: number): number => Math.round(baseMs * FUZZ_SCALE);
