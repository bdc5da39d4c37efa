import { afterEach, describe, expect, it } from 'vitest';
import { CallAbortedError, CallTimeoutError, RemoteError, ValidationError, WorkerCrashedError } from 'process-sandbox';
import { instrumentPool, type PoolInstrumentation } from 'process-sandbox/otel';
import { testClient, waitFor } from '../helpers.js';
import { histogram, points, testMeter, value, type TestMeter } from './metric-reader.js';

const cleanUps: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
});

function meter(): TestMeter {
  const m = testMeter();
  cleanUps.push(() => m.shutdown());
  return m;
}

function instrument(...args: Parameters<typeof instrumentPool>): PoolInstrumentation {
  const instrumentation = instrumentPool(...args);
  cleanUps.push(() => instrumentation.stop());
  return instrumentation;
}

const service = 'ITestService';

describe('instrumentPool() metrics, read through @opentelemetry/sdk-metrics', () => {
  it('records call.duration (s) by method and outcome for every way a call ends, and queue.wait (s) for calls that reached a worker', async () => {
    const m = meter();
    const c = await testClient({ methodCallTimeoutMs: 300, circuitBreaker: false, maxPoolSize: 1 });
    instrument(c.pool, { meterProvider: m.provider });
    expect(await c.add(1, 2)).toBe(3);
    expect(await c.sleep(30)).toBeGreaterThanOrEqual(0);
    await expect(c.fail('no')).rejects.toBeInstanceOf(RemoteError);
    await expect(c.segfault()).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(c.hang()).rejects.toBeInstanceOf(CallTimeoutError);
    // On the hung worker's replacement: the killed one no longer counts as running.
    expect(await c.add(0, 0)).toBe(0);
    const controller = new AbortController();
    const aborted = c.sleep(10_000, { signal: controller.signal });
    await waitFor(() => c.pool.stats().running === 1);
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(CallAbortedError);
    await expect(c.add('x' as unknown as number, 1)).rejects.toBeInstanceOf(ValidationError);

    const metrics = await m.collect();
    const duration = metrics.get('process_sandbox.call.duration');
    expect(duration?.descriptor.unit).toBe('s');
    const of = (method: string, outcome: string) => histogram(duration, { 'process_sandbox.service': service, 'process_sandbox.method': method, 'process_sandbox.outcome': outcome });
    expect(of('add', 'ok').map((h) => h.count)).toEqual([2]);
    expect(of('sleep', 'ok')[0]!.sum).toBeGreaterThanOrEqual(0.03);
    expect(of('sleep', 'ok')[0]!.sum).toBeLessThan(5);
    expect(of('fail', 'remote_error').map((h) => h.count)).toEqual([1]);
    expect(of('segfault', 'crashed').map((h) => h.count)).toEqual([1]);
    // A timed-out call ran until its timeout.
    expect(of('hang', 'timeout')[0]!.sum).toBeGreaterThanOrEqual(0.29);
    expect(of('sleep', 'aborted').map((h) => h.count)).toEqual([1]);
    // Refused in the caller: counted, having run 0 s.
    expect(of('add', 'rejected').map((h) => [h.count, h.sum])).toEqual([[1, 0]]);

    const wait = metrics.get('process_sandbox.queue.wait');
    expect(wait?.descriptor.unit).toBe('s');
    // Every call that reached a worker, whatever its outcome; the refused one never waited.
    const waited = histogram(wait, { 'process_sandbox.service': service });
    expect(waited.reduce((n, h) => n + h.count, 0)).toBe(7);
    expect(histogram(wait, { 'process_sandbox.method': 'add' }).map((h) => h.count)).toEqual([2]);
  });

  it('counts worker starts, and crashes by reason (a real SIGSEGV and a process.exit), not timeouts', async () => {
    const m = meter();
    const c = await testClient({ methodCallTimeoutMs: 300, circuitBreaker: false, minPoolSize: 1, maxPoolSize: 1, spareWorkers: 0 });
    // Instrumented after its first worker started: that start is not counted.
    instrument(c.pool, { meterProvider: m.provider });
    await expect(c.segfault()).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(c.exit(3)).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(c.hang()).rejects.toBeInstanceOf(CallTimeoutError);
    expect(await c.add(1, 1)).toBe(2);
    await waitFor(() => c.pool.stats().totals.crashes === 2);
    const metrics = await m.collect();
    const crashes = metrics.get('process_sandbox.worker.crashes');
    expect(crashes?.descriptor.unit).toBe('{crash}');
    expect(value(crashes, { 'process_sandbox.service': service, 'process_sandbox.worker.exit_reason': 'crash' })).toBe(2);
    expect(value(crashes)).toBe(2);
    expect(c.pool.stats().totals.crashes).toBe(2);
    // Three workers replaced the three that were killed or died.
    expect(value(metrics.get('process_sandbox.worker.starts'), { 'process_sandbox.service': service })).toBe(3);
  });

  it('counts recycles by reason', async () => {
    const m = meter();
    const c = await testClient({ processRecycleThreshold: 2, maxPoolSize: 1 });
    instrument(c.pool, { meterProvider: m.provider });
    for (let i = 0; i < 4; i++) await c.add(i, 1);
    await waitFor(() => c.pool.stats().totals.recycles >= 1);
    const recycles = (await m.collect()).get('process_sandbox.worker.recycles');
    expect(recycles?.descriptor.unit).toBe('{recycle}');
    expect(value(recycles, { 'process_sandbox.service': service, 'process_sandbox.worker.recycle_reason': 'calls' })).toBe(c.pool.stats().totals.recycles);
    expect(value(recycles)).toBeGreaterThanOrEqual(1);
  });

  it('reads workers by state, the queue\'s length and each worker\'s memory (By) from stats() as it collects', async () => {
    const m = meter();
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, spareWorkers: 0, monitorIntervalMs: 50 });
    instrument(c.pool, { meterProvider: m.provider });
    await waitFor(() => c.pool.stats().workers.every((w) => w.resources !== undefined));
    const running = c.sleep(400);
    const queued = [c.add(1, 1), c.add(2, 2)];
    await waitFor(() => c.pool.stats().running === 1);
    const metrics = await m.collect();
    const workers = metrics.get('process_sandbox.workers');
    expect(workers?.descriptor.unit).toBe('{worker}');
    expect(value(workers, { 'process_sandbox.service': service, 'process_sandbox.worker.state': 'busy' })).toBe(1);
    expect(value(workers, { 'process_sandbox.worker.state': 'idle' })).toBe(0);
    expect(value(metrics.get('process_sandbox.queue.length'), { 'process_sandbox.service': service })).toBe(2);
    const [measured] = c.pool.stats().workers.map((w) => w.resources!);
    for (const [name, bytes] of [['process_sandbox.worker.memory.working_set', measured!.workingSetBytes], ['process_sandbox.worker.memory.private', measured!.privateBytes]] as const) {
      const gauge = metrics.get(name);
      expect(gauge?.descriptor.unit).toBe('By');
      expect(points(gauge)).toHaveLength(1);
      expect(value(gauge, { 'process_sandbox.service': service })).toBeGreaterThan(1_000_000);
      // What the pool last measured (it may have measured again since).
      expect(Math.abs(value(gauge) - bytes!)).toBeLessThan(64 * 1024 * 1024);
    }
    await Promise.all([running, ...queued]);
    const after = await m.collect();
    expect(value(after.get('process_sandbox.workers'), { 'process_sandbox.worker.state': 'idle' })).toBe(1);
    expect(value(after.get('process_sandbox.queue.length'))).toBe(0);
  });

  it('reports memory as one point per pool, the largest worker\'s, however many workers came and went', async () => {
    const m = meter();
    const c = await testClient({ minPoolSize: 2, maxPoolSize: 2, spareWorkers: 0, monitorIntervalMs: 50 });
    instrument(c.pool, { meterProvider: m.provider });
    const measured = (): boolean => c.pool.stats().workers.length === 2 && c.pool.stats().workers.every((w) => w.resources !== undefined);
    await waitFor(measured);
    await expect(c.segfault()).rejects.toBeInstanceOf(WorkerCrashedError);
    await waitFor(() => c.pool.stats().totals.crashes === 1);
    await waitFor(measured);
    const metrics = await m.collect();
    const gauge = metrics.get('process_sandbox.worker.memory.working_set');
    // The dead worker left no series behind.
    expect(points(gauge).map((p) => p.attributes)).toEqual([{ 'process_sandbox.service': service }]);
    const largest = Math.max(...c.pool.stats().workers.map((w) => w.resources!.workingSetBytes!));
    expect(Math.abs(value(gauge) - largest)).toBeLessThan(64 * 1024 * 1024);
  });

  it('keeps two instrumented pools apart: each counts its own calls and workers only', async () => {
    const m = meter();
    const a = await testClient({ minPoolSize: 1, maxPoolSize: 1, spareWorkers: 0 });
    const b = await testClient({ minPoolSize: 1, maxPoolSize: 1, spareWorkers: 0 });
    const onlyA = meter();
    instrument(a.pool, { meterProvider: m.provider });
    instrument(b.pool, { meterProvider: m.provider });
    instrument(a.pool, { meterProvider: onlyA.provider });
    await Promise.all([a.add(1, 1), a.add(2, 2), b.add(3, 3)]);
    await expect(b.segfault()).rejects.toBeInstanceOf(WorkerCrashedError);
    // The call fails as its pipe breaks; the worker's exit (what the counter hears) may come after.
    await waitFor(() => b.pool.stats().totals.crashes === 1);
    // Both pools have one service: on one provider their points add up, one per call.
    const both = await m.collect();
    expect(histogram(both.get('process_sandbox.call.duration'), { 'process_sandbox.method': 'add' }).reduce((n, h) => n + h.count, 0)).toBe(3);
    expect(value(both.get('process_sandbox.worker.crashes'))).toBe(1);
    const justA = await onlyA.collect();
    expect(histogram(justA.get('process_sandbox.call.duration'), { 'process_sandbox.method': 'add' }).reduce((n, h) => n + h.count, 0)).toBe(2);
    expect(value(justA.get('process_sandbox.worker.crashes'))).toBe(0);
    expect(histogram(justA.get('process_sandbox.call.duration'), { 'process_sandbox.method': 'segfault' })).toEqual([]);
    expect(value(justA.get('process_sandbox.workers'))).toBe(1);
  });

  it('stop() (idempotent, also [Symbol.dispose]) unsubscribes and removes the gauges\' callback: nothing more is recorded or read', async () => {
    const m = meter();
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, spareWorkers: 0 });
    const instrumentation = instrument(c.pool, { meterProvider: m.provider });
    await c.add(1, 1);
    instrumentation.stop();
    instrumentation.stop();
    instrumentation[Symbol.dispose]();
    await c.add(2, 2);
    await expect(c.segfault()).rejects.toBeInstanceOf(WorkerCrashedError);
    await waitFor(() => c.pool.stats().totals.crashes === 1);
    const metrics = await m.collect();
    expect(histogram(metrics.get('process_sandbox.call.duration')).reduce((n, h) => n + h.count, 0)).toBe(1);
    expect(value(metrics.get('process_sandbox.worker.crashes'))).toBe(0);
    expect(value(metrics.get('process_sandbox.workers'))).toBe(0);
    expect(value(metrics.get('process_sandbox.queue.length'))).toBe(0);
  });
});
