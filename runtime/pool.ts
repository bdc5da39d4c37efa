/**
 * ProcessPool: workers and the rules that keep every call settled exactly once. It composes the
 * parts that each keep one rule:
 *
 * - CallQueue (call-queue.ts): calls waiting for a worker, highest priority first (waiting
 *   raises a call's priority, so none starves), oldest first within one; an aborted call leaves
 *   it at once; a retried one goes back to the front.
 * - FailurePolicy (failure-policy.ts): the circuit breaker (circuit-breaker.ts), which fails
 *   calls fast when most calls fail, never because a few inputs are poison; failing calls at once
 *   while no worker can start; retrying an @idempotent call whose worker died.
 * - StartGovernor (start-governor.ts): workers that cannot start are retried with backoff, a
 *   few at a time, and calls fail fast while none can start.
 * - Recycler (recycler.ts): when a worker is retired (calls served, lifetime, resources).
 * - IdleReaper (idle-reaper.ts): which workers that served no call for idleTimeoutMs are stopped.
 *
 * What stays here: prestarting minPoolSize workers and growing to maxPoolSize while calls wait,
 * with spareWorkers ready; one call per worker at a time; never sending a call twice (if its
 * worker dies, the caller gets WorkerCrashedError, CallTimeoutError or ProtocolError, and only an
 * @idempotent method is tried again, as the failure policy says); recycling by starting the
 * replacement first and retiring the old worker once its call is done. With overlappedRecycle
 * (the default) the replacement, a successor, starts when the old worker is near its threshold
 * and waits on standby, taking no call, until the old worker is due or gone: a recycle never
 * makes a call wait for a start.
 * A lease (lease.ts) holds one worker for a sequence of calls; its acquisition waits in the
 * queue like a call, and recycling a leased worker waits for the lease's end.
 */
import { EventEmitter } from 'node:events';
import type { PoolConfig, ResolvedConfig } from './config.js';
import { CallAbortedError, CallTimeoutError, PoolClosedError, QueueFullError, type WorkerStartError } from './errors.js';
import { platform } from './platform/index.js';
import type { PoolIsolation } from './platform/platform.js';
import { checkArguments, type MethodDescriptor, type ServiceDescriptor } from './service.js';
import type { LimitCrossed, RecycleReason } from './recycle-policy.js';
import { PendingCall, type CallOptions } from './call.js';
import { CallQueue, callPriority } from './call-queue.js';
import { FailurePolicy } from './failure-policy.js';
import { CallTimings } from './call-timings.js';
import { Recycler } from './recycler.js';
import { IdleReaper } from './idle-reaper.js';
import type { WarmUp } from './warm-up.js';
import { setUpPool } from './pool-setup.js';
import { StartGovernor } from './start-governor.js';
import { RemoteStream, type StreamHost } from './stream.js';
import { WorkerProcess, type ExitReason } from './worker-process.js';
import type { Confinement, PoolConfinement } from './confine/index.js';
import { admitTraced, POOL_CHANNELS, queueFullChannel, type CallOrigin } from './diagnostics.js';
import { Lease, LEASE_BEGIN, resolveLeaseOptions, type LeaseEndReason, type LeaseOptions } from './lease.js';

export type { RecycleReason } from './recycle-policy.js';
export type { HealthReport, PoolEvents, PoolStats, WorkerStats } from './pool-reports.js';
import type { PoolEvents, PoolStats, WorkerStats } from './pool-reports.js';


type PoolState = 'open' | 'draining' | 'closed';

/** How long #growSoon waits before it starts workers: see there. */
const GROW_DELAY_MS = 2;

export class ProcessPool extends EventEmitter<PoolEvents> {
  static #lastId = 0;
  /** Unique in the process: the `poolId` of what the pool publishes on diagnostics_channel (diagnostics.ts). */
  readonly id = ++ProcessPool.#lastId;
  readonly service: ServiceDescriptor;
  readonly config: ResolvedConfig;
  readonly #pipeHome: string | undefined;
  readonly #isolation: PoolIsolation;
  readonly #confinement: PoolConfinement | undefined;
  readonly #warmUp: WarmUp | undefined;
  readonly #workers = new Set<WorkerProcess>();
  readonly #queue = new CallQueue();
  readonly #failures: FailurePolicy;
  readonly #starts: StartGovernor;
  readonly #recycler: Recycler;
  readonly #leases = new Set<Lease>();
  readonly #idle: IdleReaper;
  /** Streams admitted whose call has not settled yet, queued or running: close() may have to end them. */
  readonly #streams = new Set<PendingCall>();
  readonly #streamHost: StreamHost;
  #nextWorkerId = 1;
  #state: PoolState = 'open';
  #closing: Promise<void> | undefined;
  #drained: (() => void) | undefined;
  /** create(): settles once minPoolSize workers are ready, or on the first start failure. */
  #startup: { resolve: () => void; reject: (error: WorkerStartError) => void } | undefined;
  #startTimer: NodeJS.Timeout | undefined;
  #growScheduled = false;
  /** Workers a #growSoon was asked for at least (a spare behind a worker that became busy), until #grow runs. */
  #demand = 0;
  readonly #timings = new CallTimings();
  readonly #origin: CallOrigin;
  readonly #totals = { calls: 0, workersStarted: 0, crashes: 0, timeouts: 0, recycles: 0, retries: 0, aborted: 0 };

  private constructor(service: ServiceDescriptor, config: ResolvedConfig, isolation: PoolIsolation, pipeHome: string | undefined, confinement: PoolConfinement | undefined, warmUp: WarmUp | undefined) {
    super();
    this.#confinement = confinement;
    this.#warmUp = warmUp;
    this.service = service;
    this.config = config;
    this.#origin = { poolId: this.id, service: service.name };
    this.#pipeHome = pipeHome;
    this.#isolation = isolation;
    this.#starts = new StartGovernor(config.maxConcurrentStarts);
    this.#failures = new FailurePolicy({
      config,
      starts: this.#starts,
      live: () => this.#liveCount().live,
      closed: () => this.#state === 'closed',
      circuitClosed: () => {
        this.#tell('circuitClose');
        this.#growSoon();
      },
      circuitOpened: (trip) => {
        this.#tell('circuitOpen', { failures: trip.failures, calls: trip.calls, windowMs: trip.windowMs, retryAt: trip.retryAt, lastFailure: trip.lastFailure });
        for (const call of this.#queue.drain()) call.settle(this.#failures.circuitOpenError(call.method.name));
        this.#checkDrained();
      },
      retry: (call, worker) => {
        this.#totals.retries++;
        this.emit('retry', { method: call.method.name, attempt: call.attempts + 1, workerId: worker.workerId, pid: worker.pid });
        // First in line: it was the oldest call when it was sent.
        this.#queue.pushFront(call);
      },
    });
    this.#recycler = new Recycler(config, {
      workers: () => this.#workers,
      recycle: (worker, reason, trigger) => this.#recycle(worker, reason, trigger),
      near: (worker) => this.#onNear(worker),
      measured: (worker, sample) => {
        this.emit('health', { workerId: worker.workerId, pid: worker.pid, ...sample, callCount: worker.callsServed, heapUsedBytes: worker.lastHealth?.heapUsedBytes ?? null });
      },
    });
    this.#idle = new IdleReaper(config, {
      workers: () => this.#workers,
      counts: countsTowardSize,
      queued: () => this.#queue.length,
      calls: () => this.#totals.calls,
      retire: (worker, idleMs) => this.#retireIdle(worker, idleMs),
    });
    this.#streamHost = {
      highWaterMark: config.streamHighWaterMark,
      stopGraceMs: config.shutdownGraceMs,
      settled: this.#onSettled,
      submit: (call, priority) => {
        this.#streams.add(call);
        admitTraced(call, this.#origin, () => this.#admit(call, { priority }));
      },
      withdraw: (call) => {
        this.#queue.remove(call);
        this.#checkDrained();
      },
      aborted: () => { this.#totals.aborted++; },
    };
  }

  /**
   * Creates a pool and resolves once `minPoolSize` workers are ready (warmed up, with `warmUp`).
   * Rejects with ConfigurationError for bad options and WorkerStartError when a worker cannot start.
   */
  static async start(service: ServiceDescriptor, options: PoolConfig): Promise<ProcessPool> {
    const { config, isolation, pipeHome, confinement, warmUp } = await setUpPool(service, options);
    const pool = new ProcessPool(service, config, isolation, pipeHome, confinement, warmUp);
    try {
      await pool.#prestart();
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
      const call = new PendingCall(method, args, resolve as (value: unknown) => void, reject, this.#onSettled);
      admitTraced(call, this.#origin, () => this.#admit(call, options));
    });
  }

  /**
   * Holds one worker for a sequence of calls: the lease's calls run on it, in order, and it takes
   * no other call until the lease is released (lease.ts). Waits for a worker as a call does
   * (FIFO with calls). Generated clients wrap the lease in a typed object (`client.lease()`).
   */
  lease(options?: LeaseOptions): Promise<Lease> {
    return new Promise<Lease>((resolve, reject) => {
      const limits = resolveLeaseOptions(options, this.config);
      // Waiting for a worker is bounded; once on one, beginning is bounded as a call is.
      const timer = setTimeout(() => {
        if (this.#queue.remove(begin)) begin.settle(new CallTimeoutError({ method: LEASE_BEGIN.name, timeoutMs: limits.timeoutMs, worker: undefined }));
      }, limits.timeoutMs);
      timer.unref();
      const begin: PendingCall = new PendingCall(LEASE_BEGIN, [limits.newInstance], (fresh) => {
        clearTimeout(timer);
        resolve(this.#grant(begin.lastWorker as WorkerProcess, limits, fresh === true));
      }, (error) => {
        clearTimeout(timer);
        reject(error);
      }, this.#onSettled);
      begin.kind = 'lease-begin';
      admitTraced(begin, this.#origin, () => this.#admit(begin, options));
    });
  }

  /**
   * Runs one call of a method that streams its result (`stream: true`): the worker sends items as
   * the implementation yields them, at most streamHighWaterMark ahead of the consumer, and each
   * is validated as it arrives. The call starts at the first next(); `break` (return()) or the
   * signal stops the implementation's iterator in the worker, which then serves on. Generated
   * clients call this (runtime/stream.ts).
   */
  stream<T>(method: MethodDescriptor, args: unknown[], options?: CallOptions): AsyncIterable<T> {
    return new RemoteStream<T>(method, args, options?.signal, this.#streamHost, options?.priority);
  }

  /**
   * Takes a call (or a stream's) in: runs it on an idle worker or queues it, or settles it at once
   * (pool closed, aborted, breaker open, no worker can start, queue full). Throws ValidationError
   * for bad arguments (admitTraced settles the call with it).
   */
  #admit(call: PendingCall, options: { readonly signal?: AbortSignal | undefined; readonly priority?: number | undefined } | undefined): void {
    const { method } = call;
    if (this.#state !== 'open') {
      call.settle(new PoolClosedError(method.name, this.#state === 'draining' ? 'the pool is closing' : 'the pool is closed'));
      return;
    }
    checkArguments(method, call.args);
    call.priority = callPriority(method, options);
    const signal = options?.signal;
    if (signal?.aborted) {
      call.settle(new CallAbortedError(method.name, false, signal.reason));
      return;
    }
    const refused = this.#failures.refuse(call);
    if (refused !== undefined) {
      call.settle(refused);
      return;
    }
    // The start of a lease is no call of the interface: the totals count the lease's own calls.
    if (call.kind === 'call') this.#totals.calls++;
    const cannotStart = this.#failures.cannotStart(method.name);
    if (cannotStart !== undefined) {
      call.settle(cannotStart);
      return;
    }
    if (signal !== undefined) call.watch(signal, () => this.#abort(call, signal.reason));
    const worker = this.#idleWorker();
    if (worker !== undefined) {
      worker.run(call);
      // Keep a spare ready behind the worker that just became busy, where the pool has room for one
      // (at maxPoolSize this would schedule a #grow for nothing on every call).
      if (this.config.spareWorkers > 0 && this.#idleWorker() === undefined) {
        const { live } = this.#liveCount();
        // Counted now: by the time #grow runs, this call may be done, and its worker idle again.
        if (live < this.config.maxPoolSize) this.#growSoon(live + 1);
      }
      return;
    }
    if (this.#queue.length >= this.config.maxQueueLength) {
      if (queueFullChannel.hasSubscribers) queueFullChannel.publish({ ...this.#origin, method: call.method.name, maxQueueLength: this.config.maxQueueLength });
      call.settle(new QueueFullError(call.method.name, this.config.maxQueueLength));
      return;
    }
    this.#queue.push(call);
    this.#grow();
  }

  /** A worker answered the start of a lease: from now on it is the lease's. */
  #grant(worker: WorkerProcess, limits: { maxLeaseMs: number | undefined; idleTimeoutMs: number | undefined }, freshInstance: boolean): Lease {
    const lease = new Lease(worker, {
      accepted: () => { this.#totals.calls++; },
      settled: this.#onSettled,
      origin: this.#origin,
      ended: (l, reason, lost) => this.#onLeaseEnded(worker, l, reason, lost),
      warn: (message) => this.config.logger.warn(message),
      aborted: () => { this.#totals.aborted++; },
      streams: {
        highWaterMark: this.config.streamHighWaterMark,
        stopGraceMs: this.config.shutdownGraceMs,
        track: (call) => { this.#streams.add(call); },
      },
    }, limits, freshInstance);
    this.#leases.add(lease);
    // Granted as close() began: over at once, its calls fail with LeaseLostError.
    if (this.#state !== 'open') void lease.close();
    this.config.logger.debug(`lease ${lease.leaseId} holds ${worker.label}`);
    this.emit('leaseAcquired', { leaseId: lease.leaseId, workerId: worker.workerId, pid: worker.pid, freshInstance });
    return lease;
  }

  #onLeaseEnded(worker: WorkerProcess, lease: Lease, reason: LeaseEndReason, lost: boolean): void {
    this.#leases.delete(lease);
    const heldMs = Date.now() - lease.acquiredAt;
    if (lost) {
      this.config.logger.warn(`lease ${lease.leaseId} was lost: ${worker.label} exited (${worker.exitInfo?.reason ?? 'crash'}); its later calls fail with LeaseLostError`);
      this.emit('leaseLost', { leaseId: lease.leaseId, workerId: worker.workerId, pid: worker.pid, reason: worker.exitInfo?.reason ?? 'crash', calls: lease.calls, heldMs });
    } else {
      this.config.logger.debug(`lease ${lease.leaseId} on ${worker.label} ended (${reason})`);
      this.emit('leaseReleased', { leaseId: lease.leaseId, workerId: worker.workerId, pid: worker.pid, reason, calls: lease.calls, heldMs });
    }
  }

  /** A snapshot of every worker and the queue. */
  stats(): PoolStats {
    const now = Date.now();
    const workers: WorkerStats[] = [];
    let running = 0;
    let bufferedItems = 0;
    for (const call of this.#streams) bufferedItems += call.stream!.buffered;
    for (const w of this.#workers) {
      if (w.current !== undefined) running++;
      const lease = w.lease instanceof Lease ? w.lease : undefined;
      workers.push({ workerId: w.workerId, pid: w.pid, state: lease !== undefined && w.state === 'busy' ? 'leased' : w.state, leaseId: lease?.leaseId, callsServed: w.callsServed, uptimeMs: now - w.startedAt, startMs: w.startMs, lastHealth: w.lastHealth, resources: w.lastSample, standby: isStandby(w), inspectorUrl: w.inspectorUrl });
    }
    return {
      workers, queued: this.#queue.length, running, bufferedItems,
      circuit: this.#failures.breaker?.state ?? 'closed', callWindow: this.#failures.breaker?.window() ?? { calls: 0, failures: 0 },
      totals: { ...this.#totals },
      methods: this.#timings.snapshot(),
      confinement: this.confinement,
    };
  }

  /**
   * Starts the latency histograms of stats().methods afresh: a lifetime p99 never recovers from
   * one bad hour, so a dashboard reads and resets them each interval. The totals are lifetime
   * counters and stay.
   */
  resetStats(): void {
    this.#timings.reset();
  }

  /**
   * With `confine`: what every worker of this pool enforces on itself (the Landlock ABI, seccomp,
   * and each knob 'enforced', 'allowed' or, under onUnsupported 'warn', 'unenforced'); a worker
   * that reports less in its handshake is refused. undefined without `confine`.
   */
  get confinement(): Confinement | undefined {
    return this.#confinement?.expected;
  }

  /**
   * Stops taking calls, lets queued and running calls finish, then stops every worker (shutdown
   * message, SIGTERM after shutdownGraceMs, SIGKILL after another). Streams get shutdownGraceMs
   * to be read to their end; those still running then are stopped, and their consumers get the
   * items that arrived, then PoolClosedError. Idempotent.
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
    // Waiting leases are refused; held ones end once the calls made on them are done.
    for (const call of this.#queue.takeWhere((c) => c.kind === 'lease-begin')) call.settle(new PoolClosedError(call.method.name, 'the pool is closing'));
    for (const lease of this.#leases) void lease.close();
    if (this.#queue.length > 0 || [...this.#workers].some((w) => w.current !== undefined || w.lease !== undefined)) {
      // A consumer that stopped reading (without return()) would hold close() forever: a stream
      // has shutdownGraceMs, as a stopping worker does, and is then ended (docs/streams.md).
      const cutoff = this.#streams.size === 0 ? undefined : setTimeout(() => this.#endStreams(), this.config.shutdownGraceMs);
      await new Promise<void>((resolve) => { this.#drained = resolve; });
      clearTimeout(cutoff);
    }
    this.#state = 'closed';
    clearTimeout(this.#startTimer);
    this.#recycler.close();
    this.#idle.close();
    await Promise.all([...this.#workers].map((w) => w.stop('shutdown')));
    // On Linux this lets go of the spawner, which exits a few milliseconds later when this was its
    // last pool (its workers and their trees are gone already). Not awaited: nothing holds the
    // event loop open for it, and an application whose last act is close() must still exit.
    void Promise.resolve(this.#isolation.close()).catch(() => {});
    await platform.removePipeHome(this.#pipeHome);
  }

  /** close() has waited shutdownGraceMs: streams still running are stopped, and those still queued never start. */
  #endStreams(): void {
    const grace = this.config.shutdownGraceMs;
    for (const call of [...this.#streams]) {
      call.stream!.cut(call.runningOn === undefined
        ? new PoolClosedError(call.method.name, `the pool closed, and no worker took the stream within shutdownGraceMs (${grace} ms)`)
        : new PoolClosedError(call.method.name, `the pool closed, and the stream was not read to its end within shutdownGraceMs (${grace} ms); the items that had arrived were delivered`, true));
    }
  }

  // ---- scheduling -----------------------------------------------------------------------------

  #idleWorker(): WorkerProcess | undefined {
    for (const w of this.#workers) {
      if (w.state === 'idle' && !isStandby(w)) return w;
    }
    return undefined;
  }

  /** Hands queued calls to idle workers, in the queue's order. */
  #pump(): void {
    while (this.#queue.length > 0) {
      const worker = this.#idleWorker();
      if (worker === undefined) break;
      worker.run(this.#queue.shift()!);
    }
    this.#checkDrained();
  }

  /** Workers that count toward the pool's size: starting or serving, not on their way out, not on standby. */
  #liveCount(except?: WorkerProcess): { live: number; busy: number } {
    let live = 0;
    let busy = 0;
    for (const w of this.#workers) {
      if (w === except || !countsTowardSize(w)) continue;
      live++;
      // A leased worker is as good as busy: it takes no call from the queue.
      if (w.state === 'busy' || w.state === 'leased') busy++;
    }
    return { live, busy };
  }

  /**
   * Starts workers up to what is wanted, never past maxPoolSize: one per busy worker and per
   * queued call, plus spareWorkers idle ones ready to take the next call at once (so a crash or
   * a timeout never makes the next caller wait for a process to start; not once the pool has
   * been quiet for idleTimeoutMs, see idle-reaper.ts), and at least minPoolSize.
   * The start governor says how many may start now; the rest follow as starts finish, or when a
   * failed start's backoff is over.
   */
  #grow(): void {
    if (this.#state === 'closed' || this.#startTimer !== undefined) return;
    const breaker = this.#failures.breaker;
    if (breaker !== undefined && !breaker.allowsSpawning) return;
    const counts = this.#liveCount();
    const { busy } = counts;
    let { live } = counts;
    const spare = this.#state === 'open' && (busy + this.#queue.length > 0 || !this.#idle.quiet()) ? this.config.spareWorkers : 0;
    const floor = this.#state === 'open' ? this.config.minPoolSize : 0;
    const wanted = Math.min(this.config.maxPoolSize, Math.max(floor, busy + this.#queue.length + spare, this.#state === 'open' ? this.#demand : 0));
    this.#demand = 0;
    let slots = this.#starts.slots();
    for (; live < wanted && slots > 0; live++, slots--) this.#spawn();
    // Successors of workers near or past a recycle threshold, over maxPoolSize if need be.
    let successorsWanted = false;
    if (this.#state === 'open') {
      for (const w of this.#workers) {
        if ((!w.near && w.due === undefined) || w.successor !== undefined || !inService(w)) continue;
        if (slots === 0) {
          successorsWanted = true;
          break;
        }
        this.#spawn(w);
        slots--;
      }
    }
    // Starts wanted and none possible: look again after the backoff (the governor says when; CI
    // once saw a pool that set no timer here stop starting workers for good).
    const retryMs = (live < wanted || successorsWanted) && slots === 0 ? this.#starts.retryDelayMs() : undefined;
    if (retryMs !== undefined) {
      this.#startTimer = setTimeout(() => {
        this.#startTimer = undefined;
        this.#grow();
      }, retryMs);
      this.#startTimer.unref();
    }
  }

  /**
   * #grow, a moment later. Starting a worker costs the application's thread about half a
   * millisecond (the pipe's listener, the message to the spawner); run at once, or on the next
   * tick, it would sit between a crash and the reply to the caller's next call (which a spare
   * takes at once), or between the call that made the last idle worker busy and its reply.
   * GROW_DELAY_MS lets such a reply come first; a start takes tens of milliseconds anyway.
   * (Calls that wait in the queue for a worker call #grow directly.)
   */
  #growSoon(demand = 0): void {
    this.#demand = Math.max(this.#demand, demand);
    if (this.#growScheduled) return;
    this.#growScheduled = true;
    // Not unref'd: a call waiting for the worker this may start must keep the application alive.
    setTimeout(() => {
      this.#growScheduled = false;
      this.#grow();
    }, GROW_DELAY_MS);
  }

  /** create(): starts minPoolSize workers and resolves once they are ready. */
  #prestart(): Promise<void> {
    if (this.config.minPoolSize === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#startup = { resolve, reject };
      this.#grow();
    });
  }

  #abort(call: PendingCall, reason: unknown): void {
    if (call.settled) return;
    this.#totals.aborted++;
    const worker = call.runningOn;
    this.#queue.remove(call);
    call.settle(new CallAbortedError(call.method.name, worker !== undefined, reason));
    // A running call cannot be interrupted: only killing its worker stops it.
    worker?.kill('cancelled');
    this.#checkDrained();
  }

  /** Emits an event that has a diagnostics channel too, and publishes it there first (diagnostics.ts). */
  #tell<K extends keyof typeof POOL_CHANNELS>(event: K, ...args: PoolEvents[K]): void {
    const published = POOL_CHANNELS[event];
    if (published.hasSubscribers) published.publish({ ...this.#origin, ...args[0] });
    (this.emit as (event: K, ...args: PoolEvents[K]) => boolean)(event, ...args);
  }

  /**
   * Every call passes here once, as it settles: its latency is recorded if it reached a worker,
   * and the failure policy counts it. A retried @idempotent call settles once.
   */
  readonly #onSettled = (call: PendingCall, error: Error | undefined): void => {
    if (call.stream !== undefined) this.#streams.delete(call);
    if (call.attempts > 0 && call.kind === 'call') this.#timings.record(call.method, call.sentAt - call.madeAt, call.settledAt - call.sentAt);
    this.#failures.settled(call, error);
  };

  // ---- workers --------------------------------------------------------------------------------

  /**
   * Spawns a worker, on standby for `replaces` if given; the pool hears of its start through
   * #onReady or #onStartFailed.
   */
  #spawn(replaces?: WorkerProcess): void {
    const worker = new WorkerProcess(this.#nextWorkerId++, { pipeHome: this.#pipeHome, isolation: this.#isolation, confinement: this.#confinement, warmUp: this.#warmUp }, this.config, this.service, {
      spawned: (w) => this.#tell('workerStart', { workerId: w.workerId, pid: w.pid! }),
      idle: (w) => this.#onIdle(w),
      lost: (w, call, error) => this.#failures.lost(w, call, error),
      exited: (w, info) => this.#onExited(w, info),
      timeout: (w, method, timeoutMs) => {
        this.#totals.timeouts++;
        this.config.logger.warn(`"${method}" timed out after ${timeoutMs} ms on ${w.label}; killing it`);
        this.emit('timeout', { workerId: w.workerId, pid: w.pid, method, timeoutMs });
      },
    });
    if (replaces !== undefined) {
      worker.standbyFor = replaces;
      replaces.successor = worker;
      this.config.logger.debug(`starting worker ${worker.workerId} to replace ${replaces.label}, ${replaces.due === undefined ? 'which is near a recycle threshold' : `which is due for recycling (${replaces.due})`}`);
    }
    this.#workers.add(worker);
    this.#totals.workersStarted++;
    this.#starts.begin();
    worker.start().then(() => this.#onReady(worker), (error: unknown) => this.#onStartFailed(worker, error as WorkerStartError));
  }

  #onReady(worker: WorkerProcess): void {
    this.#starts.succeeded();
    const inspectorUrl = worker.inspectorUrl;
    if (inspectorUrl === undefined) {
      this.config.logger.debug(`${worker.label} is ready`);
      this.#tell('workerReady', { workerId: worker.workerId, pid: worker.pid, startMs: worker.startMs! });
    } else {
      this.config.logger.info(`${worker.label} is ready; its inspector listens on ${inspectorUrl}`, { workerId: worker.workerId, pid: worker.pid });
      this.#tell('workerReady', { workerId: worker.workerId, pid: worker.pid, startMs: worker.startMs!, inspectorUrl });
    }
    if (this.#state === 'closed') return;
    const replaces = worker.standbyFor;
    if (replaces !== undefined) {
      if (!inService(replaces)) worker.standbyFor = undefined;
      else if (replaces.due !== undefined) this.#handOver(replaces);
    }
    this.#recycler.watch(worker);
    if (this.#startup !== undefined && this.#readyCount() >= this.config.minPoolSize) {
      this.#startup.resolve();
      this.#startup = undefined;
    }
    this.#pump();
    // Starts held back by maxConcurrentStarts may go now.
    this.#grow();
  }

  #readyCount(): number {
    let ready = 0;
    for (const w of this.#workers) if (w.state === 'idle' || w.state === 'busy' || w.state === 'leased') ready++;
    return ready;
  }

  #onStartFailed(worker: WorkerProcess, error: WorkerStartError): void {
    // The worker it was to replace goes on serving; #grow tries another successor after the backoff.
    if (worker.standbyFor?.successor === worker) worker.standbyFor.successor = undefined;
    worker.standbyFor = undefined;
    if (worker.stopRequested) {
      // Stopped by close() or recycling before it was ready: an ordinary end, not a failure.
      this.#starts.cancelled();
      return;
    }
    const retryInMs = this.#starts.failed(error);
    const failuresInARow = this.#starts.failuresInARow;
    this.config.logger.error(`${error.message}${failuresInARow > 1 ? `\n(${failuresInARow} starts failed in a row)` : ''}; the next start waits ${retryInMs} ms`, { workerId: worker.workerId });
    this.emit('workerStartFailed', { workerId: worker.workerId, error, failuresInARow, retryInMs });
    if (this.#startup !== undefined) {
      this.#startup.reject(error);
      this.#startup = undefined;
    }
    // With no worker left to run them, queued calls would wait for starts that fail: fail them
    // with the reason.
    if (this.#liveCount(worker).live === 0) {
      for (const call of this.#queue.drain()) call.settle(this.#failures.cannotStart(call.method.name) ?? error);
      this.#checkDrained();
    }
    this.#grow();
  }

  #onIdle(worker: WorkerProcess): void {
    const lease = worker.lease;
    if (lease !== undefined) {
      // Recycling waits for the lease's end (recycleOnError too: the lease's state is its holder's).
      if (worker.lastCallThrew && this.config.recycleOnError) worker.deferredRecycle ??= { reason: 'error' };
      lease.free();
      return;
    }
    if (worker.state === 'idle') {
      if (worker.leaseEnded) this.#afterLease(worker);
      else this.#recycler.afterCall(worker);
    }
    this.#pump();
  }

  /** A lease ended and its worker is idle: the recycle it put off, or the usual checks. */
  #afterLease(worker: WorkerProcess): void {
    worker.leaseEnded = false;
    const deferred = worker.deferredRecycle;
    worker.deferredRecycle = undefined;
    if (deferred !== undefined) this.#recycle(worker, deferred.reason, deferred.trigger);
    else if (worker.due !== undefined && worker.successor?.state === 'idle') this.#handOver(worker);
    else this.#recycler.afterCall(worker);
  }

  /** A worker is near a recycle threshold: its successor starts (in #grow, as the start governor allows). */
  #onNear(worker: WorkerProcess): void {
    if (worker.near || !inService(worker) || this.#state !== 'open') return;
    worker.near = true;
    this.#growSoon();
  }

  /** A worker served no call for idleTimeoutMs and the pool does not need it (idle-reaper.ts). */
  #retireIdle(worker: WorkerProcess, idleMs: number): void {
    if (this.#state !== 'open' || worker.state !== 'idle') return;
    this.config.logger.info(`stopping ${worker.label}: it served no call for ${idleMs} ms (idleTimeoutMs ${this.config.idleTimeoutMs})`, { workerId: worker.workerId, pid: worker.pid });
    void worker.stop('idle');
  }

  #recycle(worker: WorkerProcess, reason: RecycleReason, trigger?: LimitCrossed): void {
    if (!inService(worker) || worker.due !== undefined) return;
    if (worker.lease !== undefined) {
      worker.deferredRecycle ??= { reason, trigger };
      return;
    }
    this.#totals.recycles++;
    const why = trigger !== undefined ? `${trigger.what} ${trigger.measured} over its threshold of ${trigger.limit}`
      : reason === 'calls' ? `served ${worker.callsServed} calls`
      : reason === 'error' ? 'its implementation threw (recycleOnError)' : 'reached its lifetime';
    this.config.logger.info(`recycling ${worker.label}: ${why}`, { workerId: worker.workerId, pid: worker.pid, reason });
    this.#tell('recycle', { workerId: worker.workerId, pid: worker.pid, reason, callsServed: worker.callsServed, uptimeMs: Date.now() - worker.startedAt, trigger, sample: worker.lastSample });
    if (this.config.overlappedRecycle && reason !== 'error' && this.#state === 'open') {
      // Overlapped: it leaves once its successor is ready, serving until then (a start never
      // makes a call wait). The successor normally started when it was near the threshold.
      worker.due = reason;
      if (worker.successor?.state === 'idle') this.#handOver(worker);
      else this.#grow();
      return;
    }
    // The old worker takes no more calls and leaves once its current call is done; its
    // replacement starts now (its successor, if one is ready, takes over at once).
    worker.retire();
    if (worker.successor !== undefined) worker.successor.standbyFor = undefined;
    this.#grow();
    this.#pump();
  }

  /** A due worker's successor is ready: the successor takes calls, the old worker finishes its call and leaves. */
  #handOver(worker: WorkerProcess): void {
    // Leased (it was due when the lease began): the successor waits for the lease's end.
    if (worker.lease !== undefined) return;
    const successor = worker.successor!;
    worker.successor = undefined;
    successor.standbyFor = undefined;
    this.config.logger.debug(`worker ${successor.workerId} takes over from ${worker.label} (${worker.due})`);
    worker.retire();
    this.#pump();
  }

  #onExited(worker: WorkerProcess, info: { reason: ExitReason; exitCode: number | null; signal: NodeJS.Signals | null }): void {
    this.#workers.delete(worker);
    // A successor takes over from a worker that is gone, however it went; a successor that is
    // gone leaves its worker to find another.
    if (worker.successor !== undefined) worker.successor.standbyFor = undefined;
    if (worker.standbyFor?.successor === worker) worker.standbyFor.successor = undefined;
    worker.successor = undefined;
    worker.standbyFor = undefined;
    this.#recycler.forget(worker);
    const how = `${info.reason}${info.signal ? `, signal ${info.signal}` : info.exitCode !== null ? `, code ${info.exitCode}` : ''}`;
    const lease = worker.lease;
    if (lease instanceof Lease) lease.workerGone(`its worker exited (${how})`);
    if (info.reason === 'crash' || info.reason === 'protocol') this.#totals.crashes++;
    const level = info.reason === 'crash' || info.reason === 'protocol' ? 'warn' : 'debug';
    this.config.logger[level](`${worker.label} exited (${how})`);
    this.#tell('workerExit', { workerId: worker.workerId, pid: worker.pid, ...info });
    if (this.#state === 'closed') return;
    this.#pump();
    // #grow asks the start governor, so a failed start is not retried before its backoff.
    this.#growSoon();
  }

  #checkDrained(): void {
    if (this.#drained === undefined || this.#queue.length > 0) return;
    for (const w of this.#workers) if (w.current !== undefined || w.lease !== undefined) return;
    const done = this.#drained;
    this.#drained = undefined;
    done();
  }
}

/** Whether a worker counts toward the pool's size: starting or serving, not on its way out, not on standby. */
function countsTowardSize(worker: WorkerProcess): boolean {
  return (worker.state === 'starting' || worker.state === 'idle' || worker.state === 'busy' || worker.state === 'leased') && !isStandby(worker);
}

/** Whether a worker serves calls (or would, when idle): not starting, not on its way out. */
function inService(worker: WorkerProcess): boolean {
  return worker.state === 'idle' || worker.state === 'busy' || worker.state === 'leased';
}

/** A successor waiting for the worker it replaces, which still serves: it takes no call. */
function isStandby(worker: WorkerProcess): boolean {
  return worker.standbyFor !== undefined && inService(worker.standbyFor);
}
