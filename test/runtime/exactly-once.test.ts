import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerCrashedError } from 'process-sandbox';
import { testClient } from '../helpers.js';

let dir: string | undefined;
afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

describe('a call sent to a worker is never run twice', () => {
  it('a call that ran and then crashed its worker is not run again', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sandbox-once-'));
    const counter = join(dir, 'counter');
    const c = await testClient({ minPoolSize: 2, maxPoolSize: 2 });
    await expect(c.touchThenCrash(counter)).rejects.toBeInstanceOf(WorkerCrashedError);
    // give a (wrong) retry every chance to happen
    await c.add(1, 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(readFileSync(counter, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('every call of a crowd settles exactly once while workers crash under it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sandbox-once-'));
    const c = await testClient({ minPoolSize: 2, maxPoolSize: 3 });
    let settled = 0;
    const calls = Array.from({ length: 60 }, (_, i) => (i % 10 === 3 ? c.segfault() : c.add(i, 1)));
    const outcomes = await Promise.allSettled(calls.map((p) => p.finally(() => { settled++; })));
    expect(settled).toBe(60);
    outcomes.forEach((o, i) => {
      if (i % 10 === 3) expect(o).toMatchObject({ status: 'rejected', reason: expect.any(WorkerCrashedError) });
      else expect(o).toEqual({ status: 'fulfilled', value: i + 1 });
    });
  });
});
