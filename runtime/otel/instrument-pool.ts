/**
 * instrumentPool(): a pool's metrics and call spans through OpenTelemetry, from what the pool
 * publishes on node:diagnostics_channel (runtime/diagnostics.ts). The pool knows nothing of it.
 * Every message is taken only if it names this pool (poolId), so that two instrumented pools do
 * not count each other's calls.
 */
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import { metrics, trace } from './api.js';
import { recordCallMetrics } from './call-metrics.js';
import { traceCalls } from './call-spans.js';
import { SCOPE } from './names.js';
import { observePool } from './pool-gauges.js';
import type { InstrumentablePool } from './pool-like.js';
import { Subscriptions } from './subscriptions.js';
import { countWorkers } from './worker-counters.js';

export interface InstrumentPoolOptions {
  /**
   * Where the pool's instruments are made.
   * @default metrics.getMeterProvider(), the global one (a no-op until an SDK registers one)
   */
  readonly meterProvider?: MeterProvider | undefined;
  /**
   * Where the calls' CLIENT spans are made.
   * @default trace.getTracerProvider(), the global one (a no-op until an SDK registers one)
   */
  readonly tracerProvider?: TracerProvider | undefined;
}

/** What instrumentPool() set up: stop() takes it all down again. */
export interface PoolInstrumentation {
  /**
   * Unsubscribes from the pool's channels and removes the observable instruments' callback; a
   * call in flight then ends without its span ending (it is dropped). Idempotent.
   */
  stop(): void;
  [Symbol.dispose](): void;
}

/**
 * Records a pool's metrics (docs/observability.md lists every instrument) and a CLIENT span per
 * call, whose W3C trace context travels to the worker (where process-sandbox/otel, imported by
 * the implementation, starts the SERVER span as its child).
 */
export function instrumentPool(pool: InstrumentablePool, options: InstrumentPoolOptions = {}): PoolInstrumentation {
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const subscriptions = new Subscriptions();
  traceCalls(tracer, pool, subscriptions);
  recordCallMetrics(meter, pool, subscriptions);
  countWorkers(meter, pool, subscriptions);
  observePool(meter, pool, subscriptions);
  const stop = (): void => subscriptions.stop();
  return { stop, [Symbol.dispose]: stop };
}
