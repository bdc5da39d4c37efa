/**
 * One call the pool accepted. It settles exactly once, whatever happens to it: `settle` is the
 * only way out, and a second settle is a no-op. It remembers how often it was sent, for the
 * idempotent retry, and undoes its abort listener when it settles.
 */
import type { MethodDescriptor } from './service.js';
import type { StreamRun } from './stream.js';

/** Per-call options, the last argument of every generated client method. */
export interface CallOptions {
  /**
   * Cancels the call. Still queued: it is removed and never sent. Already running: its worker
   * is killed and replaced (a running call cannot be interrupted any other way). Either way the
   * call fails with CallAbortedError. A stream's consumer gets CallAbortedError from its next
   * next(); a running stream's worker returns the implementation's iterator and stays.
   */
  readonly signal?: AbortSignal | undefined;
}

export class PendingCall {
  readonly method: MethodDescriptor;
  readonly args: unknown[];
  settled = false;
  /** How many times it was sent to a worker. */
  attempts = 0;
  /** Whether it is the circuit breaker's probe. */
  probe = false;
  /** The worker running it, while one is. */
  runningOn: { kill(reason: 'cancelled'): void } | undefined;
  /** The last worker it was sent to, for the breaker's account of a failure. */
  lastWorker: { readonly label: string; readonly stderrTail: string } | undefined;
  /** For a method that streams its result: its items' side of the call (runtime/stream.ts). */
  stream: StreamRun | undefined;
  readonly #resolve: (value: unknown) => void;
  readonly #reject: (error: Error) => void;
  readonly #settled: ((call: PendingCall, error: Error | undefined) => void) | undefined;
  #cleanup: (() => void) | undefined;

  /** `settled` hears how the call ended, once, before its caller does (the pool's breaker counts it). */
  constructor(method: MethodDescriptor, args: unknown[], resolve: (value: unknown) => void, reject: (error: Error) => void,
    settled?: (call: PendingCall, error: Error | undefined) => void) {
    this.method = method;
    this.args = args;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#settled = settled;
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
    this.#settled?.(this, error);
    if (error !== undefined) this.#reject(error);
    else this.#resolve(value);
  }
}
