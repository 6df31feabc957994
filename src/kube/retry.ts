// Bounded retries with exponential backoff and full jitter; Retry-After wins when the server sends one.
import { isRetryable, retryAfterSeconds } from './errors.js';

export interface RetryPolicy {
  /** Total tries including the first (default 5). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After we honour; longer waits are reported instead of slept through. */
  maxRetryAfterMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
  sleep: defaultSleep,
  random: Math.random,
};

export function backoffDelay(policy: RetryPolicy, attempt: number, err: unknown): number {
  const after = retryAfterSeconds(err);
  if (after !== undefined) return after * 1000;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling * policy.random());
}

export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy, onRetry?: (err: unknown, delayMs: number) => void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt + 1 >= policy.attempts || !isRetryable(err)) throw err;
      const delay = backoffDelay(policy, attempt, err);
      // The server asked for a longer pause than a person should wait for an answer: report it now.
      if (delay > policy.maxRetryAfterMs) throw err;
      onRetry?.(err, delay);
      await policy.sleep(delay);
    }
  }
}
