/**
 * What the pool does about failures, as calls are admitted and settle: the circuit breaker
 * (circuit-breaker.ts) counts the calls that reached a worker and refuses calls while most of
 * them fail; a call made while no worker can start fails at once (start-governor.ts); a call
 * whose worker died is tried again on another worker only if its method is @idempotent (and a
 * stream only before its first item), at most maxRetries times, and is called poisonous when it
 * killed every worker it was tried on. Never because a few inputs are poison does it refuse
 * everyone: a retried call settles once, so it counts once, however many workers it crashed.
 */
import type { ResolvedConfig } from './config.js';
import { CallTimeoutError, CircuitOpenError, ProtocolError, RemoteError, unprefixed, ValidationError, WorkerCrashedError, WorkerStartError } from './errors.js';
import type { PendingCall } from './call.js';
import { CircuitBreaker, type BreakerTrip } from './circuit-breaker.js';
import type { StartGovernor } from './start-governor.js';
import type { WorkerProcess } from './worker-process.js';

/** What the policy needs of its pool. */
export interface FailureHost {
  readonly config: ResolvedConfig;
  readonly starts: StartGovernor;
  /** Workers starting or serving. */
  live(): number;
  closed(): boolean;
  /** A probe call succeeded: the breaker closed, workers may start again. */
  circuitClosed(): void;
  /** The breaker opened: the pool fails what waits (with circuitOpenError) and starts no worker. */
  circuitOpened(trip: BreakerTrip): void;
  /** An @idempotent call whose worker died goes to another worker. */
  retry(call: PendingCall, worker: WorkerProcess, error: WorkerCrashedError): void;
}

export class FailurePolicy {
  /** Undefined with `circuitBreaker: false`. */
  readonly breaker: CircuitBreaker | undefined;
  readonly #host: FailureHost;

  constructor(host: FailureHost) {
    this.#host = host;
    const options = host.config.circuitBreaker;
    this.breaker = options === false ? undefined : new CircuitBreaker(options);
  }

  /** The breaker's word on a call being admitted: CircuitOpenError to fail it with, or none (and whether it is the probe). */
  refuse(call: PendingCall): CircuitOpenError | undefined {
    const decision = this.breaker?.decide() ?? 'pass';
    if (decision === 'reject') return this.circuitOpenError(call.method.name);
    call.probe = decision === 'probe';
    return undefined;
  }

  circuitOpenError(method: string): CircuitOpenError {
    return new CircuitOpenError({ method, ...this.breaker!.trip! });
  }

  /** While no worker of the pool can start and the next try is not due, the error a call fails with at once. */
  cannotStart(method: string): WorkerStartError | undefined {
    const starts = this.#host.starts;
    const last = starts.lastError;
    if (last === undefined || starts.waitMs === 0 || this.#host.live() > 0) return undefined;
    const why = unprefixed(last).split('\n--- worker stderr')[0];
    return new WorkerStartError(`"${method}" was not run: no worker of this pool can start (${starts.failuresInARow} failed in a row; the next try is at ${starts.nextAttemptAt.toISOString()}). The last one: ${why}`,
      { stderrTail: last.stderrTail, remote: last.remote, cause: last });
  }

  /** Every call passes here once, as it settles: the breaker counts those that reached a worker. */
  settled(call: PendingCall, error: Error | undefined): void {
    const breaker = this.breaker;
    if (breaker === undefined) return;
    const reachedWorker = call.attempts > 0;
    if (reachedWorker && (error === undefined || error instanceof RemoteError || error instanceof ValidationError)) {
      if (breaker.success() === 'closed') {
        this.#host.config.logger.warn('a probe call succeeded: the circuit breaker closed, workers start again');
        this.#host.circuitClosed();
      }
    } else if (reachedWorker && (error instanceof WorkerCrashedError || error instanceof CallTimeoutError || error instanceof ProtocolError)) {
      if (breaker.failure(describeFailure(call, error), call.lastWorker?.stderrTail ?? '') === 'opened') {
        const trip = breaker.trip!;
        this.#host.config.logger.error(`${trip.failures} of the last ${trip.calls} calls failed within ${trip.windowMs} ms (last: ${trip.lastFailure}): calls fail at once and no worker starts until ${trip.retryAt.toISOString()}`);
        this.#host.circuitOpened(trip);
      }
    } else if (call.probe) {
      // Aborted, refused or never sent: it says nothing about the workers; let another call probe.
      breaker.probeInconclusive();
    }
  }

  /** A worker died with a call it had been sent: retry it if the method is idempotent, else fail it. */
  lost(worker: WorkerProcess, call: PendingCall, error: WorkerCrashedError): void {
    // A lease's call is never moved to another worker; nor is the start or the end of a lease.
    if (call.onLease || call.kind !== 'call') {
      call.settle(error);
      return;
    }
    const { config } = this.#host;
    // A stream is tried again only before its first item: after it, another run would repeat items.
    const idempotent = call.method.idempotent === true && (call.stream === undefined || call.stream.received === 0);
    const mayRetry = idempotent && call.attempts <= config.maxRetries
      && !this.#host.closed() && (this.breaker === undefined || this.breaker.state === 'closed');
    if (!mayRetry) {
      // Every worker it was tried on died of it: say so, and try it on no more.
      const poisonous = idempotent && call.attempts > 1 && call.attempts > config.maxRetries;
      call.settle(!poisonous ? error : new WorkerCrashedError({
        workerId: error.workerId, pid: error.pid, exitCode: error.exitCode, signal: error.signal, method: error.method, lastHealth: error.lastHealth, attempts: error.attempts, poisonous,
      }));
      return;
    }
    config.logger.warn(`retrying "${call.method.name}" (@idempotent) on another worker: ${error.message}`);
    this.#host.retry(call, worker, error);
  }
}

/** The breaker's account of a failed call, for logs and CircuitOpenError. */
function describeFailure(call: PendingCall, error: WorkerCrashedError | CallTimeoutError | ProtocolError): string {
  const where = call.lastWorker?.label ?? 'a worker';
  if (error instanceof WorkerCrashedError) {
    const how = error.signal !== null ? `died of ${error.signal}` : error.exitCode !== null ? `exited with code ${error.exitCode}` : 'closed its pipe';
    return `${where} ${how} running "${call.method.name}"`;
  }
  if (error instanceof CallTimeoutError) return `"${call.method.name}" timed out after ${error.timeoutMs} ms on ${where}`;
  return `${where} broke the protocol running "${call.method.name}"`;
}
