/**
 * A streamed result on the application's side: the consumer's async iterator, and the credit
 * protocol with the worker that runs the stream (docs/streams.md, docs/wire-protocol.md).
 *
 * The worker sends an item only with credit. A stream starts with streamHighWaterMark credits,
 * and the consumer's pulls give them back in batches of half the mark, so the worker is never
 * more than the mark ahead of the consumer: a slow consumer holds at most that many items here,
 * and the implementation is asked for no more. An item beyond its credit is a protocol violation.
 *
 * Two ends, kept apart:
 * - The call (a PendingCall, as for any method) settles once, when the stream's outcome is known:
 *   its end, the implementation's error, a crash, a timeout, a bad item, the consumer breaking
 *   off, or close(). The pool's accounting (breaker, retries, close) hangs on it as on any call.
 * - The consumer takes the items that arrived, in order, then the outcome: items the worker sent
 *   before a failure are still delivered. Breaking off or aborting drops the items not taken.
 *
 * A worker whose stream is stopped early (Cancel) returns the implementation's iterator and stays
 * the stream's worker, taking no other call, until it answers; if it does not within
 * shutdownGraceMs it is killed, as a cancelled call's worker is.
 */
import { PendingCall } from './call.js';
import { CallAbortedError } from './errors.js';
import { Kind, type CancelMessage, type StreamCreditMessage } from './protocol/messages.js';
import { checkItem, type MethodDescriptor } from './service.js';

/** The stream's view of the worker process running it (WorkerProcess). */
export interface StreamWorker {
  /** Sends a credit or cancel frame for call `message[1]`; nothing once the worker no longer runs that call. */
  sendStream(message: StreamCreditMessage | CancelMessage): void;
  /** The worker must send its next frame for call `id` within `ms`; undefined: it need not (it has no credit). */
  expectWithin(id: number, ms: number | undefined): void;
}

/** What a worker process calls on the stream it runs. */
export interface StreamRun {
  /** Asked to stop: the worker's next terminal frame only frees it, and must come within shutdownGraceMs. */
  readonly stopping: boolean;
  /** Items received on this attempt; once one has arrived, the call is never retried. */
  readonly received: number;
  /** Items that arrived and wait for the consumer (at most streamHighWaterMark). */
  readonly buffered: number;
  /** The call was sent to `worker` as call `id`: grants the first credits. */
  begin(worker: StreamWorker, id: number, timeoutMs: number): void;
  /** An item arrived; returns why it breaks the protocol, if it does. */
  item(value: unknown): string | undefined;
  /** The worker ended the stream (StreamEnd, or an error): it runs it no longer. */
  ended(): void;
  /** Ends the stream with `error` (close()): the worker stops it, the consumer gets the items that arrived, then the error. */
  cut(error: Error): void;
}

/** What a stream needs of its pool. */
export interface StreamHost {
  /** streamHighWaterMark. */
  readonly highWaterMark: number;
  /** How long a worker asked to stop a stream may take (shutdownGraceMs). */
  readonly stopGraceMs: number;
  /** The hook every call of the pool settles through (its breaker). */
  readonly settled: (call: PendingCall, error: Error | undefined) => void;
  /** Runs or queues the stream's call as pool.call() does; it may settle it at once. Throws ValidationError for bad arguments. */
  submit(call: PendingCall, priority: number | undefined): void;
  /** Takes a stream's call out of the queue: its consumer left before a worker took it. */
  withdraw(call: PendingCall): void;
  /** Counts an aborted stream (stats().totals.aborted). */
  aborted(): void;
}

type Waiter<T> = { resolve(result: IteratorResult<T>): void; reject(error: Error): void };

const DONE: IteratorResult<never> = Object.freeze({ done: true, value: undefined });

/**
 * The consumer's iterator of one call of a streaming method. It is its own iterable, like a
 * generator object: iterating it again continues where the last loop stopped. The call starts
 * at the first next(), so a stream nobody iterates never takes a worker.
 */
export class RemoteStream<T> implements AsyncIterableIterator<T>, StreamRun {
  readonly #method: MethodDescriptor;
  readonly #args: unknown[];
  readonly #signal: AbortSignal | undefined;
  readonly #host: StreamHost;
  /** Credits are given back once this many items were taken (half the mark, at least one). */
  readonly #batch: number;
  #call: PendingCall | undefined;

  // The worker running it, on this attempt.
  #worker: StreamWorker | undefined;
  #id = 0;
  #timeoutMs = 0;
  #granted = 0;
  received = 0;
  /** Items the consumer took since credit was last given back. */
  #taken = 0;
  stopping = false;

  // The consumer's side.
  readonly #items: unknown[] = [];
  readonly #waiting: Waiter<T>[] = [];
  /** What the consumer gets once the items are taken; undefined while the stream runs. */
  #outcome: { error: Error | undefined } | undefined;
  /** The consumer got the outcome or left: every next() is done. */
  #finished = false;
  #unwatch: (() => void) | undefined;
  /** Where its call waits for a worker (the call option). */
  readonly #priority: number | undefined;

  constructor(method: MethodDescriptor, args: unknown[], signal: AbortSignal | undefined, host: StreamHost, priority?: number) {
    this.#method = method;
    this.#args = args;
    this.#signal = signal;
    this.#priority = priority;
    this.#host = host;
    this.#batch = Math.ceil(host.highWaterMark / 2);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#finished) return Promise.resolve(DONE);
    if (this.#call === undefined && this.#outcome === undefined) this.#start();
    if (this.#items.length > 0) return Promise.resolve(this.#take());
    if (this.#outcome !== undefined) {
      const { error } = this.#outcome;
      this.#finish();
      return error === undefined ? Promise.resolve(DONE) : Promise.reject(error);
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** The consumer breaks off (`break` in for await): the items not taken are dropped, and the worker stops. */
  return(): Promise<IteratorResult<T>> {
    if (!this.#finished) {
      this.#items.length = 0;
      this.#finish();
      this.#stop(undefined);
    }
    return Promise.resolve(DONE);
  }

  get buffered(): number {
    return this.#items.length;
  }

  // ---- the consumer ---------------------------------------------------------------------------

  #start(): void {
    const signal = this.#signal;
    if (signal?.aborted === true) {
      this.#outcome = { error: new CallAbortedError(this.#method.name, false, signal.reason) };
      return;
    }
    const call = new PendingCall(this.#method, this.#args, () => this.#settled(undefined), (error) => this.#settled(error), this.#host.settled);
    call.stream = this;
    this.#call = call;
    if (signal !== undefined) {
      const onAbort = (): void => this.#abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#unwatch = () => signal.removeEventListener('abort', onAbort);
    }
    try {
      this.#host.submit(call, this.#priority);
    } catch (error) {
      call.settle(error as Error);
    }
  }

  #take(): IteratorResult<T> {
    const value = this.#items.shift() as T;
    this.#taken++;
    this.#grant();
    return { value, done: false };
  }

  /** The call's outcome is known: the consumer gets it after the items that arrived. */
  #settled(error: Error | undefined): void {
    this.#worker = undefined;
    if (this.#finished || this.#outcome !== undefined) return;
    this.#outcome = { error };
    const first = this.#waiting.shift();
    if (first === undefined) return;
    // Someone waits: no item is buffered.
    this.#finish();
    if (error === undefined) first.resolve(DONE);
    else first.reject(error);
  }

  #abort(reason: unknown): void {
    if (this.#finished) return;
    const error = new CallAbortedError(this.#method.name, (this.#call?.attempts ?? 0) > 0, reason, true);
    this.#host.aborted();
    this.#items.length = 0;
    this.#stop(error);
    // Aborting ends the consumer's stream at once, whatever the outcome that was waiting.
    this.#outcome = { error };
    const first = this.#waiting.shift();
    if (first === undefined) return;
    this.#finish();
    first.reject(error);
  }

  #finish(): void {
    this.#finished = true;
    this.#unwatch?.();
    this.#unwatch = undefined;
    for (const waiter of this.#waiting.splice(0)) waiter.resolve(DONE);
  }

  // ---- the worker -----------------------------------------------------------------------------

  begin(worker: StreamWorker, id: number, timeoutMs: number): void {
    this.#worker = worker;
    this.#id = id;
    this.#timeoutMs = timeoutMs;
    this.#granted = this.#host.highWaterMark;
    this.received = 0;
    this.#taken = 0;
    worker.sendStream([Kind.StreamCredit, id, this.#granted]);
  }

  item(value: unknown): string | undefined {
    if (this.received >= this.#granted) {
      return `it sent item ${this.received} of "${this.#method.name}" without credit (it had been granted ${this.#granted})`;
    }
    this.received++;
    const call = this.#call!;
    // Sent before it heard of the stop, or before it was killed: nobody takes it.
    if (this.stopping || call.settled) return undefined;
    // The wait for the next item starts now, if the worker may send one.
    this.#worker?.expectWithin(this.#id, this.#granted > this.received ? this.#timeoutMs : undefined);
    const invalid = checkItem(this.#method, value, this.received - 1);
    if (invalid !== undefined) {
      this.#stop(invalid);
      return undefined;
    }
    const waiter = this.#waiting.shift();
    if (waiter === undefined) {
      this.#items.push(value);
      return undefined;
    }
    this.#taken++;
    this.#grant();
    waiter.resolve({ value: value as T, done: false });
    return undefined;
  }

  ended(): void {
    this.#worker = undefined;
  }

  cut(error: Error): void {
    this.#stop(error);
  }

  /** Gives the taken items' credit back, a batch at a time. */
  #grant(): void {
    const worker = this.#worker;
    if (worker === undefined || this.stopping || this.#taken < this.#batch) return;
    // A worker that had no credit was waiting for it, not late: its clock starts now.
    const waited = this.#granted === this.received;
    this.#granted += this.#taken;
    worker.sendStream([Kind.StreamCredit, this.#id, this.#taken]);
    this.#taken = 0;
    if (waited) worker.expectWithin(this.#id, this.#timeoutMs);
  }

  /**
   * Settles the call with `error` (undefined: the consumer broke off) and stops the stream: a
   * running one is cancelled on its worker, a queued one leaves the queue.
   */
  #stop(error: Error | undefined): void {
    const call = this.#call;
    if (call === undefined || call.settled) return;
    const worker = this.#worker;
    if (call.runningOn === undefined || worker === undefined) {
      this.#host.withdraw(call);
    } else {
      this.stopping = true;
      worker.sendStream([Kind.Cancel, this.#id]);
      worker.expectWithin(this.#id, this.#host.stopGraceMs);
    }
    call.settle(error);
  }
}
