/**
 * A SERVER span per call, in the worker: a child of the caller's CLIENT span (the traceparent the
 * call frame carried, callContext()), made current while the implementation runs, so that spans
 * it starts are the call's children. It ends when the worker's reply is sent; a call whose worker
 * is killed (a crash, a timeout) never ends here, and the caller's span tells it. A worker stopped
 * gracefully flushes its SDK's spans first (worker-template/stop-hooks.ts).
 *
 * This file runs in the worker, not the application: it is here because process-sandbox/otel is
 * one entry for both sides (an implementation that imports it gets its span, an application its
 * metrics). It registers through the worker's observer registry, which lives on globalThis, so
 * that the bundled worker runtime and this unbundled copy of call-context.js share it.
 */
import type { Context } from '@opentelemetry/api';
import { callObservers, type CallContext, type CallObservation } from '../../worker-template/call-context.js';
import { onWorkerStop } from '../../worker-template/stop-hooks.js';
import { context, SpanKind, SpanStatusCode, trace } from './api.js';
import { ATTRIBUTES, SCOPE, spanName } from './names.js';
import { parseTraceparent } from './trace-context.js';

/** Set once the observer is registered in this process, by whichever copy of the package came first. */
const REGISTERED = Symbol.for('process-sandbox.otel.workerSpans');

/** Registers the worker's call observer, once per process. Harmless in the application: no call begins there. */
export function observeWorkerCalls(): void {
  const global = globalThis as { [REGISTERED]?: boolean };
  if (global[REGISTERED] === true) return;
  global[REGISTERED] = true;
  callObservers().push(observeCall);
  onWorkerStop(flushSpans);
}

/**
 * Before a worker stops, the spans its SDK still holds (a BatchSpanProcessor's batch) are
 * exported: the global provider's forceFlush, where the SDK has one (the API's no-op has not).
 */
async function flushSpans(): Promise<void> {
  const provider = trace.getTracerProvider() as { getDelegate?: () => unknown };
  const sdk = (typeof provider.getDelegate === 'function' ? provider.getDelegate() : provider) as { forceFlush?: () => Promise<void> };
  if (typeof sdk.forceFlush === 'function') await sdk.forceFlush();
}

function observeCall(call: CallContext): CallObservation {
  // The global provider as it is now: the implementation may set its SDK up after importing this.
  const tracer = trace.getTracer(SCOPE);
  const parent = callersContext(call);
  const span = tracer.startSpan(spanName(call.service, call.method), {
    kind: SpanKind.SERVER,
    attributes: { [ATTRIBUTES.service]: call.service, [ATTRIBUTES.method]: call.method, [ATTRIBUTES.callId]: call.callId },
  }, parent);
  const inSpan = trace.setSpan(parent, span);
  return {
    run: (fn) => context.with(inSpan, fn),
    end: (error) => {
      if (error !== undefined) {
        span.setAttribute(ATTRIBUTES.errorType, (error as Error | null)?.name ?? 'Error');
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error | null)?.message ?? String(error) });
      }
      span.end();
    },
  };
}

/** The caller's span as a remote parent, or the worker's own active context when the call came without one. */
function callersContext(call: CallContext): Context {
  const active = context.active();
  if (call.traceparent === undefined) return active;
  const remote = parseTraceparent(call.traceparent, call.tracestate);
  return remote === undefined ? active : trace.setSpanContext(active, remote);
}
