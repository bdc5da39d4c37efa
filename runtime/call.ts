/**
 * One call the pool accepted. It settles exactly once, whatever happens to it: `settle` is the
 * only way out, and a second settle is a no-op. It remembers how often it was sent, for the
 * idempotent retry, and undoes its abort listener when it settles. The start and the end of a
 * lease travel as calls too (`kind`), so that they wait, time out and fail as calls do.
 */
import type { MethodDescriptor } from './service.js';
import type { StreamRun } from './stream.js';
import { publishSettled, type CallTraceContext } from './diagnostics.js';

/** Per-call options, the last argument of every generated client method. */
export interface CallOptions {
  /**
   * Cancels the call. Still queued: it is removed and never sent. Already running: its worker
   * is killed and replaced (a running call cannot be interrupted any other way). Either way the
   * call fails with CallAbortedError. A stream's consumer gets CallAbortedError from its next
   * next(); a running stream's worker returns the implementation's iterator and stays.
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * Where the call waits when no worker is free: higher runs first, calls of one priority in
   * order, and a waiting call gains one level per second waited, so a low priority is never
   * starved (call-queue.ts). Any finite number. A retried @idempotent call goes before all.
   * @default the method's `@priority` tag, else 0
   */
  readonly priority?: number | undefined;
}

/** What a call asks of its worker: to run a method, or to begin or end a lease (lease.ts). */
export type CallKind = 'call' | 'lease-begin' | 'lease-end';

let lastCallId = 0;

/**
 * An id for a frame that asks a worker to run something: unique in the process, so that the
 * caller's trace and the worker's callContext() name a call alike (a retry keeps its call's id).
 */
export function nextCallId(): number {
  return ++lastCallId;
}

export class PendingCall {
  readonly id = nextCallId();
  readonly method: MethodDescriptor;
  readonly args: unknown[];
  kind: CallKind = 'call';
  /** Made on a lease: never retried elsewhere, since the lease's state lives on its worker. */
  onLease = false;
  settled = false;
  /** How many times it was sent to a worker. */
  attempts = 0;
  /** Whether it is the circuit breaker's probe. */
  probe = false;
  /** Its place in the queue (CallQueue): higher runs first. */
  priority = 0;
  /** The worker running it, while one is. */
  runningOn: { kill(reason: 'cancelled'): void } | undefined;
  /** The last worker it was sent to, for the breaker's account of a failure. */
  lastWorker: { readonly label: string; readonly stderrTail: string; readonly workerId: number; readonly pid: number | undefined } | undefined;
  /** For a method that streams its result: its items' side of the call (runtime/stream.ts). */
  stream: StreamRun | undefined;
  /**
   * When it began to wait for a worker (performance.now()): its queue wait runs from here
   * (call-timings.ts). Read as it is queued (CallQueue, a lease's line), so that a call sent as
   * it is made costs no clock read for it: its wait is 0.
   */
  madeAt = 0;
  /** When it was last sent to a worker (performance.now()); 0 until it is. */
  sentAt = 0;
  /** When it settled (performance.now()); 0 until it does. */
  settledAt = 0;
  /** What it failed with, once settled. */
  error: Error | undefined;
  /** Its `process-sandbox:call` context, when it is traced (diagnostics.ts). */
  trace: CallTraceContext | undefined;
  /** While its admission runs: a settle then leaves the trace's events to admitTraced, after end. */
  traceHeld = false;
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
    this.settledAt = performance.now();
    this.error = error;
    this.runningOn = undefined;
    this.#cleanup?.();
    this.#settled?.(this, error);
    if (this.trace !== undefined && !this.traceHeld) publishSettled(this, this.trace);
    if (error !== undefined) this.#reject(error);
    else this.#resolve(value);
  }
}
