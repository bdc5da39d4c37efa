/**
 * The call a worker runs now: what its implementation can ask of it (callContext(), exported by
 * process-sandbox/worker) and what observers see of it (a tracer, such as process-sandbox/otel,
 * that starts a span per call). A worker runs one call at a time, so "now" is one call, across
 * the implementation's awaits too.
 *
 * Observers register in a registry on globalThis, under a Symbol.for key, so that a module
 * loaded from another copy of this package (a bundle, a second install) finds the same one:
 * `globalThis[Symbol.for('process-sandbox.worker.callObservers')]`, an array of CallObserver
 * that whoever comes first creates. The host asks every observer of it at each call.
 */

/** The call running now. */
export interface CallContext {
  /** The interface's name (the service), as the parent's trace names it. */
  readonly service: string;
  /** The method's name in the interface. */
  readonly method: string;
  /** Unique in the parent's process: its trace (diagnostics_channel) names the call by it too. */
  readonly callId: number;
  /**
   * When the parent's timeout for the call runs out, in Date.now() milliseconds: the call's
   * arrival plus its method's @timeout or the pool's methodCallTimeoutMs. For a stream it bounds
   * the first item; each later one has a fresh timeout from the consumer's demand.
   */
  readonly deadline: number;
  /** The caller's W3C trace context, when the call was made in one (docs/observability.md). */
  readonly traceparent?: string | undefined;
  readonly tracestate?: string | undefined;
}

/** What an observer does around one call: runs it inside `run`, and hears its end, once. */
export interface CallObservation {
  run<T>(fn: () => T): T;
  /** The call is over: `error` is what it failed with, undefined when it succeeded. */
  end(error: unknown): void;
}

/** Asked at each call; returns undefined to let the call go unobserved. */
export type CallObserver = (call: CallContext) => CallObservation | undefined;

const REGISTRY = Symbol.for('process-sandbox.worker.callObservers');

/** The registry's array, made if it is not there yet. */
export function callObservers(): CallObserver[] {
  const global = globalThis as { [REGISTRY]?: CallObserver[] };
  return (global[REGISTRY] ??= []);
}

/** The call running now, kept as its parts: the object callContext() returns is made on demand. */
let running = false;
let service = '';
let method = '';
let callId = 0;
let arrivedAt = 0;
let timeoutMs = 0;
let trace: readonly [string, string?] | undefined;
let made: CallContext | undefined;
let observations: CallObservation[] | undefined;

/**
 * The call this worker runs now, or undefined outside one (at import, in a timer left behind by
 * an earlier call, or between calls).
 */
export function callContext(): CallContext | undefined {
  if (!running) return undefined;
  made ??= { service, method, callId, deadline: arrivedAt + timeoutMs, traceparent: trace?.[0], tracestate: trace?.[1] };
  return made;
}

/**
 * The host begins a call: it is current until endCall, and every observer is asked of it.
 * Returns whether any observes it (then the host runs it through runObserved).
 */
export function beginCall(serviceName: string, name: string, id: number, timeout: number, traceContext: readonly [string, string?] | undefined): boolean {
  running = true;
  service = serviceName;
  method = name;
  callId = id;
  arrivedAt = Date.now();
  timeoutMs = timeout;
  trace = traceContext;
  made = undefined;
  observations = undefined;
  const registered = (globalThis as { [REGISTRY]?: CallObserver[] })[REGISTRY];
  if (registered === undefined || registered.length === 0) return false;
  const call = callContext()!;
  for (const observer of registered) {
    try {
      const observation = observer(call);
      if (observation !== undefined) (observations ??= []).push(observation);
    } catch (thrown) {
      // A broken tracer must not fail the call it observes.
      process.stderr.write(`[process-sandbox] a call observer threw: ${(thrown as Error)?.stack ?? String(thrown)}\n`);
    }
  }
  return observations !== undefined;
}

/** Runs the implementation inside every observation (the first registered outermost). */
export function runObserved<T>(fn: () => T): T {
  const active = observations;
  if (active === undefined) return fn();
  let run = fn;
  for (let i = active.length - 1; i >= 0; i--) {
    const inner = run;
    const observation = active[i]!;
    run = () => observation.run(inner);
  }
  return run();
}

/** The call is over: observers hear how it ended, and no call is current. */
export function endCall(error: unknown): void {
  const active = observations;
  running = false;
  made = undefined;
  trace = undefined;
  observations = undefined;
  if (active === undefined) return;
  for (const observation of active) {
    try {
      observation.end(error);
    } catch (thrown) {
      process.stderr.write(`[process-sandbox] a call observer's end() threw: ${(thrown as Error)?.stack ?? String(thrown)}\n`);
    }
  }
}
