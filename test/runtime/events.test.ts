import { describe, expect, it } from 'vitest';
import type { PoolEvents } from 'process-sandbox';
import { isAlive, testClient, waitFor } from '../helpers.js';

describe('pool events', () => {
  it('workerStart carries the real pid of the process, the same one workerReady and workerExit name', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 2 });
    const started: PoolEvents['workerStart'][0][] = [];
    const ready: PoolEvents['workerReady'][0][] = [];
    c.pool.on('workerStart', (e) => { started.push(e); expect(isAlive(e.pid)).toBe(true); });
    c.pool.on('workerReady', (e) => ready.push(e));
    const exited: PoolEvents['workerExit'][0][] = [];
    c.pool.on('workerExit', (e) => exited.push(e));
    // a crash: its replacement and the spare behind it are started with events on
    await c.segfault().catch(() => {});
    expect(await waitFor(() => ready.length >= 1 && c.pool.stats().workers.every((w) => w.state === 'idle'), 5000)).toBe(true);
    expect(started.length).toBeGreaterThanOrEqual(1);
    for (const s of started) {
      expect(typeof s.pid).toBe('number');
      expect(ready.find((r) => r.workerId === s.workerId)?.pid).toBe(s.pid);
    }
    expect(c.pool.stats().workers.map((w) => w.pid)).toEqual(expect.arrayContaining(started.map((s) => s.pid)));
    expect(exited).toEqual([expect.objectContaining({ reason: 'crash', signal: 'SIGSEGV' })]);
  });
});
