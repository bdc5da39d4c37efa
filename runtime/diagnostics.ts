/**
 * What pools publish on node:diagnostics_channel, for tracers, metrics and debugging tools that
 * subscribe without the pool knowing them (docs/observability.md lists every name and message
 * shape as stable API). Nothing is built or published while a channel has no subscriber.
 *
 * - `process-sandbox:call`, a TracingChannel around every call of the interface (on the pool, on
 *   a lease, streamed): start and end around its admission, in the caller; error, asyncStart and
 *   asyncEnd as it settles, always after end. Its context carries what the call is, never its
 *   arguments or result.
 * - Point channels for a worker's life and the pool's failures (POOL_CHANNELS).
 */
import { channel, tracingChannel } from 'node:diagnostics_channel';
import { CallAbortedError, CallTimeoutError, RemoteError, ValidationError } from './errors.js';
import type { PendingCall } from './call.js';

/** How a call ended, for the channel and for metrics (`process_sandbox.outcome`). */
export type CallOutcome = 'ok' | 'remote_error' | 'crashed' | 'timeout' | 'aborted' | 'rejected';

/** Who makes a call: its pool (ProcessPool.id, unique in the process) and the pool's service. */
export interface CallOrigin {
  readonly poolId: number;
  readonly service: string;
}

/** The context object of `process-sandbox:call`: one per call, the same object in all its events. */
export interface CallTraceContext extends CallOrigin {
  /** The method's name in the interface. */
  readonly method: string;
  /** Unique in the process; the worker sees the same id (its frames carry it). */
  readonly callId: number;
  /** Made on a lease. */
  readonly leased: boolean;
  /** A method that streams its result. */
  readonly stream: boolean;
  /** Its place in the queue, once the pool computed it (set by end; lease calls have none). */
  priority?: number;
  /**
   * A W3C trace context that a start subscriber may set: it travels to the worker with the call
   * (docs/observability.md), where callContext() returns it.
   */
  traceparent?: string;
  tracestate?: string;
  /** Set as it settles, when it reached a worker: the last worker it ran on. */
  workerId?: number;
  pid?: number | undefined;
  /** Set as it settles, when it reached a worker: its wait for a worker (0 if sent at once) → its (last) send, in ms. */
  queuedMs?: number;
  /** Set as it settles, when it reached a worker: its (last) send → its end, in ms. */
  runMs?: number;
  /** Set as it settles. */
  outcome?: CallOutcome;
  /** Set as it settles, when it failed. */
  error?: Error;
}

export const callChannel = tracingChannel<unknown, CallTraceContext>('process-sandbox:call');

/** The point channels, by the pool event each mirrors (their messages add the CallOrigin fields). */
export const POOL_CHANNELS = {
  workerStart: channel('process-sandbox:worker:start'),
  workerReady: channel('process-sandbox:worker:ready'),
  workerExit: channel('process-sandbox:worker:exit'),
  recycle: channel('process-sandbox:worker:recycle'),
  circuitOpen: channel('process-sandbox:circuit:open'),
  circuitClose: channel('process-sandbox:circuit:close'),
} as const;

/** A call refused because the queue was full: `{ poolId, service, method, maxQueueLength }`. */
export const queueFullChannel = channel('process-sandbox:pool:queue-full');

/**
 * Runs `admit`, which takes the call in (and may settle it at once), between the call's start and
 * end; what `admit` throws settles the call. Untraced, when it is not a call of the interface or
 * nobody listens to start: only start's subscribers are asked (TracingChannel.hasSubscribers asks
 * all five channels, and on Node 20 costs a small call about 0.5% once subscriptions have come and
 * gone: bench row 9), so a tracer subscribes to start, as every tracer does.
 */
export function admitTraced(call: PendingCall, origin: CallOrigin, admit: () => void): void {
  if (call.kind !== 'call' || !callChannel.start.hasSubscribers) {
    admitSettling(call, admit);
    return;
  }
  const context: CallTraceContext = {
    poolId: origin.poolId, service: origin.service, method: call.method.name, callId: call.id,
    leased: call.onLease, stream: call.stream !== undefined,
  };
  call.trace = context;
  call.traceHeld = true;
  try {
    callChannel.start.runStores(context, () => admitSettling(call, admit));
  } finally {
    if (call.kind === 'call' && !call.onLease) context.priority = call.priority;
    callChannel.end.publish(context);
    call.traceHeld = false;
    if (call.settled) publishSettled(call, context);
  }
}

function admitSettling(call: PendingCall, admit: () => void): void {
  try {
    admit();
  } catch (error) {
    call.settle(error as Error);
  }
}

/** The call settled: fills its context in and publishes error (if it failed), asyncStart and asyncEnd. */
export function publishSettled(call: PendingCall, context: CallTraceContext): void {
  const error = call.error;
  if (call.attempts > 0) {
    const worker = call.lastWorker;
    if (worker !== undefined) {
      context.workerId = worker.workerId;
      context.pid = worker.pid;
    }
    context.queuedMs = call.sentAt - call.madeAt;
    context.runMs = call.settledAt - call.sentAt;
  }
  context.outcome = outcomeOf(call, error);
  if (error !== undefined) {
    context.error = error;
    callChannel.error.publish(context);
  }
  callChannel.asyncStart.publish(context);
  callChannel.asyncEnd.publish(context);
}

function outcomeOf(call: PendingCall, error: Error | undefined): CallOutcome {
  if (error === undefined) return 'ok';
  if (error instanceof CallTimeoutError) return 'timeout';
  if (error instanceof CallAbortedError) return 'aborted';
  if (call.attempts === 0) return 'rejected';
  // A result the caller's validation refused is the worker's bad answer, as a thrown error is.
  if (error instanceof RemoteError || error instanceof ValidationError) return 'remote_error';
  return 'crashed';
}
