/**
 * The implementation, in the worker. It sets up the OpenTelemetry SDK of its own process (spans
 * to the console: the worker's stdout reaches the application's logger, line by line), then
 * imports process-sandbox/otel, which starts a SERVER span for every call, a child of the
 * caller's CLIENT span.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import 'process-sandbox/otel';
import type { IGreeter } from './IGreeter.js';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
// SimpleSpanProcessor exports each span as it ends. A BatchSpanProcessor would be flushed when
// the pool stops the worker gracefully (process-sandbox/otel's stop hook), but not if it crashed.
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] }));
const tracer = trace.getTracer('greeter');

export default class Greeter implements IGreeter {
  greet(name: string): Promise<string> {
    // A span of the implementation's own: a child of the call's SERVER span.
    return tracer.startActiveSpan('compose greeting', async (span) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      span.end();
      return `Hello, ${name}!`;
    });
  }
}
