import { describe, expect, it } from 'vitest';
import { testClient } from '../helpers.js';

describe('many callers', () => {
  it('200 concurrent calls on a pool of 3 each get their own answer', async () => {
    const c = await testClient({ minPoolSize: 3, maxPoolSize: 3 });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => c.add(i, 1000)));
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => i + 1000));
    const stats = c.pool.stats();
    expect(stats.workers).toHaveLength(3);
    expect(stats.workers.every((w) => w.callsServed > 0)).toBe(true);
    expect(stats.queued).toBe(0);
  });

  it('runs calls on one worker in FIFO order', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1 });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 50 }, (_, i) => c.sleep(i % 3).then(() => order.push(i))));
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('grows from minPoolSize to maxPoolSize while calls wait, one call per worker', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 3 });
    const pids = await Promise.all(Array.from({ length: 6 }, () => c.sleep(300)));
    expect(new Set(pids).size).toBe(3);
    expect(c.pool.stats().workers).toHaveLength(3);
  });
});
