/**
 * The implementation of ITraced: sets up the OpenTelemetry SDK in the worker (as an
 * implementation would), imports process-sandbox/otel for the call's SERVER span, and writes every
 * span it ends, as a JSON line, to the file named by $TRACED_SPANS_FILE, where the test reads it.
 */
import { appendFileSync } from 'node:fs';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { callContext } from 'process-sandbox/worker';
import 'process-sandbox/otel';
import type { ITraced } from '../services/ITraced.js';

/** What the test reads of a span. */
export interface WrittenSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  traceState: string | null;
  status: number;
  attributes: Record<string, unknown>;
}

class FileSpanExporter implements SpanExporter {
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const lines = spans.map((span): WrittenSpan => ({
      name: span.name, kind: span.kind, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId,
      parentSpanId: span.parentSpanContext?.spanId ?? null, traceState: span.parentSpanContext?.traceState?.serialize() ?? null,
      status: span.status.code, attributes: { ...span.attributes },
    }));
    // Written as each span ends: a worker may be stopped without a flush.
    appendFileSync(this.#file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    done({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const file = process.env['TRACED_SPANS_FILE'];
if (file === undefined) throw new Error('traced.ts: set TRACED_SPANS_FILE to the file the spans go to');
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
// With $TRACED_BATCH=1, a BatchSpanProcessor that exports only when flushed: what a worker stopped
// gracefully must flush (process-sandbox/otel's stop hook).
const exporter = new FileSpanExporter(file);
const processor = process.env['TRACED_BATCH'] === '1' ? new BatchSpanProcessor(exporter, { scheduledDelayMillis: 600_000, maxExportBatchSize: 1000, maxQueueSize: 2048 }) : new SimpleSpanProcessor(exporter);
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [processor] }));
const tracer = trace.getTracer('traced-test');

export default class Traced implements ITraced {
  work(ms: number): Promise<string | null> {
    return tracer.startActiveSpan('inner', async (span) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      span.end();
      return callContext()?.traceparent ?? null;
    });
  }

  fail(message: string): number {
    throw new Error(message);
  }

  async *items(n: number): AsyncIterable<number> {
    for (let i = 0; i < n; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      tracer.startSpan('item').end();
      yield i;
    }
  }
}
