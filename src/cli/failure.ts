// How the CLI reports an error: one clear message on stderr and an exit code (2 = bad input, 1 = failure).
// Kept free of imports: main.ts loads it for every command, `--help` included.

export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Recognised by name: SpecError so this file does not load the instance schema (and zod) just to report, and
 * UsageError because a command run from the build's bundle throws the bundle's own copy of the class.
 */
export function reportFailure(err: unknown): number {
  if (err instanceof Error && (err.name === 'UsageError' || err.name === 'SpecError')) {
    process.stderr.write(`error: ${err.message}\n`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: ${message}\n`);
  return 1;
}
