import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CallTimeoutError, ProtocolError, RemoteError, ValidationError, WorkerCrashedError } from 'process-sandbox';
import { isAlive, tempFile, waitFor } from '../helpers.js';
import { drain, producedIn, streamsClient, take } from './streams-client.js';

const hostile = fileURLToPath(new URL('../workers/hostile-stream.mjs', import.meta.url));

describe('a stream that fails delivers the items that arrived, then its error', () => {
  it('the implementation throws: RemoteError, and the worker serves on', async () => {
    const c = await streamsClient({ maxPoolSize: 1, spareWorkers: 0 });
    const pid = await c.pid();
    const stream = c.failAfter(3, 'boom');
    const { items, error } = await drain(stream);
    expect(items).toEqual([0, 1, 2]);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ method: 'failAfter', remoteName: 'RangeError', remoteMessage: 'boom', remoteCode: 'E_AFTER' });
    // It settles once: after its error the stream is done.
    expect(await stream[Symbol.asyncIterator]().next()).toEqual({ done: true, value: undefined });
    expect(await c.pid()).toBe(pid);
  });

  it('a native crash mid-stream (strlen(NULL) through koffi): WorkerCrashedError with SIGSEGV; the next call works', async () => {
    const c = await streamsClient();
    const exits: unknown[] = [];
    c.pool.on('workerExit', (e) => exits.push(e));
    const stream = c.crashAfter(3);
    const first = await take(stream[Symbol.asyncIterator](), 1);
    // The worker is dead before the consumer reads on: what it sent before it died is still read.
    expect(await waitFor(() => exits.length > 0)).toBe(true);
    const { items, error } = await drain(stream);
    expect([...first, ...items]).toEqual([0, 1, 2]);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error).toMatchObject({ signal: 'SIGSEGV', method: 'crashAfter', attempts: 1 });
    expect(await c.pid()).not.toBe((error as WorkerCrashedError).pid);
    expect(c.pool.stats().totals.crashes).toBe(1);
  });

  it('SIGKILL from outside mid-stream: the items that had arrived, in order, then WorkerCrashedError', async () => {
    const c = await streamsClient();
    const stream = c.produce(tempFile());
    const iterator = stream[Symbol.asyncIterator]();
    const read = await take(iterator, 2);
    const pid = read[0]!.pid;
    // The worker has spent its 16 credits: 14 items wait here.
    expect(await waitFor(() => c.pool.stats().bufferedItems === 14)).toBe(true);
    const exited = new Promise((resolve) => c.pool.once('workerExit', resolve));
    process.kill(pid, 'SIGKILL');
    await exited;
    const { items, error } = await drain(stream);
    expect(items.map((p) => p.index)).toEqual(Array.from({ length: 14 }, (_, i) => i + 2));
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error).toMatchObject({ signal: 'SIGKILL', method: 'produce', pid });
    expect(await c.pid()).not.toBe(pid);
  });

  it('no next item within the method\'s timeout: CallTimeoutError, and the worker is killed as a call timeout does', async () => {
    const c = await streamsClient();
    const timeouts: unknown[] = [];
    c.pool.on('timeout', (e) => timeouts.push(e));
    const { items, error } = await drain(c.stallAfter(2));
    expect(items).toEqual([0, 1]);
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect(error).toMatchObject({ method: 'stallAfter', timeoutMs: 300 });
    expect((error as Error).message).toContain('"stallAfter" sent no item 2 (nor the end of its stream) within 300 ms');
    const { pid } = error as CallTimeoutError;
    expect(timeouts).toEqual([expect.objectContaining({ method: 'stallAfter', pid, timeoutMs: 300 })]);
    expect(await waitFor(() => !isAlive(pid!), 3000)).toBe(true);
    expect(await c.pid()).not.toBe(pid);
  });

  it('the timeout holds on a worker being recycled too: a stream that stalls there is not waited for forever', async () => {
    // The worker passes its lifetime while it streams, and is retired (it finishes its call, then leaves).
    const c = await streamsClient({ maxProcessLifetimeMs: 150, overlappedRecycle: false });
    const recycles: unknown[] = [];
    c.pool.on('recycle', (e) => recycles.push(e));
    const { items, error } = await drain(c.stallAfter(2));
    expect(items).toEqual([0, 1]);
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect(recycles).toContainEqual(expect.objectContaining({ reason: 'lifetime', pid: (error as CallTimeoutError).pid }));
  });

  it('a bad item: ValidationError after the good ones, and the worker stops the iterator and serves on', async () => {
    const c = await streamsClient({ maxPoolSize: 1, spareWorkers: 0 });
    const exits: unknown[] = [];
    c.pool.on('workerExit', (e) => exits.push(e));
    const pid = await c.pid();
    const file = tempFile();
    const { items, error } = await drain(c.lieAfter(2, file));
    expect(items).toEqual([0, 1]);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('lieAfter: item 2: expected number, got string');
    expect(await waitFor(() => producedIn(file).returned)).toBe(true);
    expect(await c.pid()).toBe(pid);
    expect(exits).toEqual([]);
  });
});

describe('an @idempotent stream is retried only before its first item', () => {
  it('crashed before its first item, it runs again on another worker', async () => {
    const c = await streamsClient();
    const file = tempFile();
    const retries: unknown[] = [];
    c.pool.on('retry', (e) => retries.push(e));
    const { items, error } = await drain(c.flakyBeforeFirst(file, 1));
    expect(error).toBeUndefined();
    const ran = readFileSync(file, 'utf8').trim().split('\n').map(Number);
    expect(ran).toHaveLength(2);
    expect(ran[0]).not.toBe(ran[1]);
    expect(items).toEqual([2, ran[1]]);
    expect(retries).toEqual([expect.objectContaining({ method: 'flakyBeforeFirst', attempt: 2 })]);
  });

  it('crashed after an item reached the application, it is not run again', async () => {
    const c = await streamsClient();
    const file = tempFile();
    const { items, error } = await drain(c.crashAfterFirst(file));
    expect(items).toEqual([1]);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error).toMatchObject({ signal: 'SIGSEGV', attempts: 1 });
    expect((error as Error).message).toContain('the call was not retried');
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(c.pool.stats().totals.retries).toBe(0);
  });
});

describe('a worker that breaks the stream protocol is killed, and its stream fails with ProtocolError', () => {
  async function hostileClient(mode: string): Promise<Awaited<ReturnType<typeof streamsClient>>> {
    const env = { ...process.env, HOSTILE_MODE: mode, HOSTILE_ONCE_FILE: tempFile() };
    return streamsClient({ workerEntry: hostile, env, maxPoolSize: 1, spareWorkers: 0, circuitBreaker: false });
  }

  it('items beyond its credit: the parent takes the items it granted, then fails the stream', async () => {
    const c = await hostileClient('no-credit');
    const exits: { reason: string }[] = [];
    c.pool.on('workerExit', (e) => exits.push(e));
    const iterator = c.count(1000)[Symbol.asyncIterator]();
    // Nothing read yet: the 16 credits of the start are all it was given.
    const first = iterator.next();
    expect(await waitFor(() => exits.length > 0)).toBe(true);
    expect(exits[0]).toMatchObject({ reason: 'protocol' });
    const rest: number[] = [];
    let error: unknown;
    try {
      for (let step = await first; step.done !== true; step = await iterator.next()) rest.push(step.value);
    } catch (e) {
      error = e;
    }
    expect(rest).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toContain('it sent item 16 of "count" without credit (it had been granted 16)');
    expect((await drain(c.count(3))).items).toEqual([]);
  });

  const cases: [string, () => (c: Awaited<ReturnType<typeof streamsClient>>) => Promise<unknown>, RegExp][] = [
    ['result-to-stream', () => async (c) => (await drain(c.count(3))).error, /a result to "count", which streams its result/],
    ['item-to-call', () => (c) => c.pid().catch((e: unknown) => e), /a stream item for call \d+, which is not a stream it runs/],
    ['end-wrong-id', () => async (c) => (await drain(c.count(3))).error, /a stream end for call \d+, which is not a stream it runs/],
  ];
  for (const [mode, run, message] of cases) {
    it(`${mode}: ProtocolError, and the replacement serves`, async () => {
      const c = await hostileClient(mode);
      const error = await run()(c);
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as Error).message).toMatch(message);
      expect(await c.pid()).toBe(42);
    });
  }
});
