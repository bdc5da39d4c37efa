import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CallAbortedError, QueueFullError, WorkerCrashedError } from 'process-sandbox';
import { tempFile, testClient, paths, track, waitFor } from '../helpers.js';
import { ITestServiceClient } from '../.generated/js/.generated/services/ITestService.client.js';

const lines = (file: string): number => readFileSync(file, 'utf8').trim().split('\n').length;

describe('bounded queue', () => {
  it('past maxQueueLength, calls fail at once with QueueFullError; the rest complete', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, spareWorkers: 0, maxQueueLength: 3 });
    const running = c.sleep(200);
    const queued = [c.add(1, 1), c.add(2, 2), c.add(3, 3)];
    const refused = c.add(4, 4);
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    await expect(refused).rejects.toThrow('3 calls are already waiting for a worker (maxQueueLength)');
    expect(await Promise.all([running, ...queued])).toEqual([expect.any(Number), 2, 4, 6]);
  });
});

describe('a flood of calls', () => {
  it('past maxQueueLength is refused at once, and the parent\'s memory stays flat', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, spareWorkers: 0, maxQueueLength: 100 });
    const flood = async (): Promise<number> => {
      const calls = Array.from({ length: 50_000 }, (_, i) => c.add(i, 1).then(() => 'ok', (e: Error) => e.name));
      return (await Promise.all(calls)).filter((r) => r === 'QueueFullError').length;
    };
    const collect = (): void => {
      if (global.gc === undefined) throw new Error('run vitest with --expose-gc (vitest.config.ts sets it)');
      global.gc();
    };
    await flood();
    collect();
    const before = process.memoryUsage().heapUsed;
    let refused = 0;
    for (let round = 0; round < 4; round++) refused += await flood();
    collect();
    const grown = process.memoryUsage().heapUsed - before;
    expect(refused).toBeGreaterThan(4 * 49_000);
    expect(c.pool.stats().queued).toBe(0);
    // four floods more leave the heap where one left it (a generous bound: 200,000 calls went by)
    expect(grown).toBeLessThan(8 * 1024 * 1024);
  }, 60_000);
});

describe('cancellation with an AbortSignal', () => {
  it('aborted while queued: removed, never sent', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, spareWorkers: 0 });
    const file = tempFile();
    const running = c.sleep(200);
    const controller = new AbortController();
    const queued = c.touch(file, { signal: controller.signal });
    controller.abort(new Error('user gave up'));
    const error = await queued.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallAbortedError);
    expect(error).toMatchObject({ name: 'AbortError', wasRunning: false });
    expect((error as Error).cause).toMatchObject({ message: 'user gave up' });
    await running;
    await c.add(1, 1);
    expect(() => readFileSync(file)).toThrow();
  });

  it('aborted while running: the worker is killed and replaced', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 2 });
    const pid = await c.pid();
    const controller = new AbortController();
    const hung = c.hang({ signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(hung).rejects.toMatchObject({ name: 'AbortError', wasRunning: true });
    expect(await c.add(2, 3)).toBe(5);
    const exits: unknown[] = [];
    c.pool.on('workerExit', (e) => exits.push(e));
    await waitFor(() => exits.length > 0 || !c.pool.stats().workers.some((w) => w.pid === pid), 2000);
    expect(c.pool.stats().workers.some((w) => w.pid === pid)).toBe(false);
  });

  it('aborted while queued: it leaves the queue at once (maxQueueLength, stats().queued)', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, spareWorkers: 0, maxQueueLength: 2 });
    const running = c.sleep(300);
    const controller = new AbortController();
    const aborted = [c.add(1, 1, { signal: controller.signal }), c.add(2, 2, { signal: controller.signal })];
    expect(c.pool.stats().queued).toBe(2);
    controller.abort();
    expect(c.pool.stats().queued).toBe(0);
    await Promise.allSettled(aborted);
    // room for two again, although the worker is still busy
    const queued = [c.add(3, 3), c.add(4, 4)];
    expect(c.pool.stats().queued).toBe(2);
    expect(await Promise.all([running, ...queued])).toEqual([expect.any(Number), 6, 8]);
  });

  it('aborted while queued: it no longer counts toward how many workers the pool starts', async () => {
    const c = track(await ITestServiceClient.create({
      workerModule: paths.unreliableStart, logger: false, env: { ...process.env, SANDBOX_TEST_START_DELAY_MS: '300' },
      minPoolSize: 1, maxPoolSize: 4, spareWorkers: 0, maxConcurrentStarts: 1,
    }));
    const running = c.sleep(1500);
    const controller = new AbortController();
    const aborted = [1, 2, 3].map((i) => c.add(i, i, { signal: controller.signal }));
    // one start is under way (maxConcurrentStarts 1); the calls that wanted more go away
    controller.abort();
    await Promise.allSettled(aborted);
    await new Promise((r) => setTimeout(r, 1000));
    expect(c.pool.stats().totals.workersStarted).toBe(2);
    await running;
  });

  it('an already aborted signal fails the call at once', async () => {
    const c = await testClient();
    await expect(c.add(1, 2, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CallAbortedError);
  });
});

describe('idempotent retry', () => {
  it('an @idempotent method whose worker crashes is retried on a fresh worker', async () => {
    const c = await testClient({ maxRetries: 2, circuitBreaker: false });
    const file = tempFile();
    const retries: unknown[] = [];
    c.pool.on('retry', (e) => retries.push(e));
    expect(await c.flaky(file, 2)).toBe(3);
    expect(retries).toHaveLength(2);
    const pids = readFileSync(file, 'utf8').trim().split('\n');
    expect(new Set(pids).size).toBe(3);
  });

  it('a poison input stops at maxRetries and fails with the last crash', async () => {
    const c = await testClient({ maxRetries: 2, circuitBreaker: false });
    const file = tempFile();
    const error = await c.flaky(file, 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error).toMatchObject({ attempts: 3, signal: 'SIGSEGV' });
    expect((error as Error).message).toContain('tried on 3 workers');
    expect(lines(file)).toBe(3);
  });

  it('a method without @idempotent is never retried', async () => {
    const c = await testClient({ maxRetries: 5, circuitBreaker: false });
    const file = tempFile();
    await expect(c.touchThenCrash(file)).rejects.toMatchObject({ attempts: 1 });
    await c.add(1, 1);
    expect(lines(file)).toBe(1);
  });
});
