import { describe, expect, it } from 'vitest';
import { CallAbortedError, CallTimeoutError, LeaseLostError, PoolClosedError, RemoteError, WorkerCrashedError, isSandboxError, type PoolConfig, type PoolEvents } from 'process-sandbox';
import { ILeasesClient } from '../.generated/js/.generated/services/ILeases.client.js';
import { isAlive, paths, track, waitFor } from '../helpers.js';

async function leasesClient(config: Partial<PoolConfig> = {}): Promise<ILeasesClient> {
  return track(await ILeasesClient.create({ workerModule: paths.leases, logger: false, ...config }));
}

function record<K extends keyof PoolEvents>(client: ILeasesClient, event: K): PoolEvents[K][0][] {
  const seen: PoolEvents[K][0][] = [];
  (client.pool.on as (e: K, l: (...a: PoolEvents[K]) => void) => void)(event, (...args) => seen.push(args[0]));
  return seen;
}

describe('a lease holds one worker for a sequence of calls', () => {
  it('keeps native state between its calls: a session opened in C memory is there for the next call, on the same process', async () => {
    const c = await leasesClient();
    const acquired = record(c, 'leaseAcquired');
    const released = record(c, 'leaseReleased');
    const lease = await c.lease();
    const session = await lease.openSession(10);
    const who = await lease.whoAmI();
    expect(await lease.addTo(session, 5)).toBe(15);
    expect(await lease.addTo(session, 1)).toBe(16);
    expect((await lease.whoAmI()).pid).toBe(who.pid);
    const row = c.pool.stats().workers.find((w) => w.pid === who.pid)!;
    expect(row.state).toBe('leased');
    expect(row.leaseId).toBe(acquired[0]!.leaseId);
    expect(await lease.closeSession(session)).toBe(16);
    await lease.release();
    expect(acquired).toEqual([expect.objectContaining({ workerId: row.workerId, pid: who.pid, freshInstance: true })]);
    expect(released).toEqual([expect.objectContaining({ leaseId: acquired[0]!.leaseId, reason: 'released', calls: 6 })]);
    expect(c.pool.stats().workers.find((w) => w.pid === who.pid)?.state).toBe('idle');
  });

  it('runs its calls one at a time in the order they were made, even when none is awaited', async () => {
    const c = await leasesClient();
    const lease = await c.lease();
    const session = await lease.openSession(0);
    const results = await Promise.all(Array.from({ length: 20 }, () => lease.addTo(session, 1)));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await lease.release();
  });

  it('its worker takes no call from the pool while leased; a call waits for the release', async () => {
    const c = await leasesClient({ minPoolSize: 1, maxPoolSize: 1 });
    const lease = await c.lease();
    const leasedPid = (await lease.whoAmI()).pid;
    const waiting = c.whoAmI();
    await new Promise((r) => setTimeout(r, 100));
    expect(c.pool.stats().queued).toBe(1);
    expect(c.pool.stats().running).toBe(0);
    await lease.release();
    expect((await waiting).pid).toBe(leasedPid);
  });

  it('waits in the queue with calls, first come first served', async () => {
    const c = await leasesClient({ minPoolSize: 1, maxPoolSize: 1 });
    const order: string[] = [];
    const busy = c.sleep(200).then(() => order.push('sleep'));
    const leased = c.lease().then((l) => { order.push('lease'); return l; });
    const after = c.whoAmI().then(() => order.push('after'));
    const lease = await leased;
    await lease.whoAmI();
    await new Promise((r) => setTimeout(r, 100));
    expect(order).toEqual(['sleep', 'lease']);
    await lease.release();
    await Promise.all([busy, after]);
    expect(order).toEqual(['sleep', 'lease', 'after']);
  });

  it('an acquisition waits at its priority, as a call does', async () => {
    const c = await leasesClient({ minPoolSize: 1, maxPoolSize: 1 });
    const order: string[] = [];
    const busy = c.sleep(200);
    const low = c.whoAmI().then(() => order.push('call'));
    const leased = c.lease({ priority: 5 }).then((l) => { order.push('lease'); return l; });
    const lease = await leased;
    await lease.release();
    await Promise.all([busy, low]);
    expect(order).toEqual(['lease', 'call']);
    await expect(c.lease({ priority: Number.NaN })).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('an acquisition gives up when its signal aborts, or after timeoutMs, and leaves the queue', async () => {
    const c = await leasesClient({ minPoolSize: 1, maxPoolSize: 1 });
    const held = await c.lease();
    const controller = new AbortController();
    const aborted = c.lease({ signal: controller.signal }).catch((e: unknown) => e);
    const timedOut = c.lease({ timeoutMs: 150 });
    await new Promise((r) => setTimeout(r, 20));
    expect(c.pool.stats().queued).toBe(2);
    controller.abort();
    expect(await aborted).toBeInstanceOf(CallAbortedError);
    const error = await timedOut.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect(error).toMatchObject({ method: 'lease', timeoutMs: 150 });
    expect(c.pool.stats().queued).toBe(0);
    await held.release();
  });

  it('rejects bad lease options with an error naming the option', async () => {
    const c = await leasesClient();
    await expect(c.lease({ timeoutMs: -1 })).rejects.toThrow(/lease options\.timeoutMs.*-1/);
    await expect(c.lease({ newInstance: 'yes' as unknown as boolean })).rejects.toThrow(/lease options\.newInstance/);
  });

  it('await using releases it at the end of the scope', async () => {
    const c = await leasesClient();
    const released = record(c, 'leaseReleased');
    {
      await using lease = await c.lease();
      await lease.whoAmI();
      expect(released).toHaveLength(0);
    }
    expect(released).toHaveLength(1);
  });
});

describe('a lease whose worker dies is lost, never moved', () => {
  it('a native crash fails the call in flight with WorkerCrashedError, and every later call at once with LeaseLostError', async () => {
    const c = await leasesClient();
    const lost = record(c, 'leaseLost');
    const lease = await c.lease();
    const session = await lease.openSession(1);
    const pid = (await lease.whoAmI()).pid;
    const crash = await lease.segfault().catch((e: unknown) => e);
    expect(crash).toBeInstanceOf(WorkerCrashedError);
    expect(crash).toMatchObject({ signal: 'SIGSEGV', pid });
    const after = await lease.addTo(session, 1).catch((e: unknown) => e);
    expect(after).toBeInstanceOf(LeaseLostError);
    expect(isSandboxError(after) && after.code).toBe('ERR_SANDBOX_LEASE_LOST');
    expect(after).toMatchObject({ reason: 'worker-exit', method: 'addTo', pid });
    expect((after as Error).message).toMatch(/SIGSEGV/);
    expect((after as Error).cause).toBe(crash);
    expect(lost).toEqual([expect.objectContaining({ pid, reason: 'crash' })]);
    // The pool goes on: another worker takes calls, and releasing the lost lease is harmless.
    await lease.release();
    expect((await c.whoAmI()).pid).not.toBe(pid);
  });

  it('a SIGKILL from outside between calls: the next call fails with LeaseLostError, calls queued on the lease too', async () => {
    const c = await leasesClient();
    const lease = await c.lease();
    const pid = (await lease.whoAmI()).pid;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !isAlive(pid));
    const [first, second] = await Promise.allSettled([lease.whoAmI(), lease.whoAmI()]);
    // The first may still have been sent before the pool saw the exit: then it is the crash.
    expect(first.status).toBe('rejected');
    expect((first as PromiseRejectedResult).reason).toSatisfy((e: unknown) => e instanceof LeaseLostError || e instanceof WorkerCrashedError);
    expect((second as PromiseRejectedResult).reason).toBeInstanceOf(LeaseLostError);
    await expect(lease.whoAmI()).rejects.toMatchObject({ name: 'LeaseLostError', reason: 'worker-exit' });
  });

  it('an @idempotent call that crashes on a lease is not retried on another worker', async () => {
    const c = await leasesClient({ maxPoolSize: 3 });
    const retries = record(c, 'retry');
    const lease = await c.lease();
    const error = await lease.segfaultIdempotent().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error).toMatchObject({ attempts: 1 });
    expect(retries).toHaveLength(0);
    await expect(lease.whoAmI()).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('a call past its deadline kills the worker; the lease is lost with the timeout as its cause', async () => {
    const c = await leasesClient({ methodCallTimeoutMs: 300 });
    const lease = await c.lease();
    const timeout = await lease.hang().catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(CallTimeoutError);
    const after = await lease.whoAmI().catch((e: unknown) => e);
    expect(after).toBeInstanceOf(LeaseLostError);
    expect((after as Error).cause).toBe(timeout);
  });

  it('aborting a running call kills its worker and loses the lease; aborting a queued one only drops it', async () => {
    const c = await leasesClient();
    const lease = await c.lease();
    const running = new AbortController();
    const queued = new AbortController();
    const first = lease.sleep(5000, { signal: running.signal }).catch((e: unknown) => e);
    const second = lease.whoAmI({ signal: queued.signal }).catch((e: unknown) => e);
    queued.abort();
    expect(await second).toMatchObject({ name: 'AbortError', wasRunning: false });
    running.abort();
    expect(await first).toMatchObject({ name: 'AbortError', wasRunning: true });
    await expect(lease.whoAmI()).rejects.toBeInstanceOf(LeaseLostError);
    expect(c.pool.stats().totals.aborted).toBe(2);
  });
});

describe('recycling and lease limits', () => {
  it('a worker past processRecycleThreshold serves its lease to the end, and is recycled after the release', async () => {
    const c = await leasesClient({ processRecycleThreshold: 3 });
    const recycles = record(c, 'recycle');
    const lease = await c.lease();
    const pid = (await lease.whoAmI()).pid;
    for (let i = 0; i < 10; i++) expect((await lease.whoAmI()).pid).toBe(pid);
    expect(recycles).toHaveLength(0);
    await lease.release();
    expect(await waitFor(() => recycles.length === 1)).toBe(true);
    expect(recycles[0]).toMatchObject({ pid, reason: 'calls', callsServed: 11 });
    expect(await waitFor(() => !isAlive(pid))).toBe(true);
  });

  it.each([true, false])('a worker past its lifetime serves its lease to the end, then is recycled (overlappedRecycle %s)', async (overlappedRecycle) => {
    const c = await leasesClient({ maxProcessLifetimeMs: 400, overlappedRecycle });
    const recycles = record(c, 'recycle');
    const lease = await c.lease();
    const pid = (await lease.whoAmI()).pid;
    const until = Date.now() + 1000;
    while (Date.now() < until) {
      expect((await lease.whoAmI()).pid).toBe(pid);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(recycles.filter((r) => r.pid === pid)).toHaveLength(0);
    await lease.release();
    expect(await waitFor(() => recycles.some((r) => r.pid === pid))).toBe(true);
    expect(recycles.find((r) => r.pid === pid)).toMatchObject({ reason: 'lifetime' });
  });

  it('the start and the end of a lease count toward no threshold', async () => {
    const c = await leasesClient({ minPoolSize: 1, maxPoolSize: 1, processRecycleThreshold: 2 });
    const recycles = record(c, 'recycle');
    for (let i = 0; i < 3; i++) await (await c.lease()).release();
    await c.whoAmI();
    expect(recycles).toHaveLength(0);
    expect(c.pool.stats().workers[0]!.callsServed).toBe(1);
  });

  it('maxLeaseMs ends a lease held too long: later calls fail with LeaseLostError, the worker goes back to the pool', async () => {
    const c = await leasesClient({ minPoolSize: 1, maxPoolSize: 1, maxLeaseMs: 300 });
    const released = record(c, 'leaseReleased');
    const lease = await c.lease();
    const pid = (await lease.whoAmI()).pid;
    await new Promise((r) => setTimeout(r, 500));
    await expect(lease.whoAmI()).rejects.toMatchObject({ name: 'LeaseLostError', reason: 'max-lease' });
    expect(released).toEqual([expect.objectContaining({ reason: 'max-lease' })]);
    expect((await c.whoAmI()).pid).toBe(pid);
  });

  it('leaseIdleTimeoutMs ends a lease no call ran on for that long; calls keep it alive', async () => {
    const c = await leasesClient({ leaseIdleTimeoutMs: 400 });
    const lease = await c.lease();
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 150));
      await lease.whoAmI();
    }
    // A call that runs longer than the idle time is no idleness.
    await lease.sleep(600);
    await lease.whoAmI();
    await new Promise((r) => setTimeout(r, 800));
    await expect(lease.whoAmI()).rejects.toMatchObject({ name: 'LeaseLostError', reason: 'idle' });
  });

  it('has no limits by default: a lease idle for a while still works', async () => {
    const c = await leasesClient();
    const lease = await c.lease();
    await new Promise((r) => setTimeout(r, 1500));
    await expect(lease.whoAmI()).resolves.toMatchObject({ pid: expect.any(Number) });
    await lease.release();
  });
});

describe('instances per lease', () => {
  it('by default each lease of a class export gets a fresh instance, disposed at release; process-global state outlives it', async () => {
    const c = await leasesClient({ minPoolSize: 1, maxPoolSize: 1 });
    const worker = await c.whoAmI();
    await c.remember('pool');
    const first = await c.lease();
    const a = await first.whoAmI();
    expect(a.pid).toBe(worker.pid);
    expect(a.instance).not.toBe(worker.instance);
    expect(await first.recall()).toBeNull();
    await first.remember('lease 1');
    const session = await first.openSession(7);
    await first.release();
    const second = await c.lease();
    const b = await second.whoAmI();
    expect(b.instance).not.toBe(a.instance);
    expect(b.disposed).toBe(a.disposed + 1);
    expect(await second.recall()).toBeNull();
    // A session in native memory is the process's, not the instance's.
    expect(await second.addTo(session, 1)).toBe(8);
    await second.release();
    expect(await c.recall()).toBe('pool');
  });

  it('newInstancePerLease: false runs a lease on the worker\'s own instance', async () => {
    const c = await leasesClient({ minPoolSize: 1, maxPoolSize: 1, newInstancePerLease: false });
    const acquired = record(c, 'leaseAcquired');
    await c.remember('shared');
    const lease = await c.lease();
    expect(await lease.recall()).toBe('shared');
    await lease.release();
    expect(acquired[0]).toMatchObject({ freshInstance: false });
    // The option per lease wins over the pool's.
    const fresh = await c.lease({ newInstance: true });
    expect(await fresh.recall()).toBeNull();
    await fresh.release();
  });

  it('an object export has nothing to construct: every lease uses the one object', async () => {
    const c = await leasesClient({ minPoolSize: 1, maxPoolSize: 1, workerExport: 'sharedLeases' });
    const acquired = record(c, 'leaseAcquired');
    await c.remember('the object');
    const lease = await c.lease();
    expect(await lease.recall()).toBe('the object');
    await lease.release();
    expect(acquired[0]).toMatchObject({ freshInstance: false });
  });

  it('a fresh instance that cannot be constructed fails the acquisition with its error; the worker serves on', async () => {
    const c = await leasesClient({ minPoolSize: 1, maxPoolSize: 1, workerExport: 'OnlyOneInstance' });
    const pid = (await c.whoAmI()).pid;
    const error = await c.lease().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as Error).message).toMatch(/only one instance per process/);
    expect((await c.whoAmI()).pid).toBe(pid);
  });
});

describe('leases and close()', () => {
  it('close() ends held leases once their calls are done and refuses waiting acquisitions', async () => {
    const c = await leasesClient({ minPoolSize: 1, maxPoolSize: 1 });
    const lease = await c.lease();
    const running = lease.sleep(200);
    const waiting = c.lease().catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    await c.close();
    expect(typeof await running).toBe('number');
    expect(await waiting).toBeInstanceOf(PoolClosedError);
    await expect(lease.whoAmI()).rejects.toMatchObject({ name: 'LeaseLostError', reason: 'closed' });
  });

  it('a call made after release fails with LeaseLostError; release is idempotent', async () => {
    const c = await leasesClient();
    const lease = await c.lease();
    const before = lease.whoAmI();
    const releasing = lease.release();
    await expect(before).resolves.toMatchObject({ pid: expect.any(Number) });
    await expect(lease.whoAmI()).rejects.toMatchObject({ name: 'LeaseLostError', reason: 'released' });
    await releasing;
    await lease.release();
  });
});

describe('streams on a lease', () => {
  it('run on the lease\'s worker, in turn with its calls, over the state the lease built', async () => {
    const c = await leasesClient();
    const lease = await c.lease();
    const session = await lease.openSession(0);
    const pid = (await lease.whoAmI()).pid;
    const seen: number[] = [];
    // A stream's call is made at its first next(), as on the pool.
    const iterator = lease.countUp(session, 5)[Symbol.asyncIterator]();
    const first = iterator.next();
    // Made while the stream holds the worker: it runs after the stream's end.
    const after = lease.addTo(session, 100);
    for (let r = await first; r.done !== true; r = await iterator.next()) seen.push(r.value);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(await after).toBe(105);
    expect((await lease.whoAmI()).pid).toBe(pid);
    await lease.release();
  });

  it('stopping a stream early keeps the lease: its worker serves the lease\'s next call', async () => {
    const c = await leasesClient();
    const lease = await c.lease();
    const session = await lease.openSession(0);
    for await (const value of lease.countUp(session, 1000)) if (value === 3) break;
    // The worker produced at most the high-water mark beyond what was read.
    const value = await lease.addTo(session, 0);
    expect(value).toBeGreaterThanOrEqual(3);
    expect(value).toBeLessThanOrEqual(3 + 16 + 1);
    await lease.release();
  });

  it('a native crash mid-stream: the consumer gets the items that arrived, then WorkerCrashedError; the lease is lost', async () => {
    const c = await leasesClient();
    const lease = await c.lease();
    const seen: number[] = [];
    const error = await (async () => {
      try {
        for await (const value of lease.crashAfter(3)) seen.push(value);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(seen).toEqual([0, 1, 2]);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    await expect(lease.whoAmI()).rejects.toBeInstanceOf(LeaseLostError);
    const late = lease.countUp(1, 1)[Symbol.asyncIterator]();
    await expect(late.next()).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('close() does not wait for a stream on a lease that nobody reads', async () => {
    const c = await leasesClient({ shutdownGraceMs: 300 });
    const lease = await c.lease();
    const session = await lease.openSession(0);
    const iterator = lease.countUp(session, 1_000_000)[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe(1);
    await c.close();
    await expect(lease.whoAmI()).rejects.toMatchObject({ name: 'LeaseLostError', reason: 'closed' });
  });
});
