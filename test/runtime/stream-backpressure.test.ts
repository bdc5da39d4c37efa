import { describe, expect, it } from 'vitest';
import { ConfigurationError, resolveConfig } from 'process-sandbox';
import { IStreamsClient } from '../.generated/js/.generated/services/IStreams.client.js';
import type { IStreamsClient as Client } from '../.generated/js/.generated/services/IStreams.client.js';
import { tempFile, track, waitFor } from '../helpers.js';
import { drain, producedIn, sleep, streamsClient, streamsWorker, take } from './streams-client.js';

/**
 * The bound, not a timing: after each item read, the implementation has produced at most `mark`
 * more than were read (it writes its count before each yield), and the application holds at most
 * `mark` items. Then the consumer stops: the worker fills its credit and waits, and stays there.
 */
async function expectHeldAt(c: Client, mark: number, reads: number): Promise<void> {
  const file = tempFile();
  const iterator = c.produce(file)[Symbol.asyncIterator]();
  for (let read = 1; read <= reads; read++) {
    const [item] = await take(iterator, 1);
    expect(item!.index).toBe(read - 1);
    expect(producedIn(file).produced - read).toBeLessThanOrEqual(mark);
    expect(c.pool.stats().bufferedItems).toBeLessThanOrEqual(mark);
  }
  // It keeps up while read (it never stalls), and once reading stops it runs ahead by at most the mark.
  expect(await waitFor(() => producedIn(file).produced > reads)).toBe(true);
  await sleep(300);
  const { produced } = producedIn(file);
  expect(produced - reads).toBeLessThanOrEqual(mark);
  expect(produced - reads).toBeGreaterThanOrEqual(Math.floor(mark / 2));
  expect(c.pool.stats().bufferedItems).toBe(produced - reads);
  await iterator.return!();
}

describe('a stream\'s worker is never more than streamHighWaterMark items ahead of its consumer', () => {
  it('streamHighWaterMark is 16 by default, and a whole number from 1 to 65536', () => {
    const base = { workerModule: streamsWorker, workerEntry: streamsWorker };
    expect(resolveConfig(base).streamHighWaterMark).toBe(16);
    expect(resolveConfig({ ...base, streamHighWaterMark: 1 }).streamHighWaterMark).toBe(1);
    for (const bad of [0, 1.5, 65_537, '8']) {
      const error = (() => { try { resolveConfig({ ...base, streamHighWaterMark: bad as number }); } catch (e) { return e; } return undefined; })();
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).issues).toEqual([{ field: 'streamHighWaterMark', problem: expect.stringContaining('expected a whole number from 1 to 65536') }]);
    }
  });

  it('with every option at its default (16): a consumer that stops reading holds the implementation still', async () => {
    const c = track(await IStreamsClient.create({ workerModule: streamsWorker }));
    const file = tempFile();
    const iterator = c.produce(file)[Symbol.asyncIterator]();
    await take(iterator, 5);
    // 16 credits at the start; 5 read is less than the half of the mark that is given back at once.
    expect(await waitFor(() => producedIn(file).produced === 16)).toBe(true);
    await sleep(300);
    expect(producedIn(file).produced).toBe(16);
    expect(c.pool.stats().bufferedItems).toBe(11);
    await take(iterator, 10);
    // 15 read: 8 credits back, the next batch waits for the 16th read
    expect(await waitFor(() => producedIn(file).produced === 24)).toBe(true);
    await sleep(300);
    expect(producedIn(file).produced).toBe(24);
    expect(c.pool.stats().bufferedItems).toBe(9);
    await iterator.return!();
    expect(await waitFor(() => producedIn(file).returned)).toBe(true);
  });

  for (const mark of [1, 2, 3, 7]) {
    it(`streamHighWaterMark ${mark}: the bound holds after every item, and the stream never stalls`, async () => {
      const c = await streamsClient({ streamHighWaterMark: mark });
      await expectHeldAt(c, mark, 3 * mark + 5);
    });
  }

  it('bounds what the application holds of large items too', async () => {
    const c = await streamsClient({ streamHighWaterMark: 4 });
    const iterator = c.chunks(1000, 1024 * 1024)[Symbol.asyncIterator]();
    await take(iterator, 1);
    expect(await waitFor(() => c.pool.stats().bufferedItems === 3)).toBe(true);
    await sleep(300);
    expect(c.pool.stats().bufferedItems).toBe(3);
    await iterator.return!();
  });

  it('a slow consumer does not time its worker out: the clock stops while the worker has no credit', async () => {
    const c = await streamsClient();
    const timeouts: unknown[] = [];
    c.pool.on('timeout', (e) => timeouts.push(e));
    const stream = c.countBriefly(100);
    const iterator = stream[Symbol.asyncIterator]();
    const first = await take(iterator, 1);
    // countBriefly's @timeout is 300 ms; the worker filled its 16 credits long ago
    await sleep(1000);
    const { items, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect([...first, ...items]).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(timeouts).toEqual([]);
  });
});
