/**
 * A CLIENT span per call, in the caller: started at `process-sandbox:call`'s start as a child of
 * the caller's active context, which is the caller's own there (start runs synchronously in the
 * call), and ended as the call settles (asyncEnd), with its outcome. Its W3C trace context goes
 * on the call's context, which sends it to the worker with the call frame; the worker's span
 * (worker-spans.ts) is its child. A span carries what the call is, never its arguments or result.
 */
import type { Span, Tracer } from '@opentelemetry/api';
import type { CallTraceContext } from '../diagnostics.js';
import { context, isSpanContextValid, SpanKind, SpanStatusCode } from './api.js';
import { ATTRIBUTES, spanName } from './names.js';
import type { InstrumentablePool } from './pool-like.js';
import type { Subscriptions } from './subscriptions.js';
import { formatTraceparent } from './trace-context.js';

export function traceCalls(tracer: Tracer, pool: InstrumentablePool, subscriptions: Subscriptions): void {
  /** The span of each call being made, by its context: settling events run outside the caller's async context. */
  const spans = new WeakMap<CallTraceContext, Span>();
  subscriptions.calls({
    start: (call: CallTraceContext) => {
      if (call.poolId !== pool.id) return;
      const span = tracer.startSpan(spanName(call.service, call.method), {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTRIBUTES.service]: call.service, [ATTRIBUTES.method]: call.method, [ATTRIBUTES.callId]: call.callId,
          [ATTRIBUTES.leased]: call.leased, [ATTRIBUTES.stream]: call.stream,
        },
      }, context.active());
      spans.set(call, span);
      // No valid context (no SDK and no caller's span): nothing travels, the frame is as untraced.
      const sent = span.spanContext();
      if (!isSpanContextValid(sent)) return;
      call.traceparent = formatTraceparent(sent);
      const state = sent.traceState?.serialize();
      if (state !== undefined && state !== '') call.tracestate = state;
    },
    asyncEnd: (call: CallTraceContext) => {
      const span = spans.get(call);
      if (span === undefined) return;
      spans.delete(call);
      span.setAttribute(ATTRIBUTES.outcome, call.outcome ?? 'ok');
      if (call.workerId !== undefined) span.setAttribute(ATTRIBUTES.workerId, call.workerId);
      const error = call.error;
      if (error !== undefined) {
        span.setAttribute(ATTRIBUTES.errorType, error.name);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      }
      span.end();
    },
  });
}
