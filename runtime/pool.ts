/**
 * ProcessPool: workers, a FIFO queue, and the rules that keep every call settled exactly once.
 *
 * - Prestarts minPoolSize workers and grows to maxPoolSize while calls wait.
 * - One call per worker at a time; the first idle worker takes the oldest queued call.
 * - A call sent to a worker is never sent again: if the worker dies, that caller gets
 *   WorkerCrashedError (or CallTimeoutError / ProtocolError) and calls still queued go on to
 *   other workers, including the replacement the pool starts.
 * - Recycling (calls served, lifetime) starts the replacement first, then retires the old
 *   worker once it has finished its call.
 */
import { EventEmitter } from 'node:events';
import { resolve as resolvePath } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { resolveConfig, type PoolConfig, type ResolvedConfig } from './config.js';
import { CallAbortedError, CircuitOpenError, ConfigurationError, PoolClosedError, QueueFullError, type WorkerCrashedError, type WorkerStartError } from './errors.js';
import { platform } from './platform/index.js';
import type { PoolIsolation } from './platform/platform.js';
import type { WorkerHealthData } from './protocol/messages.js';
import { checkArguments, type MethodDescriptor, type ServiceDescriptor } from './service.js';
import type { ResourceSample } from './platform/resources.js';
import { limitCrossed, type LimitCrossed, type RecycleReason } from './recycle-policy.js';
import { PendingCall, type CallOptions } from './call.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { WorkerProcess, type ExitReason, type WorkerState } from './worker-process.js';
import { typeStrippingArgs } from './type-stripping.js';

export type { RecycleReason } from './recycle-policy.js';

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
  /** A worker process was spawned. */
  workerStart: [{ workerId: number; pid: number | undefined }];
  /** A worker finished its handshake and takes calls. */
  workerReady: [{ workerId: number; pid: number | undefined }];
  /** A worker could not start. */
  workerStartFailed: [{ workerId: number; error: WorkerStartError }];
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
  /** Workers failed too often: the pool stopped starting them until `retryAt`. */
  circuitOpen: [{ failures: number; windowMs: number; retryAt: Date; lastFailure: string }];
  /** A probe call succeeded after a crash storm: the pool works normally again. */
  circuitClose: [];
}

export interface WorkerStats {
  readonly workerId: number;
  readonly pid: number | undefined;
  readonly state: WorkerState;
  readonly callsServed: number;
  readonly uptimeMs: number;
  /** The worker's own last health report (V8 heap, rss, calls), if it has sent one. */
  readonly lastHealth: WorkerHealthData | undefined;
  /** The parent's last measurement of the process from outside (memory, handles, …). */
  readonly resources: ResourceSample | undefined;
}

export interface PoolStats {
  readonly workers: readonly WorkerStats[];
  /** Calls waiting for a worker. */
  readonly queued: number;
  /** Calls running on a worker. */
  readonly running: number;
  /** The crash-storm breaker: closed is normal. */
  readonly circuit: 'closed' | 'open' | 'half-open';
  readonly totals: {
    readonly calls: number;
    readonly workersStarted: number;
    readonly crashes: number;
    readonly timeouts: number;
    readonly recycles: number;
    readonly retries: number;
    readonly aborted: number;
  };
}

type PoolState = 'open' | 'draining' | 'closed';

const MIB = 1024 * 1024;
const RESTART_BACKOFF_MIN_MS = 100;
const RESTART_BACKOFF_MAX_MS = 30_000;

export class ProcessPool extends EventEmitter<PoolEvents> {
  readonly service: ServiceDescriptor;
  readonly config: ResolvedConfig;
  readonly #pipeHome: string | undefined;
  readonly #isolation: PoolIsolation;
  readonly #workers = new Set<WorkerProcess>();
  readonly #queue: PendingCall[] = [];
  #queueHead = 0;
  #nextWorkerId = 1;
  #state: PoolState = 'open';
  #closing: Promise<void> | undefined;
  #drained: (() => void) | undefined;
  #failedStartsInARow = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  readonly #lifetimeTimers = new Map<WorkerProcess, NodeJS.Timeout>();
  #monitorTimer: NodeJS.Timeout | undefined;
  #sampling = false;
  #growScheduled = false;
  readonly #totals = { calls: 0, workersStarted: 0, crashes: 0, timeouts: 0, recycles: 0, retries: 0, aborted: 0 };
  readonly #breaker: CircuitBreaker | undefined;
  readonly #failuresRecorded = new WeakSet<WorkerProcess>();

  private constructor(service: ServiceDescriptor, config: ResolvedConfig, pipeHome: string | undefined) {
    super();
    this.service = service;
    this.config = config;
    this.#pipeHome = pipeHome;
    this.#isolation = platform.openIsolation({ processMemoryLimitBytes: config.hardMemoryLimitMB === undefined ? undefined : config.hardMemoryLimitMB * MIB });
    this.#breaker = config.circuitBreaker === false ? undefined : new CircuitBreaker(config.circuitBreaker);
    this.#monitorTimer = setInterval(() => void this.#sampleAll(), config.monitorIntervalMs);
    this.#monitorTimer.unref();
  }

  /**
   * Creates a pool and resolves once `minPoolSize` workers are ready. Rejects with
   * ConfigurationError for bad options and WorkerStartError when a worker cannot start.
   */
  static async start(service: ServiceDescriptor, options: PoolConfig): Promise<ProcessPool> {
    if (!isMainThread) {
      // The parent-death signal follows the thread that spawned the worker: spawned from a
      // worker thread, workers would be killed when that thread ends, not when the process does.
      throw new ConfigurationError([{ field: 'ProcessPool', problem: 'cannot be created on a worker thread; create the pool on the main thread and pass results to the thread' }]);
    }
    const config = resolveConfig(options);
    let resolved: ResolvedConfig = { ...config, workerModule: resolvePath(config.workerModule), workerEntry: resolvePath(config.workerEntry) };
    resolved = { ...resolved, execArgv: [...typeStrippingArgs(resolved), ...resolved.execArgv] };
    const ceiling = await platform.workerMemoryCeilingBytes?.(resolved.workerExecutable);
    if (ceiling !== undefined && resolved.maxMemoryMB * MIB > ceiling) {
      // A 32-bit worker fails its allocations long before a 64-bit threshold: recycle it first.
      const capped = Math.floor(ceiling / MIB);
      resolved.logger.info(`maxMemoryMB ${resolved.maxMemoryMB} is past what workerExecutable "${resolved.workerExecutable}" can address; using ${capped}`);
      resolved = { ...resolved, maxMemoryMB: capped };
    }
    const pool = new ProcessPool(service, resolved, await platform.createPipeHome(resolved.pipeNamePrefix));
    try {
      await Promise.all(Array.from({ length: resolved.minPoolSize }, () => pool.#spawn()));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /**
   * Runs one method call on a worker. Arguments are validated here, in the caller; the result is
   * validated when it comes back. Generated clients call this; the runtime knows no interface.
   */
  call<T>(method: MethodDescriptor, args: unknown[], options?: CallOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#state !== 'open') {
        reject(new PoolClosedError(method.name, this.#state === 'draining' ? 'the pool is closing' : 'the pool is closed'));
        return;
      }
      checkArguments(method, args);
      const signal = options?.signal;
      if (signal?.aborted) {
        reject(new CallAbortedError(method.name, false, signal.reason));
        return;
      }
      if (this.#breaker !== undefined && this.#breaker.decide() === 'reject') {
        reject(this.#circuitOpenError(method.name));
        return;
      }
      this.#totals.calls++;
      const call = new PendingCall(method, args, resolve as (value: unknown) => void, reject);
      if (signal !== undefined) call.watch(signal, () => this.#abort(call, signal.reason));
      const worker = this.#idleWorker();
      if (worker !== undefined) {
        worker.run(call);
        // Keep a spare ready behind the worker that just became busy.
        if (this.config.spareWorkers > 0 && this.#idleWorker() === undefined) this.#growSoon();
        return;
      }
      if (this.#queueLength >= this.config.maxQueueLength) {
        call.settle(new QueueFullError(method.name, this.config.maxQueueLength));
        return;
      }
      this.#queue.push(call);
      this.#grow();
    });
  }

  /** A snapshot of every worker and the queue. */
  stats(): PoolStats {
    const now = Date.now();
    const workers: WorkerStats[] = [];
    let running = 0;
    for (const w of this.#workers) {
      if (w.current !== undefined) running++;
      workers.push({ workerId: w.workerId, pid: w.pid, state: w.state, callsServed: w.callsServed, uptimeMs: now - w.startedAt, lastHealth: w.lastHealth, resources: w.lastSample });
    }
    return { workers, queued: this.#queueLength, running, circuit: this.#breaker?.state ?? 'closed', totals: { ...this.#totals } };
  }

  /**
   * Stops taking calls, lets queued and running calls finish, then stops every worker (shutdown
   * message, SIGTERM after shutdownGraceMs, SIGKILL after another). Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #close(): Promise<void> {
    this.#state = 'draining';
    if (this.#queueLength > 0 || [...this.#workers].some((w) => w.current !== undefined)) {
      await new Promise<void>((resolve) => { this.#drained = resolve; });
    }
    this.#state = 'closed';
    clearTimeout(this.#restartTimer);
    clearInterval(this.#monitorTimer);
    for (const timer of this.#lifetimeTimers.values()) clearTimeout(timer);
    this.#lifetimeTimers.clear();
    await Promise.all([...this.#workers].map((w) => w.stop('shutdown')));
    this.#isolation.close();
    await platform.removePipeHome(this.#pipeHome);
  }

  // ---- scheduling -----------------------------------------------------------------------------

  get #queueLength(): number {
    return this.#queue.length - this.#queueHead;
  }

  #dequeue(): PendingCall | undefined {
    while (this.#queueHead < this.#queue.length) {
      const call = this.#queue[this.#queueHead]!;
      this.#queue[this.#queueHead++] = undefined as unknown as PendingCall;
      if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
        this.#queue.splice(0, this.#queueHead);
        this.#queueHead = 0;
      }
      if (!call.settled) return call;
    }
    return undefined;
  }

  #idleWorker(): WorkerProcess | undefined {
    for (const w of this.#workers) {
      if (w.state === 'idle' && w.retireAfterCall === undefined) return w;
    }
    return undefined;
  }

  /** Hands queued calls to idle workers, oldest call first. */
  #pump(): void {
    while (this.#queueLength > 0) {
      const worker = this.#idleWorker();
      if (worker === undefined) break;
      const call = this.#dequeue();
      if (call === undefined) break;
      worker.run(call);
    }
    this.#checkDrained();
  }

  /** Workers that count toward the pool's size: alive and not on their way out. */
  #liveCount(except?: WorkerProcess): { live: number; busy: number } {
    let live = 0;
    let busy = 0;
    for (const w of this.#workers) {
      if (w === except || w.state === 'exited' || w.state === 'stopping' || w.retireAfterCall !== undefined) continue;
      live++;
      if (w.state === 'busy') busy++;
    }
    return { live, busy };
  }

  /**
   * Starts workers up to what is wanted, never past maxPoolSize: one per busy worker and per
   * queued call, plus spareWorkers idle ones ready to take the next call at once (so a crash or
   * a timeout never makes the next caller wait for a process to start), and at least minPoolSize.
   */
  #grow(): void {
    if (this.#state === 'closed' || this.#restartTimer !== undefined) return;
    if (this.#breaker !== undefined && !this.#breaker.allowsSpawning) return;
    const counts = this.#liveCount();
    const { busy } = counts;
    let { live } = counts;
    const spare = this.#state === 'open' ? this.config.spareWorkers : 0;
    const floor = this.#state === 'open' ? this.config.minPoolSize : 0;
    const wanted = Math.min(this.config.maxPoolSize, Math.max(floor, busy + this.#queueLength + spare));
    for (; live < wanted; live++) {
      this.#spawn().catch(() => { /* reported through #onStartFailed */ });
    }
  }

  #abort(call: PendingCall, reason: unknown): void {
    if (call.settled) return;
    this.#totals.aborted++;
    const worker = call.runningOn;
    call.settle(new CallAbortedError(call.method.name, worker !== undefined, reason));
    // A running call cannot be interrupted: only killing its worker stops it.
    worker?.kill('cancelled');
    this.#checkDrained();
  }

  #circuitOpenError(method: string): CircuitOpenError {
    const b = this.#breaker!;
    return new CircuitOpenError({ method, failures: b.options.failures, windowMs: b.options.windowMs, retryAt: b.retryAt, lastFailure: b.lastFailure, stderrTail: b.lastStderr });
  }

  /** A worker died with a call it had been sent: retry it if the method is idempotent, else fail it. */
  #onLost(worker: WorkerProcess, call: PendingCall, error: WorkerCrashedError): void {
    // Count the crash before deciding: the one that opens the breaker must not be retried.
    this.#recordCrash(worker, error.signal !== null ? `died of ${error.signal}` : `exited with code ${error.exitCode}`);
    const mayRetry = call.method.idempotent === true && call.attempts <= this.config.maxRetries
      && this.#state !== 'closed' && (this.#breaker === undefined || this.#breaker.state === 'closed');
    if (!mayRetry) {
      call.settle(error);
      return;
    }
    this.#totals.retries++;
    this.config.logger.warn(`retrying "${call.method.name}" (@idempotent) on another worker: ${error.message}`);
    this.emit('retry', { method: call.method.name, attempt: call.attempts + 1, workerId: worker.workerId, pid: worker.pid });
    // First in line: it was the oldest call when it was sent.
    if (this.#queueHead > 0) this.#queue[--this.#queueHead] = call;
    else this.#queue.unshift(call);
  }

  /**
   * #grow, once the current callbacks are done. spawn() blocks the event loop for a few
   * milliseconds; deferred, it does not sit between a crash and the caller's next call (which
   * the spare worker takes at once), nor between a call and its reply.
   */
  #growSoon(): void {
    if (this.#growScheduled) return;
    this.#growScheduled = true;
    setImmediate(() => {
      this.#growScheduled = false;
      this.#grow();
    });
  }

  /** Spawns a worker; the promise settles when it is ready or has failed to start. */
  #spawn(): Promise<void> {
    const worker = new WorkerProcess(this.#nextWorkerId++, { pipeHome: this.#pipeHome, isolation: this.#isolation }, this.config, this.service, {
      idle: (w) => this.#onIdle(w),
      lost: (w, call, error) => this.#onLost(w, call, error),
      exited: (w, info) => this.#onExited(w, info),
      timeout: (w, method, timeoutMs) => {
        this.#totals.timeouts++;
        this.config.logger.warn(`"${method}" timed out after ${timeoutMs} ms on ${w.label}; killing it`);
        this.emit('timeout', { workerId: w.workerId, pid: w.pid, method, timeoutMs });
      },
    });
    this.#workers.add(worker);
    this.#totals.workersStarted++;
    const started = worker.start();
    this.emit('workerStart', { workerId: worker.workerId, pid: worker.pid });
    started.then(() => this.#onReady(worker), (error: unknown) => this.#onStartFailed(worker, error as WorkerStartError));
    return started;
  }

  #onReady(worker: WorkerProcess): void {
    this.#failedStartsInARow = 0;
    this.config.logger.debug(`${worker.label} is ready`);
    this.emit('workerReady', { workerId: worker.workerId, pid: worker.pid });
    const timer = setTimeout(() => this.#recycle(worker, 'lifetime'), worker.limits.lifetimeMs);
    timer.unref();
    this.#lifetimeTimers.set(worker, timer);
    if (this.#state === 'closed') return;
    this.#pump();
  }

  #onStartFailed(worker: WorkerProcess, error: WorkerStartError): void {
    this.config.logger.error(error.message, { workerId: worker.workerId });
    this.emit('workerStartFailed', { workerId: worker.workerId, error });
    // With no worker left to run them, queued calls would wait forever: fail them with the reason.
    if (this.#liveCount(worker).live === 0) {
      for (let call = this.#dequeue(); call !== undefined; call = this.#dequeue()) call.settle(error);
      this.#checkDrained();
    }
  }

  #onIdle(worker: WorkerProcess): void {
    if (this.#breaker !== undefined && this.#breaker.state !== 'closed' && this.#breaker.success()) {
      this.config.logger.warn('a probe call succeeded: workers start again');
      this.emit('circuitClose');
    }
    if (worker.retireAfterCall === undefined && worker.lastCallThrew && this.config.recycleOnError) {
      this.#recycle(worker, 'error');
    } else if (worker.retireAfterCall === undefined && worker.callsServed >= worker.limits.calls) {
      this.#recycle(worker, 'calls');
    } else if (worker.retireAfterCall !== undefined) {
      void worker.stop('recycle');
    }
    this.#pump();
  }

  #recycle(worker: WorkerProcess, reason: RecycleReason, trigger?: LimitCrossed): void {
    if (worker.retireAfterCall !== undefined || worker.state === 'stopping' || worker.state === 'exited') return;
    worker.retireAfterCall = reason;
    this.#totals.recycles++;
    const why = trigger !== undefined ? `${trigger.what} ${trigger.measured} over its threshold of ${trigger.limit}`
      : reason === 'calls' ? `served ${worker.callsServed} calls`
      : reason === 'error' ? 'its implementation threw (recycleOnError)' : 'reached its lifetime';
    this.config.logger.info(`recycling ${worker.label}: ${why}`, { workerId: worker.workerId, pid: worker.pid, reason });
    this.emit('recycle', { workerId: worker.workerId, pid: worker.pid, reason, callsServed: worker.callsServed, uptimeMs: Date.now() - worker.startedAt, trigger, sample: worker.lastSample });
    // The replacement starts first; the old worker takes no more calls and leaves once its
    // current call is done. (A retiring worker that went on serving until its replacement was
    // ready would never stall the queue, but could serve far past the threshold, which is what
    // recycling exists to prevent.)
    this.#grow();
    if (worker.state === 'idle') void worker.stop('recycle');
  }

  #onExited(worker: WorkerProcess, info: { reason: ExitReason; exitCode: number | null; signal: NodeJS.Signals | null }): void {
    this.#workers.delete(worker);
    clearTimeout(this.#lifetimeTimers.get(worker));
    this.#lifetimeTimers.delete(worker);
    if (info.reason === 'crash' || info.reason === 'protocol') this.#totals.crashes++;
    if (info.reason === 'start-failed') this.#failedStartsInARow++;
    if (info.reason === 'crash' || info.reason === 'protocol' || info.reason === 'start-failed') {
      this.#recordCrash(worker, info.reason === 'start-failed' ? 'could not start' : info.signal ? `died of ${info.signal}` : `exited with code ${info.exitCode}`);
    }
    const level = info.reason === 'crash' || info.reason === 'protocol' ? 'warn' : 'debug';
    this.config.logger[level](`${worker.label} exited (${info.reason}${info.signal ? `, signal ${info.signal}` : info.exitCode !== null ? `, code ${info.exitCode}` : ''})`);
    this.emit('workerExit', { workerId: worker.workerId, pid: worker.pid, ...info });
    if (this.#state === 'closed') return;
    this.#pump();
    if (info.reason === 'start-failed' && this.#failedStartsInARow > 0) {
      this.#scheduleRestart();
    } else {
      this.#growSoon();
    }
  }

  /** Feeds a worker's failure to the breaker, once per worker. */
  #recordCrash(worker: WorkerProcess, how: string): void {
    if (this.#failuresRecorded.has(worker)) return;
    this.#failuresRecorded.add(worker);
    this.#recordFailure(`${worker.label} ${how}`, worker.stderrTail);
  }

  #recordFailure(description: string, stderrTail: string): void {
    if (this.#breaker === undefined || !this.#breaker.failure(description, stderrTail)) return;
    const { failures, windowMs } = this.#breaker.options;
    this.config.logger.error(`${failures} workers failed within ${windowMs} ms (last: ${description}): no more workers start until ${this.#breaker.retryAt.toISOString()}`);
    this.emit('circuitOpen', { failures, windowMs, retryAt: this.#breaker.retryAt, lastFailure: description });
    for (let call = this.#dequeue(); call !== undefined; call = this.#dequeue()) call.settle(this.#circuitOpenError(call.method.name));
    this.#checkDrained();
  }

  /**
   * Measures every worker from outside (so a hung worker is measured too), reports it, and
   * recycles those over a threshold. A busy one finishes its call first.
   */
  async #sampleAll(): Promise<void> {
    if (this.#sampling || this.#state === 'closed') return;
    this.#sampling = true;
    try {
      const workers = [...this.#workers].filter((w) => w.pid !== undefined && (w.state === 'idle' || w.state === 'busy'));
      const samples = await Promise.all(workers.map((w) => platform.sampleResources(w.pid!).catch(() => undefined)));
      workers.forEach((worker, i) => {
        const sample = samples[i];
        if (sample === undefined || worker.state === 'exited') return;
        worker.lastSample = sample;
        this.emit('health', { workerId: worker.workerId, pid: worker.pid, ...sample, callCount: worker.callsServed, heapUsedBytes: worker.lastHealth?.heapUsedBytes ?? null });
        const crossed = limitCrossed(sample, worker.limits);
        if (crossed !== undefined) this.#recycle(worker, crossed.reason, crossed);
      });
    } finally {
      this.#sampling = false;
    }
  }

  /** After failed starts, wait (doubling) before trying again, so a broken worker is not respawned in a tight loop. */
  #scheduleRestart(): void {
    if (this.#restartTimer !== undefined) return;
    const delay = Math.min(RESTART_BACKOFF_MAX_MS, RESTART_BACKOFF_MIN_MS * 2 ** (this.#failedStartsInARow - 1));
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      this.#grow();
    }, delay);
    this.#restartTimer.unref();
  }

  #checkDrained(): void {
    if (this.#drained === undefined || this.#queueLength > 0) return;
    for (const w of this.#workers) if (w.current !== undefined) return;
    const done = this.#drained;
    this.#drained = undefined;
    done();
  }
}
