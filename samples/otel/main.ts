/**
 * The application: the OpenTelemetry SDK with console exporters, a pool instrumented by
 * process-sandbox/otel, and one call made inside a span of its own ("handle request"). It prints
 * the spans of both processes (the worker's come through the pool's logger, prefixed with
 * "[worker N]"), the span tree they make, and the pool's metrics.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ConsoleMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, ConsoleSpanExporter, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'process-sandbox';
import { instrumentPool } from 'process-sandbox/otel';
import { IGreeterClient } from './generated/IGreeter.client.js';
import { printTree, WorkerSpans } from './span-tree.js';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
// The application's spans go to the console, and to memory for the tree printed at the end.
const ownSpans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter()), new SimpleSpanProcessor(ownSpans)],
});
trace.setGlobalTracerProvider(tracerProvider);
const metricReader = new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter(), exportIntervalMillis: 60_000 });
const meterProvider = new MeterProvider({ readers: [metricReader] });

// The worker's stdout (its ConsoleSpanExporter) arrives here as info lines.
const workerSpans = new WorkerSpans();
const logger: Logger = {
  debug: () => {},
  info: (message) => {
    console.log(message);
    workerSpans.line(message);
  },
  warn: (message) => console.error(message),
  error: (message) => console.error(message),
};

// minPoolSize 0: the worker starts with the first call, after instrumentPool(), so its start is
// counted; monitorIntervalMs 100: the pool measures its memory soon.
const client = await IGreeterClient.create({ workerModule: new URL('./greeter.js', import.meta.url), logger, minPoolSize: 0, maxPoolSize: 1, spareWorkers: 0, monitorIntervalMs: 100 });
const instrumentation = instrumentPool(client.pool, { meterProvider, tracerProvider });
try {
  const greeting = await trace.getTracer('sample').startActiveSpan('handle request', async (span) => {
    try {
      return await client.greet('OpenTelemetry');
    } finally {
      span.end();
    }
  });
  console.log(`\ngreet() returned ${JSON.stringify(greeting)}\n`);
  // The memory gauges report what the pool measured of its worker: wait for its first measurement.
  while (client.pool.stats().workers.some((w) => w.resources === undefined)) await new Promise((resolve) => setTimeout(resolve, 20));
  console.log('--- metrics ---');
  // Collected once, now, while the pool is open: shutdown() exports every instrument of the pool to the console.
  await meterProvider.shutdown();
} finally {
  // The pool's close lets the worker's last output (its SERVER span) arrive.
  await client.close();
  instrumentation.stop();
}

console.log('\n--- span tree (application and worker) ---');
printTree([...ownSpans.getFinishedSpans().map((s) => ({ name: s.name, id: s.spanContext().spanId, parent: s.parentSpanContext?.spanId, kind: s.kind, where: 'application' })), ...workerSpans.spans()]);
await tracerProvider.shutdown();
