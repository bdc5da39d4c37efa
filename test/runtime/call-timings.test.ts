import { describe, expect, it } from 'vitest';
import { testClient } from '../helpers.js';

describe('per-method latency in stats()', () => {
  it('at the defaults, records each call that reached a worker under its method, and none for a method not called', async () => {
    const c = await testClient();
    for (let i = 0; i < 5; i++) expect(await c.add(i, 1)).toBe(i + 1);
    const { methods } = c.pool.stats();
    expect(Object.keys(methods)).toEqual(['add']);
    const add = methods['add']!;
    expect(add.runMs.count).toBe(5);
    expect(add.queueWaitMs.count).toBe(5);
    for (const s of [add.runMs, add.queueWaitMs]) {
      expect(s.min).toBeGreaterThan(0);
      expect(s.min).toBeLessThanOrEqual(s.p50);
      expect(s.p50).toBeLessThanOrEqual(s.p90);
      expect(s.p90).toBeLessThanOrEqual(s.p99);
      expect(s.p99).toBeLessThanOrEqual(s.max);
      expect(s.mean).toBeGreaterThanOrEqual(s.min);
      expect(s.mean).toBeLessThanOrEqual(s.max);
    }
  });

  it('tells run time from queue wait: on one worker, the third of three sleeps waited for the two before it', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1 });
    await Promise.all([c.sleep(100), c.sleep(100), c.sleep(100)]);
    const sleep = c.pool.stats().methods['sleep']!;
    expect(sleep.runMs.count).toBe(3);
    // Lower bounds only: the worker slept at least 100 ms per call, and the last call waited for two.
    expect(sleep.runMs.min).toBeGreaterThanOrEqual(99);
    expect(sleep.queueWaitMs.max).toBeGreaterThanOrEqual(198);
    expect(sleep.queueWaitMs.min).toBeLessThan(sleep.runMs.min);
  });

  it('records a crashed call, not one refused before it was sent; resetStats() starts the histograms afresh and keeps the totals', async () => {
    const c = await testClient();
    await expect(c.segfault()).rejects.toThrow();
    // Refused in the caller: a bad argument never reaches a worker.
    await expect(c.add('x' as unknown as number, 1)).rejects.toThrow();
    await c.add(1, 2);
    let { methods, totals } = c.pool.stats();
    expect(methods['segfault']?.runMs.count).toBe(1);
    expect(methods['add']?.runMs.count).toBe(1);
    const calls = totals.calls;
    c.pool.resetStats();
    ({ methods, totals } = c.pool.stats());
    expect(methods).toEqual({});
    expect(totals.calls).toBe(calls);
    await c.add(2, 3);
    expect(c.pool.stats().methods['add']?.runMs.count).toBe(1);
  });
});
