/**
 * W3C trace context (https://www.w3.org/TR/trace-context/) for a call frame: the traceparent the
 * caller's span sends, and the span context the worker's span takes as its parent. Small enough
 * to keep here rather than depend on @opentelemetry/core's propagator, so that the otel entry
 * needs nothing but the API.
 */
import type { SpanContext } from '@opentelemetry/api';
import { createTraceState, isValidSpanId, isValidTraceId } from './api.js';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** `00-{trace id}-{span id}-{flags}`. */
export function formatTraceparent(span: SpanContext): string {
  return `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * The remote span context a traceparent (and tracestate) name, or undefined when the traceparent
 * is not a valid one: version ff, an all-zero id, a version 00 with more parts. A later version's
 * extra parts are ignored, as the specification says. A tracestate's invalid members are dropped.
 */
export function parseTraceparent(traceparent: string, tracestate?: string): SpanContext | undefined {
  const match = TRACEPARENT.exec(traceparent.trim());
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (!isValidTraceId(traceId) || !isValidSpanId(spanId)) return undefined;
  const context: SpanContext = { traceId, spanId, traceFlags: Number.parseInt(flags, 16), isRemote: true };
  if (tracestate !== undefined && tracestate !== '') context.traceState = createTraceState(tracestate);
  return context;
}
