/**
 * process-sandbox/otel: OpenTelemetry for a pool, on top of what it publishes on
 * node:diagnostics_channel (docs/observability.md). Needs @opentelemetry/api, an optional peer
 * dependency: the main entry never loads this.
 *
 * - In the application: instrumentPool(pool) records the pool's metrics and a CLIENT span per call.
 * - In a worker: importing this entry (from the implementation, after or before setting up an SDK)
 *   starts a SERVER span per call, a child of the caller's.
 */
import { observeWorkerCalls } from './worker-spans.js';

export { instrumentPool, type InstrumentPoolOptions, type PoolInstrumentation } from './instrument-pool.js';
export type { InstrumentablePool } from './pool-like.js';
export { ATTRIBUTES, METRICS, SCOPE } from './names.js';
export { formatTraceparent, parseTraceparent } from './trace-context.js';

observeWorkerCalls();
