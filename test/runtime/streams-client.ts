/** The IStreams client the stream tests use, closed after each test, and what they read of it. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PoolConfig } from 'process-sandbox';
import { IStreamsClient } from '../.generated/js/.generated/services/IStreams.client.js';
import { track } from '../helpers.js';

export const streamsWorker = fileURLToPath(new URL('../.generated/js/workers/streams.js', import.meta.url));

/** An IStreams client, closed after the test; silent unless the test passes a logger. */
export async function streamsClient(config: Partial<PoolConfig> = {}): Promise<IStreamsClient> {
  return track(await IStreamsClient.create({ workerModule: streamsWorker, logger: false, ...config }));
}

/** What `produce` wrote to its file: how many items the implementation produced, and whether its iterator was returned. */
export function producedIn(file: string): { produced: number; returned: boolean } {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { produced: 0, returned: false };
  }
  return { produced: Number.parseInt(text, 10) || 0, returned: text.endsWith(' returned') };
}

/** Reads `count` items with the iterator's own next(), as a consumer that pulls at its own pace does. */
export async function take<T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> {
  const items: T[] = [];
  for (let i = 0; i < count; i++) {
    const step = await iterator.next();
    if (step.done === true) break;
    items.push(step.value);
  }
  return items;
}

/** Reads to the end; resolves with the items and what ended the stream (undefined: it ended). */
export async function drain<T>(stream: AsyncIterable<T>): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  try {
    for await (const item of stream) items.push(item);
  } catch (error) {
    return { items, error };
  }
  return { items, error: undefined };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
