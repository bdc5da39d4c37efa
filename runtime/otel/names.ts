/**
 * The names process-sandbox/otel gives its instruments, attributes and spans, after
 * OpenTelemetry's semantic conventions (units in UCUM). They are stable API, listed in
 * docs/observability.md: renaming one breaks dashboards.
 */

/** The instrumentation scope of the meter and the tracers. */
export const SCOPE = 'process-sandbox';

export const METRICS = {
  /** Histogram, s: a call's run, send to a worker → its end; 0 for a call that never reached one. */
  callDuration: 'process_sandbox.call.duration',
  /** Histogram, s: a call's wait for a worker → its (last) send to one. */
  queueWait: 'process_sandbox.queue.wait',
  /** Asynchronous up-down counter, {worker}, by worker state. */
  workers: 'process_sandbox.workers',
  /** Asynchronous up-down counter, {call}: calls waiting for a worker. */
  queueLength: 'process_sandbox.queue.length',
  /** Counter, {start}: worker processes spawned. */
  workerStarts: 'process_sandbox.worker.starts',
  /** Counter, {crash}: workers that died (a crash, or a broken protocol), by reason. */
  workerCrashes: 'process_sandbox.worker.crashes',
  /** Counter, {recycle}: workers retired and replaced, by reason. */
  workerRecycles: 'process_sandbox.worker.recycles',
  /** Asynchronous gauge, By: physical memory in use by the pool's largest worker. */
  workingSet: 'process_sandbox.worker.memory.working_set',
  /** Asynchronous gauge, By: private memory committed by the pool's largest worker. */
  privateMemory: 'process_sandbox.worker.memory.private',
} as const;

export const ATTRIBUTES = {
  service: 'process_sandbox.service',
  method: 'process_sandbox.method',
  /** ok | remote_error | crashed | timeout | aborted | rejected */
  outcome: 'process_sandbox.outcome',
  /** A WorkerState: starting | idle | busy | leased | retiring | stopping | exited. */
  workerState: 'process_sandbox.worker.state',
  workerId: 'process_sandbox.worker.id',
  /** Of a crash: crash | protocol (ExitReason). */
  exitReason: 'process_sandbox.worker.exit_reason',
  /** Of a recycle: calls | lifetime | memory | handles | gdi | user | error (RecycleReason). */
  recycleReason: 'process_sandbox.worker.recycle_reason',
  leased: 'process_sandbox.leased',
  stream: 'process_sandbox.stream',
  callId: 'process_sandbox.call.id',
  /** OpenTelemetry's own: the failed call's error class name. */
  errorType: 'error.type',
} as const;

/** A span's name: `{service}/{method}`, in the caller (CLIENT) and in the worker (SERVER) alike. */
export function spanName(service: string, method: string): string {
  return `${service}/${method}`;
}
