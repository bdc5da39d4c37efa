import { describe, expect, it } from 'vitest';
import { ValidationError, type PoolConfig } from 'process-sandbox';
import { CallQueue, PRIORITY_AGING_MS } from '../../runtime/call-queue.js';
import { PendingCall } from '../../runtime/call.js';
import type { MethodDescriptor } from '../../runtime/service.js';
import { IElasticClient } from '../.generated/js/.generated/services/IElastic.client.js';
import { paths, tempFile, track } from '../helpers.js';

const elastic = async (config: Partial<PoolConfig> = {}): Promise<IElasticClient> =>
  track(await IElasticClient.create({ workerModule: paths.elastic, logger: false, ...config }));

/** A pool of one worker and no spare: every call but the running one waits in the queue. */
const ofOne = (config: Partial<PoolConfig> = {}): Promise<IElasticClient> => elastic({ minPoolSize: 1, maxPoolSize: 1, spareWorkers: 0, ...config });

describe('the queue\'s order (CallQueue, with a clock the test moves)', () => {
  const method = { id: 0, name: 'm', params: [], required: 0, args: [], result: () => undefined } as MethodDescriptor;
  const call = (name: string, priority = 0): PendingCall => {
    const c = new PendingCall({ ...method, name }, [], () => {}, () => {});
    c.priority = priority;
    return c;
  };
  const names = (calls: readonly (PendingCall | undefined)[]): string[] => calls.map((c) => c?.method.name ?? '-');
  const takeAll = (q: CallQueue): string[] => {
    const out: PendingCall[] = [];
    for (let c = q.shift(); c !== undefined; c = q.shift()) out.push(c);
    return names(out);
  };

  it('higher first, in order within one priority, retried calls before all', () => {
    const q = new CallQueue(() => 0);
    for (const [name, p] of [['a', 0], ['b', 2], ['c', 0], ['d', 2], ['e', -1], ['f', 0.5]] as const) q.push(call(name, p));
    q.pushFront(call('retried', -5));
    expect(q.length).toBe(7);
    expect(takeAll(q)).toEqual(['retried', 'b', 'd', 'f', 'a', 'c', 'e']);
    expect(q.length).toBe(0);
  });

  it('ages: a waiting call gains one level per PRIORITY_AGING_MS, so a newer higher call passes it only within that', () => {
    let now = 0;
    const q = new CallQueue(() => now);
    q.push(call('low', 0));
    now = PRIORITY_AGING_MS - 1;
    q.push(call('high, just in time', 1));
    now = PRIORITY_AGING_MS + 1;
    q.push(call('high, too late', 1));
    now = 3 * PRIORITY_AGING_MS - 1;
    q.push(call('higher, just in time', 3));
    // Three levels, 3 s later: the same virtual arrival as the first high call, so after it.
    expect(takeAll(q)).toEqual(['high, just in time', 'higher, just in time', 'low', 'high, too late']);
  });

  it('an aborted call leaves from anywhere, and the rest keep their order (against a sort, 2,000 random steps)', () => {
    let now = 0;
    const q = new CallQueue(() => now);
    let seed = 7;
    const random = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    const waiting: { call: PendingCall; key: number; seq: number }[] = [];
    let seq = 0;
    for (let step = 0; step < 2000; step++) {
      now += random() * 50;
      const r = random();
      if (r < 0.5) {
        const c = call(`c${seq}`, Math.floor(random() * 5) - 2);
        q.push(c);
        waiting.push({ call: c, key: now - c.priority * PRIORITY_AGING_MS, seq: seq++ });
      } else if (r < 0.75 && waiting.length > 0) {
        const [gone] = waiting.splice(Math.floor(random() * waiting.length), 1);
        expect(q.remove(gone!.call)).toBe(true);
        expect(q.remove(gone!.call)).toBe(false);
      } else {
        waiting.sort((a, b) => a.key - b.key || a.seq - b.seq);
        expect(q.shift()).toBe(waiting.shift()?.call);
      }
      expect(q.length).toBe(waiting.length);
    }
    waiting.sort((a, b) => a.key - b.key || a.seq - b.seq);
    expect(names(q.drain())).toEqual(names(waiting.map((w) => w.call)));
    expect(q.length).toBe(0);
  });
});

describe('priorities on a pool', () => {
  it('runs higher priorities first, in order within one, the method\'s @priority as the default, and an aborted call leaves', async () => {
    const c = await ofOne();
    const done: string[] = [];
    const blocker = c.work('blocker', 400);
    await new Promise((r) => setTimeout(r, 50));
    const abort = new AbortController();
    const queued = [
      c.work('low a', 0, { priority: 0 }),
      c.work('high b', 0, { priority: 2 }),
      c.work('default c', 0),
      c.work('aborted', 0, { priority: 2, signal: abort.signal }).catch(() => 'aborted (failed)'),
      c.work('high d', 0, { priority: 2 }),
      c.work('lowest e', 0, { priority: -1 }),
      c.urgent('@priority 5 f'),
      c.urgent('urgent overridden g', { priority: -2 }),
    ].map((p) => p.then((tag) => { done.push(tag); return tag; }));
    expect(c.pool.stats().queued).toBe(8);
    abort.abort();
    expect(c.pool.stats().queued).toBe(7);
    await blocker;
    await Promise.all(queued);
    expect(done).toEqual(['aborted (failed)', '@priority 5 f', 'high b', 'high d', 'low a', 'default c', 'lowest e', 'urgent overridden g']);
  });

  it('a low priority is never starved: under a flood of higher calls that never lets the queue empty, it still runs', async () => {
    const c = await ofOne();
    let flooding = true;
    let highDone = 0;
    let emptied = false;
    // Keeps eight high calls waiting at all times: each one that ends queues another.
    const flood = async (): Promise<void> => {
      while (flooding) {
        await c.work('high', 2, { priority: 1 });
        highDone++;
        if (flooding && c.pool.stats().queued === 0) emptied = true;
      }
    };
    const floods = Array.from({ length: 8 }, flood);
    await new Promise((r) => setTimeout(r, 200));
    const highBefore = highDone;
    // One level of difference costs it about PRIORITY_AGING_MS; fifteen times that is generous
    // for a loaded machine, and a starved call would wait for ever.
    const low = await Promise.race([
      c.work('low', 0, { priority: 0 }),
      new Promise<string>((r) => setTimeout(() => r('starved'), PRIORITY_AGING_MS * 15)),
    ]);
    const passedIt = highDone - highBefore;
    const queuedWhenItRan = c.pool.stats().queued;
    flooding = false;
    await Promise.all(floods);
    expect(low).toBe('low');
    // It waited for the flood (priority works), and the flood was still there when it ran.
    expect(passedIt).toBeGreaterThan(10);
    expect(queuedWhenItRan).toBeGreaterThan(0);
    expect(emptied).toBe(false);
  });

  it('a retried @idempotent call still goes first, before higher priorities', async () => {
    const c = await ofOne();
    const done: string[] = [];
    const record = (p: Promise<string>): Promise<void> => p.then((tag) => { done.push(tag); });
    // The lowest priority, but it runs at once on the idle worker; the higher calls wait behind
    // it. It crashes its worker, and its retry goes before them all, on the replacement.
    const all = [
      record(c.crashOnce(tempFile(), 'retried', { priority: -5 })),
      record(c.work('high 1', 0, { priority: 10 })),
      record(c.work('high 2', 0, { priority: 3 })),
      record(c.work('high 3', 0, { priority: 3 })),
    ];
    expect(c.pool.stats().queued).toBe(3);
    await Promise.all(all);
    expect(done).toEqual(['retried', 'high 1', 'high 2', 'high 3']);
    expect(c.pool.stats().totals.retries).toBe(1);
  });

  it('a priority that is not a finite number fails the call in the caller, naming the method, the value and the fix', async () => {
    const c = await ofOne();
    for (const [bad, shown] of [[Number.NaN, 'NaN'], [Infinity, 'Infinity'], ['1', '"1"'], [null, 'null']] as const) {
      const error = await c.work('x', 0, { priority: bad as unknown as number }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      const message = (error as Error).message;
      expect(message).toContain('work: options.priority');
      expect(message).toContain(`got ${shown}`);
      expect(message).toContain('expected a finite number');
    }
    expect(c.pool.stats().totals.calls).toBe(0);
    expect(await c.work('fine', 0, { priority: -0.5 })).toBe('fine');
  });
});
