import { describe, expect, it } from 'vitest';
import type { PoolEvents } from '../../runtime/index.js';
import { isAlive, testClient, waitFor } from '../helpers.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Overlapped recycling, on by default: a worker's replacement starts before the worker is due
 * and waits on standby, so that at maxPoolSize no call waits for a process start. "Waits" is
 * read from the queue, not from a clock: a call made while no worker can take it is queued.
 */
describe('overlapped recycling (the default)', () => {
  it('at maxPoolSize, no call waits for a start while workers recycle, and the successor is ready before its predecessor leaves', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, processRecycleThreshold: 10 });
    const order: string[] = [];
    c.pool.on('workerReady', (e) => order.push(`ready ${e.workerId}`));
    c.pool.on('recycle', (e) => order.push(`recycle ${e.workerId}`));
    c.pool.on('workerExit', (e) => order.push(`exit ${e.workerId} ${e.reason}`));
    let queuedAtCall = 0;
    let standbySeen = false;
    // Recycles for calls may be paced, so bounded by time, not by calls.
    const deadline = Date.now() + 20_000;
    for (let i = 0; Date.now() < deadline && c.pool.stats().totals.recycles < 2; i++) {
      const call = c.add(i, 1);
      if (c.pool.stats().queued > 0) queuedAtCall++;
      expect(await call).toBe(i + 1);
      const workers = c.pool.stats().workers;
      if (workers.some((w) => w.standby) && workers.length === 2) standbySeen = true;
      await sleep(2);
    }
    expect(c.pool.stats().totals.recycles).toBe(2);
    expect(queuedAtCall).toBe(0);
    // One process over maxPoolSize, on standby, ready before it was needed.
    expect(standbySeen).toBe(true);
    expect(await waitFor(() => order.filter((e) => e.startsWith('exit ') && e.endsWith(' recycle')).length === 2, 3000)).toBe(true);
    for (const id of [1, 2]) {
      expect(order.indexOf(`ready ${id + 1}`)).toBeGreaterThan(-1);
      expect(order.indexOf(`ready ${id + 1}`)).toBeLessThan(order.indexOf(`exit ${id} recycle`));
    }
    expect(c.pool.stats().totals.crashes).toBe(0);
  });

  it('recycles for calls at the threshold while recycles are rare, and paces them when fast calls would recycle without pause', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, processRecycleThreshold: 10 });
    const recycles: PoolEvents['recycle'][0][] = [];
    c.pool.on('recycle', (e) => recycles.push(e));
    const startMs = [c.pool.stats().workers[0]!.startMs!];
    c.pool.on('workerReady', (e) => startMs.push(e.startMs));
    const started = Date.now();
    while (Date.now() - started < 4000) await c.pid();
    const elapsed = Date.now() - started;
    // The first is granted at once: due at the threshold itself (10, jittered down by up to 10%).
    expect(recycles.length).toBeGreaterThanOrEqual(1);
    expect(recycles[0]!.reason).toBe('calls');
    expect(recycles[0]!.callsServed).toBeGreaterThanOrEqual(9);
    expect(recycles[0]!.callsServed).toBeLessThanOrEqual(10);
    // Then one start per ten starts' time at most (CALLS_PACE 10, no burst, recycle-policy.ts),
    // where unpaced a worker would go as soon as its replacement was ready.
    const allowed = 1 + elapsed / (10 * Math.min(...startMs)) + 1;
    expect(recycles.length).toBeLessThanOrEqual(allowed);
    expect(c.pool.stats().totals.crashes).toBe(0);
  });

  it('a worker that crashes after its replacement was granted gives the grant back: the replacement recycles at its own threshold, unpaced', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, processRecycleThreshold: 40 });
    const recycles: PoolEvents['recycle'][0][] = [];
    c.pool.on('recycle', (e) => recycles.push(e));
    // Near its threshold (90% of 36 to 40 calls): its replacement is granted and starts on standby.
    while (!c.pool.stats().workers.some((w) => w.standby)) {
      await c.pid();
      await sleep(5);
    }
    expect(await waitFor(() => c.pool.stats().workers.some((w) => w.standby && w.state === 'idle'), 10_000)).toBe(true);
    const successor = c.pool.stats().workers.find((w) => w.standby)!;
    await expect(c.segfault()).rejects.toMatchObject({ name: 'WorkerCrashedError' });
    expect(recycles).toHaveLength(0);
    // The successor's own forty calls: recycled at its threshold, not ten start times later.
    for (let i = 0; i < 40; i++) expect(await c.pid()).toBe(successor.pid);
    expect(await waitFor(() => recycles.length > 0, 2 * successor.startMs!)).toBe(true);
    expect(recycles[0]).toMatchObject({ pid: successor.pid, reason: 'calls' });
    expect(recycles[0]!.callsServed).toBeLessThanOrEqual(40);
  });

  it('the same loop with overlappedRecycle: false makes calls wait for each replacement', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, processRecycleThreshold: 10, overlappedRecycle: false });
    let queuedAtCall = 0;
    for (let i = 0; i < 2000 && c.pool.stats().totals.recycles < 2; i++) {
      const call = c.add(i, 1);
      if (c.pool.stats().queued > 0) queuedAtCall++;
      await call;
      await sleep(2);
    }
    expect(queuedAtCall).toBeGreaterThan(0);
  });

  it('a successor on standby takes no call: the old worker serves at least 90% of its threshold, then the successor every call', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, processRecycleThreshold: 40 });
    const first = await c.pid();
    let served = 1;
    // Near the threshold (90% of it, jittered down by up to 10%): the successor starts on standby.
    // (A moment between calls: the pool starts workers a couple of milliseconds after it decides to.)
    while (!c.pool.stats().workers.some((w) => w.standby)) {
      expect(await c.pid()).toBe(first);
      served++;
      await sleep(5);
    }
    expect(served).toBeGreaterThanOrEqual(32);
    expect(await waitFor(() => c.pool.stats().workers.some((w) => w.standby && w.state === 'idle'), 10_000)).toBe(true);
    const standby = c.pool.stats().workers.find((w) => w.standby)!;
    expect(c.pool.stats().workers).toHaveLength(2);
    // Until the old worker is due (at 36 to 40 calls, later if paced), every call
    // stays on it, two at a time (the second waits in the queue, not on the standby); then every
    // call goes to the successor.
    const pids: number[] = [];
    const deadline = Date.now() + 20_000;
    while (!pids.includes(standby.pid!) && Date.now() < deadline) pids.push(...await Promise.all([c.pid(), c.pid()]));
    for (let i = 0; i < 4; i++) pids.push(...await Promise.all([c.pid(), c.pid()]));
    const switchAt = pids.indexOf(standby.pid!);
    expect(switchAt).toBeGreaterThan(-1);
    expect(served + switchAt).toBeGreaterThanOrEqual(36);
    expect(pids.slice(0, switchAt).every((pid) => pid === first)).toBe(true);
    expect(pids.slice(switchAt).every((pid) => pid === standby.pid)).toBe(true);
    expect(await waitFor(() => c.pool.stats().workers.length === 1, 3000)).toBe(true);
    expect(isAlive(first)).toBe(false);
  });

  it('when the worker dies while its successor is on standby, the successor takes the next call at once', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, processRecycleThreshold: 100 });
    const first = await c.pid();
    while (!c.pool.stats().workers.some((w) => w.standby)) {
      await c.pid();
      await sleep(5);
    }
    expect(await waitFor(() => c.pool.stats().workers.some((w) => w.standby && w.state === 'idle'), 10_000)).toBe(true);
    const successor = c.pool.stats().workers.find((w) => w.standby)!.pid;
    // A real crash: SIGSEGV in native code.
    await expect(c.segfault()).rejects.toMatchObject({ name: 'WorkerCrashedError', pid: first });
    const next = c.pid();
    expect(c.pool.stats().queued).toBe(0);
    expect(await next).toBe(successor);
  });

  it('lifetime: the successor starts shortly before the end and is ready when the old worker is due', async () => {
    // A lead of 300 ms (10% of the lifetime) for a start of well under 100 ms.
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, maxProcessLifetimeMs: 3000 });
    const pid = await c.pid();
    const started: number[] = [];
    c.pool.on('workerStart', (e) => started.push(e.pid));
    const recycled = new Promise<PoolEvents['recycle'][0]>((resolve) => c.pool.once('recycle', resolve));
    const event = await recycled;
    expect(event).toMatchObject({ pid, reason: 'lifetime' });
    // The successor had started before the old worker was due.
    expect(started).toHaveLength(1);
    const successorReady = c.pool.stats().workers.some((w) => w.pid === started[0] && w.state === 'idle');
    const next = c.pid();
    // No call waits for a start either way.
    expect(c.pool.stats().queued).toBe(0);
    if (successorReady) {
      // Its start took less than the lead, as it does on an unloaded machine: it serves at once.
      expect(await next).toBe(started[0]);
    } else {
      // A start slower than the 300 ms lead (a loaded machine): the old worker serves on until it is ready.
      expect(await next).toBe(pid);
      expect(await waitFor(() => c.pool.stats().workers.some((w) => w.pid === started[0] && w.state === 'idle'), 10_000)).toBe(true);
      expect(await c.pid()).toBe(started[0]);
    }
    expect(await waitFor(() => !isAlive(pid), 3000)).toBe(true);
  });
});
