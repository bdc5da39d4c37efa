import { describe, expect, it } from 'vitest';
import type { PoolEvents } from 'process-sandbox';
import { testClient, waitFor } from '../helpers.js';

describe('a retiring worker', () => {
  it('that dies while finishing its last call is a crash, not a recycle: the call fails with WorkerCrashedError and the pool goes on', async () => {
    const c = await testClient({ maxProcessLifetimeMs: 100, maxPoolSize: 2 });
    const exits: PoolEvents['workerExit'][0][] = [];
    c.pool.on('workerExit', (e) => exits.push(e));
    const pid = await c.pid();
    const running = c.sleep(5000);
    // its lifetime passes while it is busy: it retires once the call is done
    expect(await waitFor(() => c.pool.stats().workers.some((w) => w.pid === pid && w.state === 'retiring'), 3000)).toBe(true);
    process.kill(pid, 'SIGKILL');
    await expect(running).rejects.toMatchObject({ name: 'WorkerCrashedError', signal: 'SIGKILL' });
    expect(await waitFor(() => exits.some((e) => e.pid === pid), 3000)).toBe(true);
    expect(exits.find((e) => e.pid === pid)).toMatchObject({ reason: 'crash', signal: 'SIGKILL' });
    expect(c.pool.stats().totals.crashes).toBe(1);
    expect(await c.add(1, 2)).toBe(3);
  });
});
