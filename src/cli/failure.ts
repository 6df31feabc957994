// How the CLI reports an error: one clear message on stderr and an exit code (2 = bad input, 1 = failure).
// Kept free of imports: main.ts loads it for every command, `--help` included.

export class UsageError extends Error {
  override name = 'UsageError';
}

/** SpecError is recognised by name, so this file does not load the instance schema (and zod) just to report. */
export function reportFailure(err: unknown): number {
  if (err instanceof UsageError || (err instanceof Error && err.name === 'SpecError')) {
    process.stderr.write(`error: ${err.message}\n`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: ${message}\n`);
  return 1;
}
