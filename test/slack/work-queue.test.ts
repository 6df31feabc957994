// After a burst of acks, command work is paced: at most N commands run at once, the rest start as others finish.
import { describe, expect, it } from '@jest/globals';
import { WorkQueue } from '../../src/transports/slack/work-queue.js';
import { readSlackConfig } from '../../src/transports/slack/config.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('WorkQueue', () => {
  it('runs at most `concurrency` tasks at once, in arrival order, and every task eventually', async () => {
    const queue = new WorkQueue({ concurrency: 2, quietMs: 0 });
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const done = gates.map((gate, i) => queue.run(async () => {
      started.push(i);
      await gate.promise;
      return i;
    }));
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    expect(queue.queued).toBe(2);
    gates[1]!.resolve();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3]);
  });

  it('frees the slot when a task fails', async () => {
    const queue = new WorkQueue({ concurrency: 1, quietMs: 0 });
    await expect(queue.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await queue.run(async () => 'next')).toBe('next');
  });

  it('starts work only once deliveries paused for quietMs, and never later than maxDeferMs', async () => {
    let clock = 0;
    const slept: number[] = [];
    const queue = new WorkQueue({ quietMs: 10, maxDeferMs: 25, now: () => clock, sleep: async (ms) => { slept.push(ms); clock += ms; if (clock < 30) queue.arrived(); } });
    queue.arrived();
    let ran = false;
    await queue.run(async () => { ran = true; });
    expect(ran).toBe(true);
    // Deliveries kept coming every 10 ms: the work waited for a pause until the cap at t=25.
    expect(slept).toEqual([10, 10, 5]);
    expect(clock).toBe(25);
  });

  it('is configured by SLACK_COMMAND_CONCURRENCY, refusing nonsense', () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-0000-test-not-real', SLACK_SIGNING_SECRET: 's' };
    expect(readSlackConfig(env).commandConcurrency).toBe(8);
    expect(readSlackConfig({ ...env, SLACK_COMMAND_CONCURRENCY: '3' }).commandConcurrency).toBe(3);
    expect(() => readSlackConfig({ ...env, SLACK_COMMAND_CONCURRENCY: '0' })).toThrow(/SLACK_COMMAND_CONCURRENCY="0" is not a whole number from 1 to 1000/);
  });
});
