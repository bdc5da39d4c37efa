import { describe, expect, it } from 'vitest';
import { CallTimeoutError } from 'process-sandbox';
import { isAlive, testClient, waitFor } from '../helpers.js';

describe('a call past its deadline', () => {
  it('a hung worker times out, is killed and replaced; the next call works', async () => {
    const c = await testClient({ methodCallTimeoutMs: 300 });
    const events: unknown[] = [];
    c.pool.on('timeout', (e) => events.push(e));
    const pid = await c.pid();
    const error = await c.hang().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect(error).toMatchObject({ method: 'hang', timeoutMs: 300, pid });
    expect(await waitFor(() => !isAlive(pid), 2000)).toBe(true);
    expect(events).toEqual([expect.objectContaining({ pid, method: 'hang', timeoutMs: 300 })]);
    const next = await c.pid();
    expect(next).not.toBe(pid);
  });

  it('calls queued behind the hung one run on the replacement', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, methodCallTimeoutMs: 300 });
    const hung = c.hang();
    const after = [c.add(1, 1), c.add(2, 2)];
    await expect(hung).rejects.toBeInstanceOf(CallTimeoutError);
    expect(await Promise.all(after)).toEqual([2, 4]);
  });

  it('a method\'s @timeout overrides methodCallTimeoutMs, even right after a call with the longer deadline', async () => {
    const c = await testClient({ methodCallTimeoutMs: 20_000, maxPoolSize: 1, spareWorkers: 0 });
    await c.sleep(10);
    const started = Date.now();
    await expect(c.hangBriefly()).rejects.toMatchObject({ name: 'CallTimeoutError', timeoutMs: 300 });
    // far sooner than the pool-wide 20 s (a generous bound: this is not a timing test)
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it.each([true, false])('a call that hangs on a worker retired meanwhile (its lifetime ended) still times out (overlappedRecycle %s)', async (overlappedRecycle) => {
    const c = await testClient({ maxProcessLifetimeMs: 300, methodCallTimeoutMs: 1500, overlappedRecycle });
    const recycles: unknown[] = [];
    c.pool.on('recycle', (e) => recycles.push(e));
    const error = await Promise.race([
      // A call that does not finish (sleeping, not spinning: this test need not burn a CPU).
      c.sleep(60_000).catch((e: unknown) => e),
      new Promise((r) => setTimeout(() => r('still running after 15 s'), 15_000)),
    ]);
    expect(recycles.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(CallTimeoutError);
  });

  it('the timeout counts from when the call reaches a worker, not from when it was queued', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, methodCallTimeoutMs: 400 });
    const first = c.sleep(250);
    const second = c.sleep(250);
    await expect(Promise.all([first, second])).resolves.toHaveLength(2);
  });

  it('a call on a worker that is being recycled has its deadline too', async () => {
    // The worker passes its lifetime while the call hangs: it is retired, to leave once the call is done.
    const c = await testClient({ maxPoolSize: 1, maxProcessLifetimeMs: 150, overlappedRecycle: false, methodCallTimeoutMs: 600 });
    const recycles: unknown[] = [];
    c.pool.on('recycle', (e) => recycles.push(e));
    const error = await c.hang().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect(recycles).toContainEqual(expect.objectContaining({ reason: 'lifetime', pid: (error as CallTimeoutError).pid }));
  });
});
