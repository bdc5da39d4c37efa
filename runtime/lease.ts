/**
 * A lease: one worker held for a sequence of calls, for implementations that keep state between
 * them (open a document, render its pages, close it). While leased the worker takes no call from
 * the pool; the lease's calls run on it one at a time, in the order they were made.
 *
 * A lease is never moved: when its worker dies, the state its calls built died with it, so the
 * call in flight fails as any call would and every later call fails at once with LeaseLostError.
 * The pool grants a lease (pool.ts, through a 'lease-begin' call that waits in the queue like any
 * call) and takes its worker back when it ends; this file keeps the lease's own rules.
 */
import type { ResolvedConfig } from './config.js';
import { CallAbortedError, CallTimeoutError, ConfigurationError, LeaseLostError, ProtocolError, WorkerCrashedError, type LeaseEndReason } from './errors.js';
import { PendingCall, type CallOptions } from './call.js';
import { admitTraced, type CallOrigin } from './diagnostics.js';
import { checkArguments, type MethodDescriptor } from './service.js';
import { RemoteStream, type StreamHost } from './stream.js';
import type { WorkerProcess } from './worker-process.js';

export type { LeaseEndReason } from './errors.js';

export interface LeaseOptions {
  /** Gives up waiting for a worker: the acquisition fails with CallAbortedError. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Waits this long at most for a worker; then the acquisition fails with CallTimeoutError.
   * @default methodCallTimeoutMs
   */
  readonly timeoutMs?: number | undefined;
  /** Overrides the pool's maxLeaseMs for this lease. */
  readonly maxLeaseMs?: number | undefined;
  /** Overrides the pool's leaseIdleTimeoutMs for this lease. */
  readonly idleTimeoutMs?: number | undefined;
  /** Overrides the pool's newInstancePerLease for this lease. */
  readonly newInstance?: boolean | undefined;
  /** Where the acquisition waits among calls for a worker, as a call's priority. @default 0 */
  readonly priority?: number | undefined;
}

/** What a lease needs of its pool. */
export interface LeaseHost {
  /** A call was made on the lease (the pool counts it in its totals). */
  accepted(): void;
  /** Hears how each of the lease's calls ended (the pool's circuit breaker counts them). */
  readonly settled: (call: PendingCall, error: Error | undefined) => void;
  /** Its pool, for the calls' traces (diagnostics.ts). */
  readonly origin: CallOrigin;
  /** The lease is over and its worker is free again (or gone); `lost` when it ended with its worker's death. */
  ended(lease: Lease, reason: LeaseEndReason, lost: boolean): void;
  /** Something the holder should know but no call fails of (a dispose that threw). */
  warn(message: string): void;
  /** One of its calls or streams was aborted (the pool counts it in stats().totals.aborted). */
  aborted(): void;
  /** What streams on the lease need of the pool: its stream settings, and close() ending unread streams. */
  readonly streams: { readonly highWaterMark: number; readonly stopGraceMs: number; track(call: PendingCall): void };
}

/** The pseudo-methods that begin and end a lease: what error messages and events name. */
const anything = (): undefined => undefined;
export const LEASE_BEGIN: MethodDescriptor = { id: -1, name: 'lease', params: ['freshInstance'], required: 0, args: [anything], result: anything };
const LEASE_END: MethodDescriptor = { id: -1, name: 'release', params: [], required: 0, args: [], result: anything };

/** setTimeout's own ceiling. */
const MAX_TIMER_MS = 2_147_483_647;

/** A lease's options checked (ConfigurationError naming the bad one), with the pool's defaults filled in. */
export function resolveLeaseOptions(options: LeaseOptions | undefined, config: Pick<ResolvedConfig, 'methodCallTimeoutMs' | 'maxLeaseMs' | 'leaseIdleTimeoutMs' | 'newInstancePerLease'>): { timeoutMs: number; maxLeaseMs: number | undefined; idleTimeoutMs: number | undefined; newInstance: boolean } {
  const o = options ?? {};
  const ms = (field: 'timeoutMs' | 'maxLeaseMs' | 'idleTimeoutMs'): number | undefined => {
    const value = o[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMER_MS) {
      throw new ConfigurationError([{ field: `lease options.${field}`, problem: `expected a whole number of milliseconds from 1 to ${MAX_TIMER_MS}, got ${typeof value === 'number' ? value : typeof value}` }]);
    }
    return value;
  };
  if (o.newInstance !== undefined && typeof o.newInstance !== 'boolean') {
    throw new ConfigurationError([{ field: 'lease options.newInstance', problem: `expected true or false, got ${typeof o.newInstance}` }]);
  }
  return {
    timeoutMs: ms('timeoutMs') ?? config.methodCallTimeoutMs,
    maxLeaseMs: ms('maxLeaseMs') ?? config.maxLeaseMs,
    idleTimeoutMs: ms('idleTimeoutMs') ?? config.leaseIdleTimeoutMs,
    newInstance: o.newInstance ?? config.newInstancePerLease,
  };
}

let nextLeaseId = 1;

export class Lease {
  /** Unique in the process, for logs, events and errors. */
  readonly leaseId = nextLeaseId++;
  readonly workerId: number;
  readonly pid: number | undefined;
  /** Whether its calls run on an instance constructed for it (a class export with newInstancePerLease). */
  readonly freshInstance: boolean;
  readonly acquiredAt = Date.now();
  /** Calls the lease has run (or tried to). */
  calls = 0;
  readonly #worker: WorkerProcess;
  readonly #host: LeaseHost;
  /** Its calls not yet sent, in order: one runs at a time. */
  readonly #waiting: PendingCall[] = [];
  /** Set once it is over: why, in words and as an error if it was one. Later calls fail with it. */
  #over: { reason: LeaseEndReason; why: string; cause: Error | undefined } | undefined;
  #endSent = false;
  #done = false;
  readonly #released: Promise<void>;
  #resolveReleased!: () => void;
  #maxTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  readonly #idleMs: number | undefined;
  /** performance.now() when its worker last became free. */
  #freeSince = performance.now();
  /** The last of its calls that failed because of the worker: what a lost lease's errors give as cause. */
  #lastFailure: Error | undefined;
  readonly #settled = (call: PendingCall, error: Error | undefined): void => {
    if (error instanceof WorkerCrashedError || error instanceof CallTimeoutError || error instanceof ProtocolError || (error instanceof CallAbortedError && error.wasRunning)) this.#lastFailure = error;
    this.#host.settled(call, error);
  };
  /** A stream on the lease runs on its worker, in turn with its calls (runtime/stream.ts). */
  readonly #streamHost: StreamHost;

  constructor(worker: WorkerProcess, host: LeaseHost, limits: { maxLeaseMs: number | undefined; idleTimeoutMs: number | undefined }, freshInstance: boolean) {
    this.#worker = worker;
    this.#host = host;
    this.workerId = worker.workerId;
    this.pid = worker.pid;
    this.freshInstance = freshInstance;
    this.#released = new Promise((resolve) => { this.#resolveReleased = resolve; });
    this.#streamHost = {
      highWaterMark: host.streams.highWaterMark,
      stopGraceMs: host.streams.stopGraceMs,
      settled: this.#settled,
      submit: (call) => {
        call.onLease = true;
        admitTraced(call, host.origin, () => {
          if (this.#over !== undefined) {
            call.settle(this.#lostError(call.method.name));
            return;
          }
          checkArguments(call.method, call.args);
          this.calls++;
          this.#host.accepted();
          host.streams.track(call);
          call.madeAt = performance.now();
          this.#waiting.push(call);
          this.free();
        });
      },
      withdraw: (call) => {
        const i = this.#waiting.indexOf(call);
        if (i >= 0) this.#waiting.splice(i, 1);
        // A lease waiting to end may end now.
        this.free();
      },
      aborted: () => host.aborted(),
    };
    const { maxLeaseMs, idleTimeoutMs } = limits;
    if (maxLeaseMs !== undefined) {
      this.#maxTimer = setTimeout(() => this.#end('max-lease', `it was held for ${maxLeaseMs} ms (maxLeaseMs)`), maxLeaseMs);
      this.#maxTimer.unref();
    }
    this.#idleMs = idleTimeoutMs;
    if (idleTimeoutMs !== undefined) this.#armIdle(idleTimeoutMs);
    worker.beginLease(this);
  }

  /** Whether the lease still takes calls. */
  get active(): boolean {
    return this.#over === undefined;
  }

  /** Runs a call on the lease's worker, after the lease's earlier calls. */
  call<T>(method: MethodDescriptor, args: unknown[], options?: CallOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const call = new PendingCall(method, args, resolve as (value: unknown) => void, reject, this.#settled);
      call.onLease = true;
      admitTraced(call, this.#host.origin, () => {
        if (this.#over !== undefined) {
          call.settle(this.#lostError(method.name));
          return;
        }
        checkArguments(method, args);
        const signal = options?.signal;
        if (signal?.aborted) {
          call.settle(new CallAbortedError(method.name, false, signal.reason));
          return;
        }
        if (signal !== undefined) call.watch(signal, () => this.#abort(call, signal.reason));
        this.calls++;
        this.#host.accepted();
        call.madeAt = performance.now();
        this.#waiting.push(call);
        this.free();
      });
    });
  }

  /**
   * A method that streams its result, on the lease's worker after the lease's earlier calls; it
   * holds the worker until it ends, as on the pool. Starts at the first next().
   */
  stream<T>(method: MethodDescriptor, args: unknown[], options?: CallOptions): AsyncIterable<T> {
    return new RemoteStream<T>(method, args, options?.signal, this.#streamHost);
  }

  /**
   * Ends the lease once the calls already made on it are done; its worker goes back to the pool
   * (the instance made for it, if any, disposed first). Calls made after this fail with
   * LeaseLostError. Never rejects: a lease whose worker died is over all the same.
   */
  release(): Promise<void> {
    this.#end('released', 'it was released');
    return this.#released;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.release();
  }

  /** Ends it as the pool closes: calls already made finish, later ones fail. */
  close(): Promise<void> {
    this.#end('closed', 'the pool closed');
    return this.#released;
  }

  /** The worker is free (it began the lease, or finished one of its calls): the next call goes. */
  free(): void {
    const worker = this.#worker;
    if (worker.state !== 'leased' || this.#done) return;
    const next = this.#waiting.shift();
    if (next !== undefined) {
      worker.run(next);
      return;
    }
    this.#freeSince = performance.now();
    if (this.#over !== undefined && !this.#endSent) this.#sendEnd();
  }

  /** Its worker is gone (its calls have settled): the lease is lost, if it was not over already. */
  workerGone(why: string): void {
    if (this.#done) return;
    const lost = this.#over === undefined;
    this.#over ??= { reason: 'worker-exit', why, cause: this.#lastFailure };
    for (const call of this.#waiting.splice(0)) call.settle(this.#lostError(call.method.name));
    this.#finish(lost);
  }

  #end(reason: LeaseEndReason, why: string): void {
    if (this.#over !== undefined) return;
    this.#over = { reason, why, cause: undefined };
    // Held too long: what waits fails now. Released or closed: what was asked before still runs.
    if (reason === 'max-lease') for (const call of this.#waiting.splice(0)) call.settle(this.#lostError(call.method.name));
    this.free();
  }

  #sendEnd(): void {
    this.#endSent = true;
    const end = new PendingCall(LEASE_END, [], () => this.#finish(false), (error: Error) => {
      // A dispose that threw: the worker is handed back all the same; a worker that died is
      // reported by workerGone.
      if (this.#worker.state !== 'stopping' && this.#worker.state !== 'exited') {
        this.#host.warn(`disposing the instance of lease ${this.leaseId} on ${this.#worker.label} failed: ${error.message}`);
        this.#finish(false);
      }
    });
    end.kind = 'lease-end';
    this.#worker.run(end);
  }

  #finish(lost: boolean): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#maxTimer);
    clearTimeout(this.#idleTimer);
    if (this.#worker.lease === this) this.#worker.endLease();
    this.#host.ended(this, this.#over!.reason, lost);
    this.#resolveReleased();
  }

  #abort(call: PendingCall, reason: unknown): void {
    if (call.settled) return;
    this.#host.aborted();
    const i = this.#waiting.indexOf(call);
    if (i >= 0) {
      this.#waiting.splice(i, 1);
      call.settle(new CallAbortedError(call.method.name, false, reason));
      return;
    }
    // Running: only killing the worker stops it, and the lease is lost with it.
    call.settle(new CallAbortedError(call.method.name, true, reason));
    this.#worker.kill('cancelled');
  }

  /**
   * One timer for the lease's whole life, not one per call: when it fires early (a call ran
   * since), it sets itself again for the rest of the idle time.
   */
  #armIdle(delayMs: number): void {
    this.#idleTimer = setTimeout(() => {
      const idleMs = this.#idleMs!;
      const worker = this.#worker;
      const busy = worker.state !== 'leased' || this.#waiting.length > 0;
      const idleFor = performance.now() - this.#freeSince;
      if (busy) this.#armIdle(idleMs);
      else if (idleFor >= idleMs) this.#end('idle', `no call ran on it for ${idleMs} ms (leaseIdleTimeoutMs)`);
      else this.#armIdle(Math.ceil(idleMs - idleFor));
    }, delayMs);
    this.#idleTimer.unref();
  }

  #lostError(method: string): LeaseLostError {
    const over = this.#over!;
    return new LeaseLostError({ method, leaseId: this.leaseId, reason: over.reason, why: over.why, workerId: this.workerId, pid: this.pid, cause: over.cause });
  }
}
