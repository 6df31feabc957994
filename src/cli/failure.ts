// How the CLI reports an error: one clear message on stderr and an exit code (2 = bad input, 1 = failure).
import { SpecError } from '../instance/index.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export function reportFailure(err: unknown): number {
  if (err instanceof SpecError || err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: ${message}\n`);
  return 1;
}
