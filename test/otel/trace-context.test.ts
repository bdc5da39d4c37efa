import { TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { formatTraceparent, parseTraceparent } from 'process-sandbox/otel';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

describe('W3C traceparent and tracestate', () => {
  it('formats a span context as version 00, with its flags in two hex digits', () => {
    expect(formatTraceparent({ traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.SAMPLED })).toBe(`00-${TRACE}-${SPAN}-01`);
    expect(formatTraceparent({ traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.NONE })).toBe(`00-${TRACE}-${SPAN}-00`);
  });

  it('parses what it formats back into a remote span context, with the tracestate\'s members', () => {
    const parsed = parseTraceparent(`00-${TRACE}-${SPAN}-01`, 'vendor=abc,other=1');
    expect(parsed).toMatchObject({ traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true });
    expect(parsed?.traceState?.get('vendor')).toBe('abc');
    expect(parsed?.traceState?.serialize()).toBe('vendor=abc,other=1');
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-00`)?.traceState).toBeUndefined();
  });

  it('drops a tracestate\'s invalid members and keeps the rest', () => {
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`, 'ok=1,BAD KEY=2')?.traceState?.serialize()).toBe('ok=1');
  });

  it('refuses what is not a valid traceparent: version ff, zero ids, bad lengths or case, a version 00 with more parts', () => {
    for (const bad of [
      '', 'garbage', `ff-${TRACE}-${SPAN}-01`, `00-${'0'.repeat(32)}-${SPAN}-01`, `00-${TRACE}-${'0'.repeat(16)}-01`,
      `00-${TRACE.slice(1)}-${SPAN}-01`, `00-${TRACE.toUpperCase()}-${SPAN}-01`, `00-${TRACE}-${SPAN}-1`, `00-${TRACE}-${SPAN}-01-extra`,
    ]) {
      expect(parseTraceparent(bad), bad).toBeUndefined();
    }
  });

  it('accepts a later version\'s extra parts, as the specification asks', () => {
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01-what-comes-next`)).toMatchObject({ traceId: TRACE, spanId: SPAN });
  });
});
