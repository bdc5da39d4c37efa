import { rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WorkerStartError, type Logger, type PoolConfig } from 'process-sandbox';
import { ITestServiceClient } from '../.generated/js/.generated/services/ITestService.client.js';
import { paths, tempFile, track, waitFor } from '../helpers.js';

/** A flag file which, while it exists, makes every worker start fail (test/workers/unreliable-start.ts). */
const failFlag = (): string => {
  const flag = tempFile();
  writeFileSync(flag, '');
  return flag;
};
const unreliable = async (env: Record<string, string>, config: Partial<PoolConfig> = {}): Promise<ITestServiceClient> =>
  track(await ITestServiceClient.create({ workerModule: paths.unreliableStart, logger: false, env: { ...process.env, ...env }, ...config }));

describe('start failures', () => {
  it('back off exponentially with jitter between starts: 100 ms doubling, each wait 50–100% of that', async () => {
    const c = await unreliable({ SANDBOX_TEST_FAIL_FLAG: failFlag() }, { minPoolSize: 0, maxPoolSize: 1 });
    const failures: { at: number; retryInMs: number; failuresInARow: number }[] = [];
    const starts: number[] = [];
    // What happened, for the message if the starts stop (seen once in CI: two failures, then nothing for 10 s).
    const events: string[] = [];
    const t0 = performance.now();
    const event = (what: string): void => { events.push(`${Math.round(performance.now() - t0)} ms ${what}`); };
    c.pool.on('workerStartFailed', (e) => {
      failures.push({ at: performance.now(), retryInMs: e.retryInMs, failuresInARow: e.failuresInARow });
      event(`worker ${e.workerId} failed to start (${e.failuresInARow} in a row, next in ${e.retryInMs} ms): ${e.error.message.split('\n')[0]}`);
    });
    c.pool.on('workerStart', (e) => { starts.push(performance.now()); event(`worker ${e.workerId} spawned, pid ${e.pid}`); });
    c.pool.on('workerReady', (e) => event(`worker ${e.workerId} ready`));
    c.pool.on('workerExit', (e) => event(`worker ${e.workerId} exited (${e.reason}, ${e.signal ?? e.exitCode})`));
    await c.add(1, 2).catch(() => {});
    // the spare worker keeps being wanted: starts go on, ever further apart
    await waitFor(() => failures.length >= 5, 10_000);
    expect(failures.slice(0, 5).map((f) => f.failuresInARow), `${events.join('\n')}\n${JSON.stringify(c.pool.stats().workers)}`).toEqual([1, 2, 3, 4, 5]);
    failures.slice(0, 5).forEach((f, i) => {
      const ceiling = 100 * 2 ** i;
      expect(f.retryInMs).toBeGreaterThanOrEqual(ceiling / 2);
      expect(f.retryInMs).toBeLessThanOrEqual(ceiling);
    });
    // and the pool really waits that long before the next start
    for (let i = 0; i < 4; i++) {
      const next = starts.find((t) => t > failures[i]!.at)!;
      expect(next - failures[i]!.at).toBeGreaterThanOrEqual(failures[i]!.retryInMs - 5);
    }
  });

  it('while no worker can start, calls fail at once with the WorkerStartError and its stderr, without waiting for a start', async () => {
    const c = await unreliable({ SANDBOX_TEST_FAIL_FLAG: failFlag() }, { minPoolSize: 0, maxPoolSize: 2 });
    const first = await c.add(1, 2).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(WorkerStartError);
    expect((first as Error).message).toContain('the native library is missing');
    let starts = 0;
    c.pool.on('workerStart', () => { starts++; });
    const later = await c.add(1, 2).catch((e: unknown) => e);
    expect(starts).toBe(0);
    expect(later).toBeInstanceOf(WorkerStartError);
    expect((later as Error).message).toMatch(/"add" was not run: no worker of this pool can start \(\d+ failed in a row; the next try is at .*\)\. The last one: .*the native library is missing/);
    expect((later as WorkerStartError).stderrTail).toContain('this start fails');
  });

  it('one successful start resets it: once the fault is fixed, the pool serves', async () => {
    const flag = failFlag();
    const c = await unreliable({ SANDBOX_TEST_FAIL_FLAG: flag }, { minPoolSize: 0, maxPoolSize: 1 });
    await expect(c.add(1, 2)).rejects.toBeInstanceOf(WorkerStartError);
    rmSync(flag);
    const ready = new Promise((resolve) => c.pool.once('workerReady', resolve));
    await ready;
    expect(await c.add(1, 2)).toBe(3);
    expect(await c.add(2, 2)).toBe(4);
  });

  it('at most maxConcurrentStarts (default 2) workers start at once', async () => {
    const c = await unreliable({ SANDBOX_TEST_START_DELAY_MS: '300' }, { minPoolSize: 5, maxPoolSize: 5 });
    expect(c.pool.stats().workers.filter((w) => w.state === 'idle')).toHaveLength(5);
    const events: ('start' | 'ready')[] = [];
    c.pool.on('workerStart', () => events.push('start'));
    c.pool.on('workerReady', () => events.push('ready'));
    // five workers die at once: their five replacements start under the governor
    for (const w of c.pool.stats().workers) process.kill(w.pid!, 'SIGKILL');
    expect(await waitFor(() => events.filter((e) => e === 'ready').length >= 5, 15_000)).toBe(true);
    let starting = 0;
    let most = 0;
    for (const e of events) {
      starting += e === 'start' ? 1 : -1;
      most = Math.max(most, starting);
    }
    expect(most).toBe(2);
  });

  it('close() while a worker is still starting is quiet: no error, no workerStartFailed', async () => {
    const errors: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn() {}, error: (m) => { errors.push(m); } };
    const c = await unreliable({ SANDBOX_TEST_START_DELAY_MS: '400' }, { logger });
    const failed: unknown[] = [];
    c.pool.on('workerStartFailed', (e) => failed.push(e));
    let spareStarted = false;
    c.pool.on('workerStart', () => { spareStarted = true; });
    // the call makes the pool start a spare behind the busy worker, which close() then stops
    expect(await c.add(1, 2)).toBe(3);
    await waitFor(() => spareStarted, 2000);
    await c.close();
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('the start governor, with a clock the test moves', async () => {
  const { StartGovernor } = await import('../../dist/runtime/start-governor.js');
  const failure = new WorkerStartError('the native library is missing');

  it('tells a pool that wants starts when to look again, even when the backoff ends between two readings of the clock', () => {
    let now = 1000;
    // random 1: the full backoff, 100 ms after the first failure.
    const governor = new StartGovernor(2, () => 1, () => now);
    governor.begin();
    expect(governor.failed(failure)).toBe(100);
    now = 1099;
    // A millisecond left: no slot...
    expect(governor.slots()).toBe(0);
    now = 1100;
    // ...and by the time the pool asks when to look again, the wait is over: it must still be told to.
    expect(governor.retryDelayMs()).toBe(1);
    now = 1050;
    expect(governor.retryDelayMs()).toBe(50);
  });

  it('leaves the looking again to a start in flight, whose end makes the pool look', () => {
    let now = 0;
    const governor = new StartGovernor(1, () => 1, () => now);
    governor.begin();
    expect(governor.slots()).toBe(0);
    expect(governor.retryDelayMs()).toBeUndefined();
    governor.failed(failure);
    now = 100;
    governor.begin();
    expect(governor.retryDelayMs()).toBeUndefined();
  });
});
