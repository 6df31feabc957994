// Bounded concurrency: never more than the limit in flight, results in the items' order, a failure reported.
import { describe, expect, it } from '@jest/globals';
import { mapLimit } from '../../src/kube/concurrency.js';

describe('mapLimit', () => {
  it('keeps at most `limit` calls in flight and returns results in order', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, n));
      inFlight -= 1;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(most).toBe(3);
  });

  it('rejects with the first failure', async () => {
    await expect(mapLimit([1, 2, 3], 2, async (n) => {
      if (n === 2) throw new Error('two failed');
      return n;
    })).rejects.toThrow('two failed');
  });

  it('handles nothing to do', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});
