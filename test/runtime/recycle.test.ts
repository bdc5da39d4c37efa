import { describe, expect, it } from 'vitest';
import { isAlive, testClient, waitFor } from '../helpers.js';

describe('recycling', () => {
  it('with overlappedRecycle off, a worker serves exactly processRecycleThreshold calls, is replaced, and no call fails', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, processRecycleThreshold: 5, overlappedRecycle: false });
    const recycles: unknown[] = [];
    c.pool.on('recycle', (e) => recycles.push(e));
    const first = await c.pid();
    const pids: number[] = [first];
    for (let i = 0; i < 30; i++) pids.push(await c.pid());
    // each worker serves the threshold (jittered down by at most 10%, which rounds to 5 here), then its replacement takes over
    const runs: number[] = [];
    for (let i = 0; i < pids.length; i++) if (i === 0 || pids[i] !== pids[i - 1]) runs.push(1); else runs[runs.length - 1]!++;
    expect(runs.slice(0, -1)).toEqual(Array(runs.length - 1).fill(5));
    expect(runs.length).toBe(7);
    expect(recycles[0]).toMatchObject({ pid: first, reason: 'calls' });
    expect(await waitFor(() => !isAlive(first), 3000)).toBe(true);
    expect(c.pool.stats().totals.crashes).toBe(0);
  });

  it('concurrent callers see no error while workers recycle under them', async () => {
    const c = await testClient({ minPoolSize: 2, maxPoolSize: 2, processRecycleThreshold: 10 });
    // Bursts until two workers have recycled (recycles for calls may be paced).
    const deadline = Date.now() + 20_000;
    while (c.pool.stats().totals.recycles < 2 && Date.now() < deadline) {
      const results = await Promise.all(Array.from({ length: 120 }, (_, i) => c.add(i, i)));
      expect(results).toEqual(Array.from({ length: 120 }, (_, i) => 2 * i));
    }
    expect(c.pool.stats().totals.recycles).toBeGreaterThanOrEqual(2);
    expect(c.pool.stats().totals.crashes).toBe(0);
  });

  it('an idle worker is recycled when it reaches maxProcessLifetimeMs', async () => {
    const c = await testClient({ minPoolSize: 1, maxProcessLifetimeMs: 400 });
    const pid = await c.pid();
    const recycled = new Promise((resolve) => c.pool.once('recycle', resolve));
    expect(await recycled).toMatchObject({ pid, reason: 'lifetime' });
    expect(await waitFor(() => !isAlive(pid), 3000)).toBe(true);
    expect(await waitFor(() => c.pool.stats().workers.some((w) => w.state === 'idle'), 3000)).toBe(true);
    expect(await c.pid()).not.toBe(pid);
  });
});

describe('recycleOnError', () => {
  it('replaces a worker whose implementation threw; the failed call is not retried', async () => {
    const c = await testClient({ recycleOnError: true, maxPoolSize: 1 });
    const pid = await c.pid();
    const recycled = new Promise((resolve) => c.pool.once('recycle', resolve));
    await expect(c.fail('corrupt')).rejects.toMatchObject({ name: 'RemoteError' });
    expect(await recycled).toMatchObject({ pid, reason: 'error' });
    expect(await c.pid()).not.toBe(pid);
  });

  it('is off by default', async () => {
    const c = await testClient({ maxPoolSize: 1 });
    const pid = await c.pid();
    await expect(c.fail('fine')).rejects.toMatchObject({ name: 'RemoteError' });
    expect(await c.pid()).toBe(pid);
  });
});
