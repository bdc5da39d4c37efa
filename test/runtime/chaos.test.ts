/**
 * The failure policy as a new user meets it: every option at its default (but the pool's size),
 * real segfaults in native code (strlen(NULL) through koffi), many callers at once.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CircuitOpenError } from 'process-sandbox';
import { tempFile, testClient } from '../helpers.js';

/** Runs `count` calls with `inFlight` callers; returns how each call ended, by error name or 'ok'. */
async function crowd(count: number, inFlight: number, call: (i: number) => Promise<unknown>): Promise<Map<number, string>> {
  const outcomes = new Map<number, string>();
  let next = 0;
  const caller = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      outcomes.set(i, await call(i).then(() => 'ok', (e: Error) => e.name));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, caller));
  return outcomes;
}

const tally = (outcomes: Iterable<string>): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
};

describe('chaos at defaults', () => {
  it('2% of 3,000 calls segfault, 64 in flight, pool of 3: every good call succeeds, every crashing one gets WorkerCrashedError', async () => {
    const c = await testClient({ maxPoolSize: 3 });
    const poison = (i: number): boolean => i % 50 === 7;
    const outcomes = await crowd(3000, 64, (i) => (poison(i) ? c.segfault() : c.add(i, 1).then((v) => { if (v !== i + 1) throw new Error(`wrong sum ${v}`); })));
    const good = [...outcomes].filter(([i]) => !poison(i)).map(([, o]) => o);
    const bad = [...outcomes].filter(([i]) => poison(i)).map(([, o]) => o);
    expect(tally(good)).toEqual({ ok: 2940 });
    expect(tally(bad)).toEqual({ WorkerCrashedError: 60 });
    expect(c.pool.stats().circuit).toBe('closed');
  }, 120_000);

  it('a method that crashes every time: the breaker opens, calls fail fast, few workers start; once fixed, the pool serves again after the cool-down', async () => {
    {
      const flag = tempFile();
      writeFileSync(flag, '');
      const c = await testClient({ maxPoolSize: 3 });
      let retryAt = 0;
      const outcomes = await crowd(200, 64, () => c.crashWhileFlagged(flag).catch((e: unknown) => {
        if (e instanceof CircuitOpenError) retryAt = Math.max(retryAt, e.retryAt.getTime());
        throw e;
      }));
      const counts = tally(outcomes.values());
      expect(Object.keys(counts).sort()).toEqual(['CircuitOpenError', 'WorkerCrashedError']);
      // minimumCalls (20) crashes open it; the rest fail fast
      expect(counts['WorkerCrashedError']).toBeGreaterThanOrEqual(20);
      expect(counts['CircuitOpenError']).toBeGreaterThanOrEqual(100);
      expect(c.pool.stats().totals.workersStarted).toBeLessThanOrEqual(40);
      rmSync(flag);
      await new Promise((r) => setTimeout(r, Math.max(0, retryAt - Date.now()) + 50));
      // the first call after the cool-down is the probe (others are refused while it runs)
      expect(await c.add(1, 1)).toBe(2);
      const after = await crowd(200, 64, (i) => c.add(i, 1));
      expect(tally(after.values())).toEqual({ ok: 200 });
      expect(c.pool.stats().circuit).toBe('closed');
    }
  }, 60_000);
});
