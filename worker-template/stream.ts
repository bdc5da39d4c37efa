/**
 * A streamed result on the worker's side: runs the implementation's async iterable and sends its
 * items as they come, each only with credit from the parent (docs/wire-protocol.md). Without
 * credit it does not ask the iterator for the next item, so a slow consumer holds the
 * implementation still, not its memory. Cancel (the consumer broke off) returns the iterator,
 * which runs its finally blocks, then ends the stream; the worker then takes its next call.
 */
import type { Channel } from '../runtime/protocol/channel.js';
import { Kind, toRemoteErrorData, type ErrorMessage, type StreamEndMessage } from '../runtime/protocol/messages.js';

export class StreamProducer {
  readonly id: number;
  readonly #channel: Channel;
  readonly #method: string;
  /** Called once, after the stream's last frame: the worker has served the call. */
  readonly #done: (error: unknown) => void;
  #iterator: AsyncIterator<unknown> | undefined;
  #credit = 0;
  #sent = 0;
  /** Resolves the pump's wait for credit (or for the stop). */
  #wake: (() => void) | undefined;
  #stopped = false;
  #finished = false;

  constructor(channel: Channel, id: number, method: string, done: (error: unknown) => void) {
    this.#channel = channel;
    this.id = id;
    this.#method = method;
    this.#done = done;
  }

  /** Serves what the method's handler returned, which must be an async iterable. */
  start(result: unknown): void {
    const iterate = typeof result === 'object' && result !== null ? (result as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] : undefined;
    if (typeof iterate !== 'function') {
      // A promise it returned is not awaited: its rejection must not end the worker as unhandled.
      if (isThenable(result)) result.then(undefined, () => {});
      const what = isThenable(result) ? 'a Promise' : Array.isArray(result) ? 'an array'
        : typeof (result as { [Symbol.iterator]?: unknown } | null | undefined)?.[Symbol.iterator] === 'function' ? 'a synchronous iterable'
        : result === null ? 'null' : typeof result;
      this.#finish([Kind.Error, this.id, {
        name: 'TypeError',
        message: `"${this.#method}" returned ${what}, not an async iterable; implement it as an async generator (async *${this.#method}(…) { yield … })`,
      }]);
      return;
    }
    try {
      this.#iterator = (iterate as () => AsyncIterator<unknown>).call(result);
    } catch (error) {
      this.#finish([Kind.Error, this.id, toRemoteErrorData(error)]);
      return;
    }
    void this.#pump(this.#iterator);
  }

  /** The parent gave `n` more credits. */
  credit(n: number): void {
    this.#credit += n;
    this.#wakeUp();
  }

  /** The parent stopped the stream (Cancel): return the iterator, then end. */
  stop(): void {
    if (this.#stopped || this.#finished) return;
    this.#stopped = true;
    this.#wakeUp();
    const iterator = this.#iterator;
    // Returned at once, not after a pending next(): an iterator written by hand may use its
    // return() to abandon that work. An async generator queues it behind the pending next().
    void returnIterator(iterator).then((error) => {
      this.#finish(error === undefined ? [Kind.StreamEnd, this.id] : [Kind.Error, this.id, toRemoteErrorData(error)]);
    });
  }

  async #pump(iterator: AsyncIterator<unknown>): Promise<void> {
    for (;;) {
      if (this.#stopped) return;
      if (this.#credit === 0) {
        await new Promise<void>((resolve) => { this.#wake = resolve; });
        continue;
      }
      let step: IteratorResult<unknown>;
      try {
        step = await iterator.next();
      } catch (error) {
        if (!this.#stopped) this.#finish([Kind.Error, this.id, toRemoteErrorData(error)]);
        return;
      }
      // stop() returns the iterator and answers.
      if (this.#stopped) return;
      if (step.done === true) {
        this.#finish([Kind.StreamEnd, this.id]);
        return;
      }
      this.#credit--;
      let flowing: boolean;
      try {
        flowing = this.#channel.send([Kind.StreamItem, this.id, step.value]);
      } catch (error) {
        // Like a result that cannot be encoded, it fails the stream; the iterator's finally
        // blocks run first.
        this.#stopped = true;
        await returnIterator(iterator);
        this.#finish([Kind.Error, this.id, { name: 'EncodeError', message: `item ${this.#sent} of "${this.#method}" could not be encoded: ${(error as Error).message}` }]);
        return;
      }
      this.#sent++;
      // Large bytes are written from the item's own memory (frames.ts): they leave before the
      // implementation, which may fill the same buffer for its next item, runs again.
      if (!flowing) await drained(this.#channel);
    }
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #finish(message: StreamEndMessage | ErrorMessage): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#channel.send(message);
    // How it ended, for the call's observers: its error as the parent hears it, or none.
    this.#done(message[0] === Kind.Error ? message[2] : undefined);
  }
}

/** Calls the iterator's return(), if it has one; resolves with what it threw, if anything. */
async function returnIterator(iterator: AsyncIterator<unknown> | undefined): Promise<unknown> {
  try {
    await iterator?.return?.();
    return undefined;
  } catch (error) {
    return error ?? new Error('the iterator\'s return() threw undefined');
  }
}

function drained(channel: Channel): Promise<void> {
  const socket = channel.socket;
  if (socket.destroyed || !socket.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
