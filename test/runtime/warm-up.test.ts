import { rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, RemoteError, WorkerStartError, type PoolConfig } from 'process-sandbox';
import { IElasticClient } from '../.generated/js/.generated/services/IElastic.client.js';
import { paths, tempFile, track, waitFor } from '../helpers.js';

const elastic = async (config: Partial<PoolConfig> = {}): Promise<IElasticClient> =>
  track(await IElasticClient.create({ workerModule: paths.elastic, logger: false, ...config }));

const failure = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => { throw new Error('it did not fail'); }, (e: unknown) => e);

describe('warm-up', () => {
  it('every worker runs it before its first call: create() waits for it, and it counts as no call', async () => {
    // An async warm-up of 300 ms: a call sent before it returned would see no warm-up yet.
    const c = await elastic({ minPoolSize: 2, maxPoolSize: 2, warmUp: { method: 'warm', args: [7, 300] } });
    const workers = c.pool.stats().workers;
    expect(workers.map((w) => [w.state, w.callsServed])).toEqual([['idle', 0], ['idle', 0]]);
    expect(c.pool.stats().totals.calls).toBe(0);
    const probes = await Promise.all([c.probe(), c.probe()]);
    expect(new Set(probes.map((p) => p.pid)).size).toBe(2);
    for (const p of probes) expect(p.warmUps).toEqual([7]);
    expect(c.pool.stats().workers.map((w) => w.callsServed)).toEqual([1, 1]);
  });

  it('the client\'s typed warmUp() names the method and its arguments', async () => {
    const c = await elastic({ minPoolSize: 1, maxPoolSize: 1, warmUp: IElasticClient.warmUp('warm', 9) });
    expect((await c.probe()).warmUps).toEqual([9]);
  });

  it('replacements are warmed before they take a call: recycle successors, crash replacements and spares', async () => {
    const c = await elastic({ maxPoolSize: 2, processRecycleThreshold: 5, warmUp: { method: 'warm', args: [3] } });
    const pids = new Set<number>();
    for (let round = 0; round < 12; round++) {
      const probes = await Promise.all([c.probe(), c.probe(), c.probe()]);
      for (const p of probes) {
        expect(p.warmUps).toEqual([3]);
        pids.add(p.pid);
      }
      if (round % 2 === 1) {
        await c.crash().catch(() => {});
        // A worker ready before the next round (the pool keeps one idle: the spare).
        await waitFor(() => c.pool.stats().workers.some((w) => w.state === 'idle' && !w.standby), 10_000);
      }
    }
    // Crashes and recycles brought in new workers, each warmed once before its first call.
    expect(pids.size).toBeGreaterThanOrEqual(4);
    expect(c.pool.stats().totals.recycles).toBeGreaterThanOrEqual(1);
  });

  it('does not count toward processRecycleThreshold: a worker serves exactly its threshold of calls', async () => {
    const c = await elastic({ minPoolSize: 1, maxPoolSize: 1, spareWorkers: 0, overlappedRecycle: false, processRecycleThreshold: 3, warmUp: { method: 'warm', args: [1] } });
    const pids: number[] = [];
    for (let i = 0; i < 7; i++) pids.push((await c.probe()).pid);
    expect(pids.slice(0, 3).every((p) => p === pids[0])).toBe(true);
    expect(pids.slice(3, 6).every((p) => p === pids[3])).toBe(true);
    expect(new Set(pids).size).toBe(3);
  });

  it('a warm-up that throws fails the start: create() rejects with WorkerStartError carrying the remote error', async () => {
    const error = await failure(elastic({ warmUp: { method: 'warmFails', args: ['no model file'] } }));
    expect(error).toBeInstanceOf(WorkerStartError);
    const e = error as WorkerStartError;
    expect(e.message).toMatch(/worker 1 \(pid \d+\) could not start: its warm-up "warmFails" threw in the worker: Error: no model file/);
    expect(e.remote?.name).toBe('Error');
    expect(e.remote?.message).toBe('no model file');
    expect(e.cause).toBeInstanceOf(RemoteError);
  });

  it('a warm-up that crashes or times out fails the start too, saying so', async () => {
    const crashed = await failure(elastic({ warmUp: { method: 'warmExits' } }));
    expect(crashed).toBeInstanceOf(WorkerStartError);
    expect((crashed as Error).message).toMatch(/exited with code 3 before it was ready \(while running its warm-up "warmExits"\)/);

    const hung = await failure(elastic({ warmUp: { method: 'warmHangs' } }));
    expect(hung).toBeInstanceOf(WorkerStartError);
    expect((hung as Error).message).toMatch(/warm-up "warmHangs" did not return within 300 ms \(its @timeout\); it was killed/);
  });

  it('a failing warm-up goes through the start governor: calls fail fast, starts back off, and once it works the pool serves', async () => {
    const flag = tempFile();
    writeFileSync(flag, '');
    const c = await elastic({ minPoolSize: 0, maxPoolSize: 1, warmUp: { method: 'warmFails', args: ['the model is missing', flag] } });
    const failed: { failuresInARow: number; retryInMs: number }[] = [];
    c.pool.on('workerStartFailed', (e) => failed.push(e));
    const first = await failure(c.probe());
    expect(first).toBeInstanceOf(WorkerStartError);
    expect((first as Error).message).toContain('the model is missing');
    const second = await failure(c.probe());
    expect(second).toBeInstanceOf(WorkerStartError);
    expect((second as Error).message).toMatch(/"probe" was not run: no worker of this pool can start .* the model is missing/);
    expect(await waitFor(() => failed.length >= 3, 10_000)).toBe(true);
    expect(failed.slice(0, 3).map((f) => f.failuresInARow)).toEqual([1, 2, 3]);
    expect(failed[2]!.retryInMs).toBeGreaterThanOrEqual(200);
    rmSync(flag);
    const ready = new Promise((resolve) => c.pool.once('workerReady', resolve));
    await ready;
    expect((await c.probe()).warmUps).toEqual([]);
  });

  it('minPoolSize 0: create() starts nothing; the first call starts a worker, warmed before it runs', async () => {
    const c = await elastic({ minPoolSize: 0, warmUp: { method: 'warm', args: [9, 100] } });
    expect(c.pool.stats().workers).toEqual([]);
    expect((await c.probe()).warmUps).toEqual([9]);
  });

  it('a method the interface lacks, or arguments its validators refuse, is a ConfigurationError before any process starts', async () => {
    // A workerModule that does not exist: had a worker started, this would be a WorkerStartError.
    const nowhere = { workerModule: tempFile() };
    const unknown = await failure(elastic({ ...nowhere, warmUp: { method: 'load' } }));
    expect(unknown).toBeInstanceOf(ConfigurationError);
    expect((unknown as Error).message).toContain('warmUp.method: "load" is not a method of IElastic; the methods are work, urgent, crashOnce, probe, warm,');

    const badArgs = await failure(elastic({ ...nowhere, warmUp: { method: 'warm', args: ['seven'] } }));
    expect(badArgs).toBeInstanceOf(ConfigurationError);
    expect((badArgs as Error).message).toContain('warmUp.args: do not fit IElastic.warm(level, ms): warm: argument "level": expected number, got string');

    const missing = await failure(elastic({ ...nowhere, warmUp: { method: 'warm' } }));
    expect((missing as Error).message).toContain('warmUp.args');

    for (const [warmUp, field] of [[5, 'warmUp'], [{ method: 1 }, 'warmUp.method'], [{ method: 'warm', args: 7 }, 'warmUp.args'], [{ method: 'warm', arg: [1] }, 'warmUp.arg']] as const) {
      const error = await failure(elastic({ ...nowhere, warmUp: warmUp as unknown as NonNullable<PoolConfig['warmUp']> }));
      expect(error, JSON.stringify(warmUp)).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).issues.map((i) => i.field)).toContain(field);
    }
  });
});
