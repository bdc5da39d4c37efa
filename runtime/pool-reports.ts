/**
 * What a pool tells: its events, and the snapshot stats() returns. Types only, apart from the
 * pool that produces them (pool.ts).
 */
import type { BreakerState } from './circuit-breaker.js';
import type { MethodTimings } from './call-timings.js';
import type { Confinement } from './confine/index.js';
import type { LeaseEndReason } from './lease.js';
import type { ResourceSample } from './platform/resources.js';
import type { WorkerHealthData } from './protocol/messages.js';
import type { LimitCrossed, RecycleReason } from './recycle-policy.js';
import type { WorkerStartError } from './errors.js';
import type { ExitReason, WorkerState } from './worker-process.js';

/** The seed's health report: what the parent measured of a worker, plus what the worker said. */
export interface HealthReport extends ResourceSample {
  readonly workerId: number;
  readonly pid: number | undefined;
  /** Calls the worker has served. */
  readonly callCount: number;
  /** V8 heap in use, from the worker's own last report. */
  readonly heapUsedBytes: number | null;
}

export interface PoolEvents {
  /** A worker process was spawned (its pid is real). */
  workerStart: [{ workerId: number; pid: number }];
  /**
   * A worker finished its handshake and takes calls; `startMs` from the pool's decision to start it
   * to now. `inspectorUrl` under `inspect`, when its inspector listens: what a debugger attaches to.
   */
  workerReady: [{ workerId: number; pid: number | undefined; startMs: number; inspectorUrl?: string }];
  /** A worker could not start; the next start waits `retryInMs`. (A worker the pool stopped itself before it was ready is no failure.) */
  workerStartFailed: [{ workerId: number; error: WorkerStartError; failuresInARow: number; retryInMs: number }];
  /** A worker's process ended, and why. */
  workerExit: [{ workerId: number; pid: number | undefined; reason: ExitReason; exitCode: number | null; signal: NodeJS.Signals | null }];
  /** A worker is being retired and replaced; for thresholds, with what was measured. */
  recycle: [{ workerId: number; pid: number | undefined; reason: RecycleReason; callsServed: number; uptimeMs: number; trigger?: LimitCrossed | undefined; sample?: ResourceSample | undefined }];
  /** A call overran its deadline; its worker was killed. */
  timeout: [{ workerId: number; pid: number | undefined; method: string; timeoutMs: number }];
  /** The parent measured a worker (every monitorIntervalMs). */
  health: [HealthReport];
  /** An @idempotent call whose worker crashed is being tried on another worker. */
  retry: [{ method: string; attempt: number; workerId: number; pid: number | undefined }];
  /** Most calls failed: the pool fails calls at once and starts no worker until `retryAt`. */
  circuitOpen: [{ failures: number; calls: number; windowMs: number; retryAt: Date; lastFailure: string }];
  /** A probe call succeeded after the breaker opened: the pool works normally again. */
  circuitClose: [];
  /** A worker was leased: it takes only the lease's calls until the lease ends. */
  leaseAcquired: [{ leaseId: number; workerId: number; pid: number | undefined; freshInstance: boolean }];
  /** A lease ended (released, held past maxLeaseMs, idle past leaseIdleTimeoutMs, or closed with the pool) and its worker is the pool's again. */
  leaseReleased: [{ leaseId: number; workerId: number; pid: number | undefined; reason: LeaseEndReason; calls: number; heldMs: number }];
  /** A leased worker died: the lease's later calls fail with LeaseLostError. */
  leaseLost: [{ leaseId: number; workerId: number; pid: number | undefined; reason: ExitReason; calls: number; heldMs: number }];
}

export interface WorkerStats {
  readonly workerId: number;
  readonly pid: number | undefined;
  /** 'leased' for the whole of a lease, running one of its calls or not. */
  readonly state: WorkerState;
  /** The lease holding it, if any. */
  readonly leaseId: number | undefined;
  readonly callsServed: number;
  readonly uptimeMs: number;
  /** How long its start took (the pool's decision to start it → ready); undefined while it starts. */
  readonly startMs: number | undefined;
  /** The worker's own last health report (V8 heap, rss, calls), if it has sent one. */
  readonly lastHealth: WorkerHealthData | undefined;
  /** The parent's last measurement of the process from outside (memory, handles, …). */
  readonly resources: ResourceSample | undefined;
  /**
   * A replacement waiting to take over from a worker near its recycle threshold: it takes no
   * call until then, and is the one process by which the pool may pass maxPoolSize.
   */
  readonly standby: boolean;
  /** Under `inspect`, the URL of its inspector (`ws://127.0.0.1:port/uuid`), once it is ready. */
  readonly inspectorUrl: string | undefined;
}

export interface PoolStats {
  readonly workers: readonly WorkerStats[];
  /** Calls waiting for a worker. */
  readonly queued: number;
  /** Calls running on a worker (streams included). */
  readonly running: number;
  /** Items of running streams that arrived and wait for their consumers: at most streamHighWaterMark per stream. */
  readonly bufferedItems: number;
  /** The call breaker: closed is normal. */
  readonly circuit: BreakerState;
  /** What the breaker counts now: calls that reached a worker within its window, and how many failed. */
  readonly callWindow: { readonly calls: number; readonly failures: number };
  readonly totals: {
    readonly calls: number;
    readonly workersStarted: number;
    readonly crashes: number;
    readonly timeouts: number;
    readonly recycles: number;
    readonly retries: number;
    readonly aborted: number;
  };
  /**
   * Per method, by name: run time and queue wait (count, min, mean, p50, p90, p99, max, in ms) of
   * the calls that reached a worker since the pool started or its last resetStats()
   * (call-timings.ts). A method with no such call is absent.
   */
  readonly methods: Readonly<Record<string, MethodTimings>>;
  /** What every worker enforces on itself, with `confine` (see ProcessPool.confinement). */
  readonly confinement: Confinement | undefined;
}
