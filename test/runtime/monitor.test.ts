import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HealthReport, PoolEvents } from 'process-sandbox';
import { isAlive, testClient, waitFor } from '../helpers.js';

const kib = (status: string, field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;

describe.runIf(process.platform === 'linux')('resource monitoring (Linux, from /proc)', () => {
  it('reports the seed\'s health fields in a health event and in stats(), null where Linux has none', async () => {
    const c = await testClient({ monitorIntervalMs: 50, spareWorkers: 0 });
    await c.add(1, 1);
    const report = await new Promise<HealthReport>((resolve) => c.pool.once('health', resolve));
    expect(report).toMatchObject({
      workerId: 1, callCount: 1,
      workingSetBytes: expect.any(Number), privateBytes: expect.any(Number), privateResidentBytes: expect.any(Number),
      handleCount: expect.any(Number), threads: expect.any(Number), cpuTimeMs: expect.any(Number),
      gdiObjects: null, userObjects: null,
    });
    expect(c.pool.stats().workers[0]!.resources).toBeDefined();
  });

  it('the numbers match /proc within tolerance', async () => {
    const c = await testClient({ monitorIntervalMs: 50, spareWorkers: 0 });
    const pid = await c.pid();
    await new Promise((r) => setTimeout(r, 200));
    const fresh = await new Promise<HealthReport>((resolve) => c.pool.once('health', resolve));
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const fds = readdirSync(`/proc/${pid}/fd`).length;
    const within = (a: number, b: number, fraction: number): boolean => Math.abs(a - b) <= b * fraction;
    expect(within(fresh.workingSetBytes!, kib(status, 'VmRSS'), 0.1)).toBe(true);
    expect(within(fresh.privateBytes!, kib(status, 'VmData'), 0.1)).toBe(true);
    expect(Math.abs(fresh.handleCount! - fds)).toBeLessThanOrEqual(2);
    expect(fresh.threads).toBe(Number(/^Threads:\s+(\d+)/m.exec(status)![1]));
  });

  it('a worker leaking native memory is recycled by maxMemoryMB, with the sample that triggered it', async () => {
    const c = await testClient({ maxMemoryMB: 200, monitorIntervalMs: 50, spareWorkers: 0, maxPoolSize: 1 });
    const recycled = new Promise<PoolEvents['recycle'][0]>((resolve) => c.pool.once('recycle', resolve));
    const pid = await c.leakNative(256);
    const event = await recycled;
    expect(event).toMatchObject({ reason: 'memory', pid });
    expect(event.trigger!.measured).toBeGreaterThan(event.trigger!.limit);
    expect(event.trigger!.limit).toBeLessThanOrEqual(200 * 1024 * 1024);
    expect(await waitFor(() => !isAlive(pid), 3000)).toBe(true);
    expect(await c.pid()).not.toBe(pid);
  });

  it('a worker leaking file descriptors is recycled by maxTotalHandles', async () => {
    const c = await testClient({ maxTotalHandles: 100, monitorIntervalMs: 50, spareWorkers: 0, maxPoolSize: 1 });
    const recycled = new Promise<PoolEvents['recycle'][0]>((resolve) => c.pool.once('recycle', resolve));
    const pid = await c.leakHandles(150);
    expect(await recycled).toMatchObject({ reason: 'handles', pid });
    expect(await waitFor(() => !isAlive(pid), 3000)).toBe(true);
    expect(await c.add(2, 2)).toBe(4);
  });

  it('a hung worker is still measured: its CPU time grows from one sample to the next', async () => {
    const c = await testClient({ monitorIntervalMs: 50, spareWorkers: 0, methodCallTimeoutMs: 3000 });
    const pid = await c.pid();
    const hung = c.hang();
    hung.catch(() => {});
    await new Promise((r) => setTimeout(r, 100));
    const samples: HealthReport[] = [];
    c.pool.on('health', (h) => { if (h.pid === pid) samples.push(h); });
    expect(await waitFor(() => samples.length >= 2 && samples.at(-1)!.cpuTimeMs! > samples[0]!.cpuTimeMs!, 2000)).toBe(true);
    // the worker's own health frames stopped with its event loop: these numbers came from outside
    expect(samples[0]!.pid).toBe(pid);
    await expect(hung).rejects.toMatchObject({ name: 'CallTimeoutError' });
  });
});
