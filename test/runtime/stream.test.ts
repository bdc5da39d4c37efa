import { describe, expect, it } from 'vitest';
import { CallAbortedError, RemoteError, ValidationError } from 'process-sandbox';
import { IStreamsClient } from '../.generated/js/.generated/services/IStreams.client.js';
import { tempFile, track, waitFor } from '../helpers.js';
import { drain, producedIn, sleep, streamsClient, streamsWorker, take } from './streams-client.js';

describe('a method returning AsyncIterable<T> streams its items', () => {
  it('yields every item in order, with every option at its default', async () => {
    const c = track(await IStreamsClient.create({ workerModule: streamsWorker }));
    const { items, error } = await drain(c.count(1000));
    expect(error).toBeUndefined();
    expect(items).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(c.pool.stats().totals.calls).toBe(1);
  });

  it('from an async generator and from an iterator written by hand', async () => {
    const c = await streamsClient();
    const rows = Array.from({ length: 5 }, (_, i) => ({ index: i, text: `row ${i}` }));
    expect((await drain(c.rows(5))).items).toEqual(rows);
    expect((await drain(c.rowsByHand(5))).items).toEqual(rows);
    expect((await drain(c.count(0))).items).toEqual([]);
  });

  it('is one call: iterating it again after its end is done at once, and a new call of the method streams again', async () => {
    const c = await streamsClient();
    const stream = c.count(3);
    expect((await drain(stream)).items).toEqual([0, 1, 2]);
    expect((await drain(stream)).items).toEqual([]);
    expect((await drain(c.count(3))).items).toEqual([0, 1, 2]);
    expect(c.pool.stats().totals.calls).toBe(2);
  });

  it('checks the arguments in the caller: the first next() rejects with ValidationError, and nothing is sent', async () => {
    const c = await streamsClient();
    const { error } = await drain(c.count('3' as unknown as number));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('count: argument "n": expected number, got string');
    expect(c.pool.stats().totals.calls).toBe(0);
  });

  it('starts at the first next(): a stream nobody iterates takes no worker', async () => {
    const c = await streamsClient({ maxPoolSize: 1, spareWorkers: 0 });
    const unread = c.produce(tempFile());
    expect(await c.pid()).toBeGreaterThan(0);
    expect(c.pool.stats()).toMatchObject({ running: 0, totals: { calls: 1 } });
    void unread;
  });

  it('break returns the implementation\'s iterator in the worker, which stays and serves the next call', async () => {
    const c = await streamsClient({ maxPoolSize: 1, spareWorkers: 0 });
    const exits: unknown[] = [];
    c.pool.on('workerExit', (e) => exits.push(e));
    const file = tempFile();
    let pid = 0;
    for await (const item of c.produce(file)) {
      pid = item.pid;
      if (item.index === 2) break;
    }
    expect(await waitFor(() => producedIn(file).returned)).toBe(true);
    expect(await c.pid()).toBe(pid);
    expect(exits).toEqual([]);
    // The stream was one call, the pid() the second.
    expect(c.pool.stats().workers.map((w) => w.callsServed)).toEqual([2]);
  });

  it('return() does the same, and drops the items that had arrived but were not taken', async () => {
    const c = await streamsClient({ maxPoolSize: 1, spareWorkers: 0 });
    const file = tempFile();
    const iterator = c.produce(file)[Symbol.asyncIterator]();
    expect((await take(iterator, 2)).map((p) => p.index)).toEqual([0, 1]);
    expect(await waitFor(() => c.pool.stats().bufferedItems > 0)).toBe(true);
    expect(await iterator.return!()).toEqual({ done: true, value: undefined });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(c.pool.stats().bufferedItems).toBe(0);
    expect(await waitFor(() => producedIn(file).returned)).toBe(true);
    expect(await waitFor(() => c.pool.stats().running === 0)).toBe(true);
  });

  it('the signal stops a running stream: next() rejects with CallAbortedError, and the worker returns the iterator and stays', async () => {
    const c = await streamsClient({ maxPoolSize: 1, spareWorkers: 0 });
    const file = tempFile();
    const controller = new AbortController();
    const iterator = c.produce(file, { signal: controller.signal })[Symbol.asyncIterator]();
    const [first] = await take(iterator, 1);
    controller.abort(new Error('enough'));
    const error = await iterator.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallAbortedError);
    expect(error).toMatchObject({ method: 'produce', wasRunning: true });
    expect((error as Error).message).toContain('was aborted while streaming');
    expect((error as Error).cause).toEqual(new Error('enough'));
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(await waitFor(() => producedIn(file).returned)).toBe(true);
    expect(await c.pid()).toBe(first!.pid);
    expect(c.pool.stats().totals.aborted).toBe(1);
  });

  it('a signal aborted before the first next() sends nothing', async () => {
    const c = await streamsClient();
    const { error } = await drain(c.count(3, { signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ name: 'AbortError', wasRunning: false });
    expect(c.pool.stats().totals.calls).toBe(0);
  });

  it('holds its worker like a call: another call waits until the stream ends or is stopped', async () => {
    const c = await streamsClient({ maxPoolSize: 1, spareWorkers: 0 });
    const iterator = c.pids(1_000_000)[Symbol.asyncIterator]();
    const [pid] = await take(iterator, 1);
    let answered = false;
    const next = c.pid().then((p) => { answered = true; return p; });
    await sleep(200);
    expect(answered).toBe(false);
    expect(c.pool.stats()).toMatchObject({ running: 1, queued: 1 });
    await iterator.return!();
    expect(await next).toBe(pid);
  });

  it('counts as one call for recycling, however many items it sends', async () => {
    const c = await streamsClient({ maxPoolSize: 1, spareWorkers: 0, processRecycleThreshold: 3, overlappedRecycle: false });
    const recycles: { pid: number | undefined; callsServed: number }[] = [];
    c.pool.on('recycle', (e) => recycles.push(e));
    const { items } = await drain(c.pids(50));
    const pid = items[0]!;
    expect(new Set(items)).toEqual(new Set([pid]));
    expect(await c.pid()).toBe(pid);
    expect(await c.pid()).toBe(pid);
    expect(await c.pid()).not.toBe(pid);
    expect(recycles).toEqual([expect.objectContaining({ pid, callsServed: 3 })]);
  });

  it('an implementation that does not stop within shutdownGraceMs is killed, as a cancelled call\'s worker is', async () => {
    const c = await streamsClient({ maxPoolSize: 1, spareWorkers: 0, shutdownGraceMs: 1000 });
    const events: string[] = [];
    const exits: { reason: string; pid: number | undefined }[] = [];
    c.pool.on('workerExit', (e) => { exits.push(e); events.push('exit'); });
    const file = tempFile();
    const pid = await c.pid();
    for await (const i of c.stubborn(file)) if (i === 1) break;
    // break does not wait for the worker, which is still in its finally block
    events.push('broke');
    expect(await waitFor(() => exits.length > 0, 10_000)).toBe(true);
    expect(events).toEqual(['broke', 'exit']);
    expect(exits[0]).toMatchObject({ reason: 'cancelled', pid });
    expect(producedIn(file).returned).toBe(true);
    expect(await c.pid()).not.toBe(pid);
  });

  it('large items take the large-bytes path, and the implementation may fill the same buffer again for its next item', async () => {
    const c = await streamsClient();
    const size = 256 * 1024;
    const { items, error } = await drain(c.chunks(40, size));
    expect(error).toBeUndefined();
    expect(items).toHaveLength(40);
    items.forEach((item, i) => {
      expect(item).toBeInstanceOf(Uint8Array);
      expect(item.byteLength).toBe(size);
      // every byte of item i is i: none was overwritten by a later item before it left the worker
      expect(item.every((b) => b === i % 256)).toBe(true);
    });
  });

  it('an implementation that returns no async iterable fails the stream with RemoteError naming the fix, and its worker serves on', async () => {
    const c = await streamsClient({ maxPoolSize: 1, spareWorkers: 0 });
    const pid = await c.pid();
    for (const [what, named] of [['array', 'an array'], ['rejected promise', 'a Promise']] as const) {
      const { items, error } = await drain(c.notAStream(what));
      expect(items).toEqual([]);
      expect(error).toBeInstanceOf(RemoteError);
      expect((error as RemoteError).remoteMessage).toContain(`"notAStream" returned ${named}, not an async iterable; implement it as an async generator`);
    }
    // the promise's rejection, which nobody awaits, did not end the worker
    expect(await c.pid()).toBe(pid);
  });
});
