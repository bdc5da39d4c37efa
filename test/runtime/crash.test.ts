import { describe, expect, it } from 'vitest';
import { WorkerCrashedError } from 'process-sandbox';
import { isAlive, testClient, waitFor, workerPids } from '../helpers.js';

describe('a worker that dies fails only the call it was running', () => {
  it('a segfault in native code (strlen(NULL) through koffi) is contained', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1 });
    const pid = await c.pid();
    const queued = c.add(2, 3);
    const error = await c.segfault().catch((e: unknown) => e);
    // the queued call was never sent to the dead worker: it runs on the replacement
    expect(await queued).toBe(5);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error).toMatchObject({ signal: 'SIGSEGV', exitCode: null, method: 'segfault', pid });
    expect((error as Error).message).toContain('was killed by signal SIGSEGV while running "segfault"');
    const next = await c.pid();
    expect(next).not.toBe(pid);
    expect(isAlive(pid)).toBe(false);
    expect(c.pool.stats().totals.crashes).toBe(1);
  });

  it('process.exit in the worker reports the exit code', async () => {
    const c = await testClient();
    const pid = await c.pid();
    await expect(c.exit(42)).rejects.toMatchObject({ name: 'WorkerCrashedError', exitCode: 42, signal: null, method: 'exit', pid });
    expect(await c.pid()).not.toBe(pid);
  });

  it('SIGKILL from outside fails the call in flight with the signal', async () => {
    const c = await testClient();
    const pid = await c.pid();
    const running = c.sleep(5000);
    await new Promise((r) => setTimeout(r, 50));
    process.kill(pid, 'SIGKILL');
    await expect(running).rejects.toMatchObject({ name: 'WorkerCrashedError', signal: 'SIGKILL', method: 'sleep', pid });
    expect(await c.add(1, 2)).toBe(3);
    expect(await c.pid()).not.toBe(pid);
  });

  it('an idle worker killed from outside is replaced without any caller noticing', async () => {
    const c = await testClient({ minPoolSize: 1 });
    const pid = await c.pid();
    process.kill(pid, 'SIGKILL');
    expect(await waitFor(() => c.pool.stats().workers.some((w) => w.pid !== pid && w.state === 'idle'))).toBe(true);
    expect(await c.add(20, 22)).toBe(42);
  });

  it('after a crash, a spare worker that was already running takes the next call', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 2, spareWorkers: 1 });
    await c.pid();
    expect(await waitFor(() => c.pool.stats().workers.filter((w) => w.state === 'idle').length === 2)).toBe(true);
    const before = workerPids(c);
    const error = await c.segfault().catch((e: unknown) => e);
    const next = await c.pid();
    expect(before).toContain(next);
    expect(next).not.toBe((error as WorkerCrashedError).pid);
  });

  it('emits workerExit with the reason and the signal', async () => {
    const c = await testClient();
    const exits: unknown[] = [];
    c.pool.on('workerExit', (e) => exits.push(e));
    const pid = await c.pid();
    await c.segfault().catch(() => {});
    expect(await waitFor(() => exits.length > 0)).toBe(true);
    expect(exits[0]).toMatchObject({ pid, reason: 'crash', signal: 'SIGSEGV' });
  });
});
