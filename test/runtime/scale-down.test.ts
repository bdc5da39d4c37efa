import { describe, expect, it } from 'vitest';
import { ConfigurationError, type PoolConfig, type PoolEvents } from 'process-sandbox';
import { IElasticClient } from '../.generated/js/.generated/services/IElastic.client.js';
import { isAlive, paths, track, waitFor } from '../helpers.js';

const elastic = async (config: Partial<PoolConfig> = {}): Promise<IElasticClient> =>
  track(await IElasticClient.create({ workerModule: paths.elastic, logger: false, ...config }));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Workers that count: starting or serving, not on their way out. */
const live = (c: IElasticClient): number => c.pool.stats().workers.filter((w) => w.state === 'starting' || w.state === 'idle' || w.state === 'busy').length;

/** Records the workers' starts and exits. */
function watch(c: IElasticClient): { starts: number; exits: PoolEvents['workerExit'][0][] } {
  const seen = { starts: 0, exits: [] as PoolEvents['workerExit'][0][] };
  c.pool.on('workerStart', () => { seen.starts++; });
  c.pool.on('workerExit', (e) => { seen.exits.push(e); });
  return seen;
}

describe('scale-down (idleTimeoutMs)', () => {
  it('stops workers that served no call for idleTimeoutMs, down to minPoolSize, with reason idle', async () => {
    const c = await elastic({ minPoolSize: 1, maxPoolSize: 4, idleTimeoutMs: 300 });
    const seen = watch(c);
    await Promise.all(['a', 'b', 'c', 'd'].map((tag) => c.work(tag, 200)));
    expect(live(c)).toBe(4);
    const pids = c.pool.stats().workers.map((w) => w.pid!);
    expect(await waitFor(() => live(c) === 1 && seen.exits.length === 3, 10_000)).toBe(true);
    expect(seen.exits.map((e) => e.reason)).toEqual(['idle', 'idle', 'idle']);
    for (const e of seen.exits) expect(isAlive(e.pid!)).toBe(false);
    // and no more: minPoolSize stays, and nothing is started again
    const starts = seen.starts;
    await sleep(700);
    expect(live(c)).toBe(1);
    expect(seen.starts).toBe(starts);
    expect(pids).toContain(c.pool.stats().workers[0]!.pid);
    expect(await c.work('still serves', 0)).toBe('still serves');
  });

  it('minPoolSize 0: create() resolves with no process, a call starts one, and an idle pool holds none again', async () => {
    const c = await elastic({ minPoolSize: 0, idleTimeoutMs: 300 });
    const seen = watch(c);
    expect(c.pool.stats().workers).toEqual([]);
    await sleep(500);
    expect(c.pool.stats().workers).toEqual([]);
    expect(seen.starts).toBe(0);
    expect(await c.work('first', 0)).toBe('first');
    expect(seen.starts).toBeGreaterThanOrEqual(1);
    expect(await waitFor(() => c.pool.stats().workers.length === 0, 10_000)).toBe(true);
    expect(seen.exits.length).toBe(seen.starts);
    expect(seen.exits.every((e) => e.reason === 'idle')).toBe(true);
    // Quiet now: the spare is not started again.
    const starts = seen.starts;
    await sleep(700);
    expect(seen.starts).toBe(starts);
    expect(c.pool.stats().workers).toEqual([]);
    // and it serves again
    expect(await c.work('again', 0)).toBe('again');
  });

  it('a spare behind a busy worker is kept, however long it idles, and so is one behind a worker called now and then; once quiet, the pool shrinks to minPoolSize', async () => {
    const c = await elastic({ minPoolSize: 1, spareWorkers: 1, maxPoolSize: 3, idleTimeoutMs: 200 });
    const seen = watch(c);
    // One long call: the first worker is busy, its spare idles five idle timeouts.
    const long = c.work('long', 1000);
    expect(await waitFor(() => c.pool.stats().workers.filter((w) => w.state === 'idle').length === 1, 10_000)).toBe(true);
    await long;
    expect(seen.exits).toEqual([]);
    // A short call every 50 ms for 1 s: the first worker takes them all, the spare never serves one.
    for (let i = 0; i < 20; i++) {
      await c.work('tick', 1);
      await sleep(50);
    }
    expect(seen.exits).toEqual([]);
    const starts = seen.starts;
    expect(live(c)).toBe(2);
    // No calls now: quiet after idleTimeoutMs, so the spare goes, and none starts again.
    expect(await waitFor(() => live(c) === 1, 10_000)).toBe(true);
    await sleep(600);
    expect(live(c)).toBe(1);
    expect(seen.starts).toBe(starts);
    expect(seen.exits.map((e) => e.reason)).toEqual(['idle']);
  });

  it('at the defaults (60 s) nothing is stopped in a short test; idleTimeoutMs Infinity never stops one; 0 and the like are refused', async () => {
    const c = await elastic({ maxPoolSize: 3 });
    expect(c.pool.config.idleTimeoutMs).toBe(60_000);
    const seen = watch(c);
    await Promise.all(['a', 'b', 'c'].map((tag) => c.work(tag, 100)));
    await sleep(500);
    expect(seen.exits).toEqual([]);

    const never = await elastic({ idleTimeoutMs: Infinity });
    expect(never.pool.config.idleTimeoutMs).toBe(Infinity);
    expect(await never.work('x', 0)).toBe('x');

    for (const [value, says] of [[0, 'use Infinity'], [-1, 'whole number from 1'], [1.5, 'whole number from 1'], ['60s', 'whole number from 1'], [2 ** 31, 'whole number from 1']] as const) {
      const error = await elastic({ idleTimeoutMs: value as number }).catch((e: unknown) => e);
      expect(error, String(value)).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).issues.map((i) => i.field)).toEqual(['idleTimeoutMs']);
      expect((error as Error).message).toContain(says);
    }
  });
});
