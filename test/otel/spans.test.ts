import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { context, SpanKind, SpanStatusCode, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RemoteError, type PoolConfig } from 'process-sandbox';
import { instrumentPool } from 'process-sandbox/otel';
import { ITracedClient } from '../.generated/js/.generated/services/ITraced.client.js';
import type { WrittenSpan } from '../workers/traced.js';
import { tempFile, track, waitFor } from '../helpers.js';

const worker = fileURLToPath(new URL('../.generated/js/workers/traced.js', import.meta.url));

const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => { context.setGlobalContextManager(contextManager.enable()); });
afterAll(() => { context.disable(); });

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('spans-test');

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  exporter.reset();
});

/** A traced pool: its worker writes the spans it ends to `spans`. */
async function client(config: Partial<PoolConfig> = {}, options: Parameters<typeof instrumentPool>[1] = { tracerProvider: provider }): Promise<{ c: ITracedClient; workerSpans: (count: number) => Promise<WrittenSpan[]> }> {
  const spans = tempFile();
  const c = track(await ITracedClient.create({ workerModule: worker, logger: false, env: { ...process.env, TRACED_SPANS_FILE: spans }, ...config }));
  const instrumentation = instrumentPool(c.pool, options);
  stops.push(() => instrumentation.stop());
  const read = (): WrittenSpan[] => existsSync(spans) ? readFileSync(spans, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as WrittenSpan) : [];
  return {
    c,
    // The worker ends its span just after it sent the reply: it may write it a moment after the call settled.
    workerSpans: async (count) => {
      await waitFor(() => read().length >= count);
      return read();
    },
  };
}

function clientSpan(name: string): ReadableSpan {
  const found = exporter.getFinishedSpans().filter((s) => s.name === name);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('spans of a call, in the caller (CLIENT) and in the worker (SERVER)', () => {
  it('makes the worker\'s SERVER span a child of the caller\'s CLIENT span, itself a child of the caller\'s active span, and the implementation\'s spans children of the SERVER span', async () => {
    const { c, workerSpans } = await client();
    let request: ReadableSpan['spanContext'] | undefined;
    const seen = await tracer.startActiveSpan('request', async (span) => {
      request = () => span.spanContext();
      try {
        return await c.work(5);
      } finally {
        span.end();
      }
    });
    const caller = clientSpan('ITraced/work');
    expect(caller.kind).toBe(SpanKind.CLIENT);
    expect(caller.parentSpanContext?.spanId).toBe(request!().spanId);
    expect(caller.spanContext().traceId).toBe(request!().traceId);
    expect(caller.attributes).toMatchObject({ 'process_sandbox.service': 'ITraced', 'process_sandbox.method': 'work', 'process_sandbox.outcome': 'ok' });
    expect(typeof caller.attributes['process_sandbox.worker.id']).toBe('number');
    expect(caller.status.code).toBe(SpanStatusCode.UNSET);
    // What travelled with the call frame: the CLIENT span's own context, sampled.
    expect(seen).toBe(`00-${caller.spanContext().traceId}-${caller.spanContext().spanId}-01`);

    const spans = await workerSpans(2);
    const server = spans.find((s) => s.name === 'ITraced/work')!;
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.traceId).toBe(caller.spanContext().traceId);
    expect(server.parentSpanId).toBe(caller.spanContext().spanId);
    expect(server.attributes).toMatchObject({ 'process_sandbox.service': 'ITraced', 'process_sandbox.method': 'work', 'process_sandbox.call.id': caller.attributes['process_sandbox.call.id'] });
    const inner = spans.find((s) => s.name === 'inner')!;
    expect(inner.parentSpanId).toBe(server.spanId);
    expect(inner.traceId).toBe(server.traceId);
    // Metadata only: no argument or result on either side.
    expect(JSON.stringify([caller.attributes, server.attributes])).not.toMatch(/"args"|"result"|00-/);
  });

  it('carries the caller\'s tracestate to the worker\'s parent', async () => {
    const { c, workerSpans } = await client();
    const carrier = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=abc,other=1' };
    const remote: Context = new W3CTraceContextPropagator().extract(context.active(), carrier, { get: (c, k) => c[k as keyof typeof c], keys: Object.keys });
    await context.with(remote, () => c.work(0));
    const caller = clientSpan('ITraced/work');
    expect(caller.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    const [server] = await workerSpans(2).then((s) => s.filter((x) => x.name === 'ITraced/work'));
    expect(server!.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(server!.parentSpanId).toBe(caller.spanContext().spanId);
    expect(server!.traceState).toBe('vendor=abc,other=1');
  });

  it('marks a failed call\'s spans as errors on both sides, with its outcome and error type', async () => {
    const { c, workerSpans } = await client();
    await expect(c.fail('no')).rejects.toBeInstanceOf(RemoteError);
    const caller = clientSpan('ITraced/fail');
    expect(caller.status).toEqual({ code: SpanStatusCode.ERROR, message: expect.stringContaining('no') });
    expect(caller.attributes).toMatchObject({ 'process_sandbox.outcome': 'remote_error', 'error.type': 'RemoteError' });
    const [server] = await workerSpans(1);
    expect(server!.parentSpanId).toBe(caller.spanContext().spanId);
    expect(server!.status).toBe(SpanStatusCode.ERROR);
    expect(server!.attributes['error.type']).toBe('Error');
  });

  it('runs a stream\'s items inside the worker\'s span, which ends with the stream', async () => {
    const { c, workerSpans } = await client();
    const items: number[] = [];
    for await (const item of c.items(3)) items.push(item);
    expect(items).toEqual([0, 1, 2]);
    const caller = clientSpan('ITraced/items');
    expect(caller.attributes['process_sandbox.stream']).toBe(true);
    const spans = await workerSpans(4);
    const server = spans.find((s) => s.name === 'ITraced/items')!;
    expect(server.parentSpanId).toBe(caller.spanContext().spanId);
    expect(spans.filter((s) => s.name === 'item').map((s) => s.parentSpanId)).toEqual([server.spanId, server.spanId, server.spanId]);
  });

  it('sends no trace context when there is nothing to send: the global no-op provider and no active span', async () => {
    const { c, workerSpans } = await client({}, {});
    expect(await c.work(0)).toBeNull();
    const spans = await workerSpans(2);
    // The worker's SERVER span is a root of its own.
    expect(spans.find((s) => s.name === 'ITraced/work')?.parentSpanId).toBeNull();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('a worker stopped gracefully first exports the spans its BatchSpanProcessor still holds', async () => {
    const spans = tempFile();
    const c = track(await ITracedClient.create({ workerModule: worker, logger: false, env: { ...process.env, TRACED_SPANS_FILE: spans, TRACED_BATCH: '1' } }));
    await c.work(1);
    await c.work(1);
    // Nothing exported yet: the batch waits ten minutes.
    expect(existsSync(spans) ? readFileSync(spans, 'utf8') : '').toBe('');
    await c.close();
    const written = readFileSync(spans, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as WrittenSpan);
    expect(written.filter((s) => s.kind === SpanKind.SERVER)).toHaveLength(2);
    expect(written.filter((s) => s.name === 'inner')).toHaveLength(2);
  });

  it('keeps two instrumented pools apart: one CLIENT span per call', async () => {
    const a = await client();
    const b = await client();
    await Promise.all([a.c.work(0), b.c.work(0)]);
    expect(exporter.getFinishedSpans().filter((s) => s.name === 'ITraced/work')).toHaveLength(2);
  });
});
