import { describe, expect, it } from 'vitest';
import { PoolClosedError } from 'process-sandbox';
import { isAlive, tempFile, waitFor, workerPids } from '../helpers.js';
import { drain, producedIn, streamsClient, take } from './streams-client.js';

describe('close() and running streams', () => {
  it('waits for a stream its consumer reads to the end, as for a running call', async () => {
    const c = await streamsClient({ streamHighWaterMark: 4 });
    const stream = c.count(300);
    const iterator = stream[Symbol.asyncIterator]();
    const first = await take(iterator, 1);
    const pids = workerPids(c);
    let closed = false;
    const closing = c.close().then(() => { closed = true; });
    const { items, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect([...first, ...items]).toEqual(Array.from({ length: 300 }, (_, i) => i));
    await closing;
    expect(closed).toBe(true);
    expect(await waitFor(() => pids.every((p) => !isAlive(p)))).toBe(true);
  });

  it('ends a stream nobody reads after shutdownGraceMs: its consumer gets the items that had arrived, then PoolClosedError', async () => {
    const c = await streamsClient({ shutdownGraceMs: 300 });
    const file = tempFile();
    const stream = c.produce(file);
    const iterator = stream[Symbol.asyncIterator]();
    await take(iterator, 1);
    const pids = workerPids(c);
    const started = Date.now();
    await c.close();
    // a generous bound: close() did not wait for the consumer, which reads nothing meanwhile
    expect(Date.now() - started).toBeLessThan(10_000);
    // the worker returned the iterator before it was shut down
    expect(producedIn(file).returned).toBe(true);
    expect(pids.every((p) => !isAlive(p))).toBe(true);
    const { items, error } = await drain(stream);
    expect(items.map((p) => p.index)).toEqual(items.map((_, i) => i + 1));
    expect(items.length).toBeLessThanOrEqual(16);
    expect(error).toBeInstanceOf(PoolClosedError);
    expect((error as Error).message).toContain('"produce" was ended: the pool closed, and the stream was not read to its end within shutdownGraceMs (300 ms)');
  });

  it('a stream still queued then never starts', async () => {
    const c = await streamsClient({ shutdownGraceMs: 300, maxPoolSize: 1, spareWorkers: 0 });
    const running = c.produce(tempFile())[Symbol.asyncIterator]();
    await take(running, 1);
    const queued = c.count(3)[Symbol.asyncIterator]().next().catch((e: unknown) => e);
    expect(c.pool.stats().queued).toBe(1);
    await c.close();
    const error = await queued;
    expect(error).toBeInstanceOf(PoolClosedError);
    expect((error as Error).message).toContain('"count" was not run: the pool closed, and no worker took the stream within shutdownGraceMs');
    expect(c.pool.stats().totals.calls).toBe(2);
  });

  it('waits for a worker asked to stop a stream, and no longer than it may take', async () => {
    const c = await streamsClient({ shutdownGraceMs: 300, maxPoolSize: 1, spareWorkers: 0 });
    const exits: { reason: string }[] = [];
    c.pool.on('workerExit', (e) => exits.push(e));
    for await (const i of c.stubborn(tempFile())) if (i === 0) break;
    await c.close();
    expect(exits.map((e) => e.reason)).toContain('cancelled');
    expect(c.pool.stats().workers).toHaveLength(0);
  });

  it('a stream first iterated after close() is refused, never sent', async () => {
    const c = await streamsClient();
    const stream = c.count(3);
    await c.close();
    const { items, error } = await drain(stream);
    expect(items).toEqual([]);
    expect(error).toBeInstanceOf(PoolClosedError);
    expect((error as Error).message).toContain('"count" was not run: the pool is closed');
  });
});
