import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PoolClosedError } from 'process-sandbox';
import { ITestServiceClient } from '../.generated/js/.generated/services/ITestService.client.js';
import { isAlive, paths, testClient, waitFor, workerPids } from '../helpers.js';

describe('close()', () => {
  it('settles queued and running calls, then leaves no worker process', async () => {
    const c = await testClient({ minPoolSize: 2, maxPoolSize: 2 });
    const pids = workerPids(c);
    const calls = [c.sleep(200), c.sleep(200), c.add(1, 2), c.sleep(50)];
    await new Promise((r) => setTimeout(r, 20));
    const closing = c.close();
    await expect(c.add(1, 1)).rejects.toBeInstanceOf(PoolClosedError);
    const outcomes = await Promise.allSettled(calls);
    await closing;
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(await waitFor(() => pids.every((p) => !isAlive(p)), 2000)).toBe(true);
    expect(c.pool.stats().workers).toHaveLength(0);
  });

  it('is idempotent, works with await using, and refuses calls afterwards', async () => {
    let pid = 0;
    {
      await using c = await ITestServiceClient.create({ workerModule: paths.testService, logger: false });
      pid = await c.pid();
      await c.close();
      await c.close();
      await expect(c.add(1, 2)).rejects.toThrow(/"add" was not run: the pool is closed/);
    }
    expect(isAlive(pid)).toBe(false);
  });

  it('keeps its sockets in a 0700 directory and removes it', async () => {
    const prefix = `CloseTest${process.pid}${Date.now() % 100000}`;
    const c = await testClient({ pipeNamePrefix: prefix });
    const homes = readdirSync(tmpdir()).filter((d) => d.startsWith(`${prefix}-`)).map((d) => join(tmpdir(), d));
    expect(homes).toHaveLength(1);
    expect(statSync(homes[0]!).mode & 0o777).toBe(0o700);
    await c.close();
    expect(existsSync(homes[0]!)).toBe(false);
  });

  it.runIf(process.platform === 'linux')('leaves no socket directory behind when create() fails', async () => {
    const prefix = `CloseFail${process.pid}${Date.now() % 100000}`;
    // A kernel made to look as if it had no Landlock: confine: {} cannot be enforced, and fails.
    process.env['SANDBOX_TEST_LANDLOCK_ABI'] = '0';
    try {
      await expect(testClient({ pipeNamePrefix: prefix, confine: {} })).rejects.toMatchObject({ name: 'ConfinementUnsupportedError' });
    } finally {
      delete process.env['SANDBOX_TEST_LANDLOCK_ABI'];
    }
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith(`${prefix}-`))).toEqual([]);
  });

  it('escalates to SIGTERM, then SIGKILL, for a worker that ignores both the shutdown request and SIGTERM', async () => {
    const c = await testClient({ shutdownGraceMs: 200, maxPoolSize: 1, spareWorkers: 0 });
    const exits: { signal: string | null; reason: string }[] = [];
    c.pool.on('workerExit', (e) => exits.push(e));
    const pid = await c.wedge();
    await c.close();
    expect(isAlive(pid)).toBe(false);
    expect(exits).toEqual([expect.objectContaining({ pid, reason: 'shutdown', signal: 'SIGKILL' })]);
  });

  it('sends SIGTERM to a worker that cannot read the shutdown request, once the grace period is over', async () => {
    const c = await testClient({ shutdownGraceMs: 300, maxPoolSize: 1, spareWorkers: 0 });
    const exits: { signal: string | null; reason: string; pid: number | undefined }[] = [];
    c.pool.on('workerExit', (e) => exits.push(e));
    // block() returns, then spins: the worker's event loop never reads the shutdown frame
    const pid = await c.block();
    const closing = performance.now();
    await c.close();
    expect(performance.now() - closing).toBeGreaterThanOrEqual(290);
    expect(isAlive(pid)).toBe(false);
    expect(exits).toEqual([expect.objectContaining({ pid, reason: 'shutdown', signal: 'SIGTERM' })]);
  });
});
