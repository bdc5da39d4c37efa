/**
 * One call the pool accepted. It settles exactly once, whatever happens to it: `settle` is the
 * only way out, and a second settle is a no-op. It remembers how often it was sent, for the
 * idempotent retry, and undoes its abort listener when it settles.
 */
import type { MethodDescriptor } from './service.js';

/** Per-call options, the last argument of every generated client method. */
export interface CallOptions {
  /**
   * Cancels the call. Still queued: it is removed and never sent. Already running: its worker
   * is killed and replaced (a running call cannot be interrupted any other way). Either way the
   * call fails with CallAbortedError.
   */
  readonly signal?: AbortSignal | undefined;
}

export class PendingCall {
  settled = false;
  /** How many times it was sent to a worker. */
  attempts = 0;
  /** The worker running it, while one is. */
  runningOn: { kill(reason: 'cancelled'): void } | undefined;
  #cleanup: (() => void) | undefined;
  readonly method: MethodDescriptor;
  readonly args: unknown[];
  readonly #resolve: (value: unknown) => void;
  readonly #reject: (error: Error) => void;

  constructor(method: MethodDescriptor, args: unknown[], resolve: (value: unknown) => void, reject: (error: Error) => void) {
    this.method = method;
    this.args = args;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Runs `onAbort` when `signal` aborts; the listener goes when the call settles. */
  watch(signal: AbortSignal, onAbort: () => void): void {
    signal.addEventListener('abort', onAbort, { once: true });
    this.#cleanup = () => signal.removeEventListener('abort', onAbort);
  }

  settle(error: Error | undefined, value?: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.runningOn = undefined;
    this.#cleanup?.();
    if (error !== undefined) this.#reject(error);
    else this.#resolve(value);
  }
}
