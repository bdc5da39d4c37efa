import { describe, expect, it } from 'vitest';
import type { Logger } from 'process-sandbox';
import { testClient, waitFor } from '../helpers.js';

describe('worker output', () => {
  it('stdout and stderr reach the logger line by line, tagged with the worker, and fail nothing', async () => {
    const lines: { level: string; message: string }[] = [];
    const logger: Logger = {
      debug: (message) => lines.push({ level: 'debug', message }),
      info: (message) => lines.push({ level: 'info', message }),
      warn: (message) => lines.push({ level: 'warn', message }),
      error: (message) => lines.push({ level: 'error', message }),
    };
    const c = await testClient({ logger });
    expect(await c.chatter('hello there')).toBe(11);
    expect(await waitFor(() => lines.some((l) => l.message === '[worker 1] err: hello there'))).toBe(true);
    expect(lines).toContainEqual({ level: 'info', message: '[worker 1] out: hello there' });
    expect(lines).toContainEqual({ level: 'warn', message: '[worker 1] err: hello there' });
  });

  it('the worker\'s own health reports (V8 heap, calls) reach stats()', async () => {
    const c = await testClient({ healthIntervalMs: 50, spareWorkers: 0 });
    await c.add(1, 2);
    expect(await waitFor(() => c.pool.stats().workers[0]?.lastHealth?.callsServed === 1)).toBe(true);
    const w = c.pool.stats().workers[0]!;
    expect(w).toMatchObject({ workerId: 1, state: 'idle', callsServed: 1 });
    expect(w.uptimeMs).toBeGreaterThan(0);
    expect(w.lastHealth?.heapUsedBytes).toBeGreaterThan(0);
  });
});
