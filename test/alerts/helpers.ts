// Shared test helpers: fixture paths, replaying a fixture in memory.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Replayer } from '../../src/alerts/replay/replayer.js';
import type { AlertRecord } from '../../src/alerts/replay/records.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/alerts/', import.meta.url));

export function fixturePath(name: string): string {
  return `${FIXTURES}${name}`;
}

export function fixtureLines(name: string): string[] {
  return readFileSync(fixturePath(name), 'utf8').split('\n').filter((l) => l.trim().length > 0);
}

export function replayRecords(name: string): AlertRecord[] {
  const out: AlertRecord[] = [];
  const replayer = new Replayer({ format: 'json', write: (line) => out.push(JSON.parse(line) as AlertRecord) });
  for (const line of fixtureLines(name)) replayer.line(line);
  replayer.end();
  return out;
}

import type { ManualClock } from '../../src/kube/clock.js';

/** Moves the manual clock in steps, letting real I/O (nock replies) complete between them, until `done()` holds. */
export async function runUntil(clock: ManualClock, done: () => boolean, stepMs = 250, maxSteps = 2000, settleMs = 1): Promise<void> {
  for (let i = 0; i < maxSteps && !done(); i++) {
    await clock.advance(stepMs);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  }
  if (!done()) throw new Error('condition not reached');
}
