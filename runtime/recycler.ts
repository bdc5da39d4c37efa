/**
 * Decides when a worker is recycled: after a call (calls served, recycleOnError), on lifetime
 * timers (so idle workers too), and on the parent's own measurements from outside, taken every
 * monitorIntervalMs (so a hung worker is measured too). With overlappedRecycle it also says when
 * a worker is near a threshold, so that its replacement can start before it is due. How a worker
 * is recycled (replacement first, then retire) is the pool's part; this file only says when, and
 * why.
 */
import type { ResolvedConfig } from './config.js';
import { platform } from './platform/index.js';
import type { ResourceSample } from './platform/resources.js';
import { NEAR, callsPaceMs, lifetimeLeadMs, limitCrossed, type LimitCrossed, type RecycleReason } from './recycle-policy.js';
import type { WorkerProcess } from './worker-process.js';

export interface RecyclerHost {
  /** The workers to measure. */
  workers(): Iterable<WorkerProcess>;
  /** A worker is near a threshold: its replacement should start now (overlapped recycling only). */
  near(worker: WorkerProcess): void;
  /** A worker passed a threshold. */
  recycle(worker: WorkerProcess, reason: RecycleReason, trigger?: LimitCrossed): void;
  /** A fresh measurement of a worker. */
  measured(worker: WorkerProcess, sample: ResourceSample): void;
}

export class Recycler {
  readonly #config: ResolvedConfig;
  readonly #host: RecyclerHost;
  readonly #lifetimeTimers = new Map<WorkerProcess, NodeJS.Timeout[]>();
  /** Overlapped recycling: the paced near and due moments of workers that reached their calls threshold early. */
  readonly #paceTimers = new Map<WorkerProcess, { near?: NodeJS.Timeout | undefined; due?: NodeJS.Timeout | undefined }>();
  readonly #monitorTimer: NodeJS.Timeout;
  #sampling = false;
  #closed = false;

  constructor(config: ResolvedConfig, host: RecyclerHost) {
    this.#config = config;
    this.#host = host;
    this.#monitorTimer = setInterval(() => void this.#sampleAll(), config.monitorIntervalMs);
    this.#monitorTimer.unref();
  }

  /** A worker became ready: its lifetime starts counting. */
  watch(worker: WorkerProcess): void {
    const lifetimeMs = worker.limits.lifetimeMs;
    const timers = [setTimeout(() => this.#host.recycle(worker, 'lifetime'), lifetimeMs)];
    if (this.#config.overlappedRecycle) {
      timers.push(setTimeout(() => this.#host.near(worker), lifetimeMs - lifetimeLeadMs(lifetimeMs)));
      // A threshold of one call or so is near from the start.
      this.#checkCalls(worker);
    }
    for (const timer of timers) timer.unref();
    this.#lifetimeTimers.set(worker, timers);
  }

  /** A worker is gone. */
  forget(worker: WorkerProcess): void {
    for (const timer of this.#lifetimeTimers.get(worker) ?? []) clearTimeout(timer);
    this.#lifetimeTimers.delete(worker);
    const paced = this.#paceTimers.get(worker);
    clearTimeout(paced?.near);
    clearTimeout(paced?.due);
    this.#paceTimers.delete(worker);
  }

  /** A worker finished a call: it may be due, or near its call threshold. */
  afterCall(worker: WorkerProcess): void {
    if (worker.lastCallThrew && this.#config.recycleOnError) this.#host.recycle(worker, 'error');
    else if (!this.#config.overlappedRecycle) {
      if (worker.callsServed >= worker.limits.calls) this.#host.recycle(worker, 'calls');
    } else this.#checkCalls(worker);
  }

  /**
   * Overlapped recycling, calls threshold: near at 90% of it, due at it, each no sooner than the
   * pace allows (CALLS_PACE in recycle-policy.ts); a moment not yet come is set on a timer.
   */
  #checkCalls(worker: WorkerProcess): void {
    if (worker.callsServed < nearCalls(worker) || worker.readyAt === undefined) return;
    const paced = this.#paceTimers.get(worker) ?? {};
    this.#paceTimers.set(worker, paced);
    const { dueInMs, nearInMs } = callsPaceMs(worker.readyAt - worker.startedAt, Date.now() - worker.startedAt);
    // A timer may fire a millisecond early by the wall clock: each looks again when it fires.
    if (paced.near === undefined) {
      if (nearInMs <= 0) this.#host.near(worker);
      else paced.near = unref(setTimeout(() => { paced.near = undefined; this.#checkCalls(worker); }, nearInMs));
    }
    if (worker.callsServed >= worker.limits.calls && paced.due === undefined) {
      if (dueInMs <= 0) this.#host.recycle(worker, 'calls');
      else paced.due = unref(setTimeout(() => { paced.due = undefined; this.#checkCalls(worker); }, dueInMs));
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#monitorTimer);
    for (const timers of this.#lifetimeTimers.values()) for (const timer of timers) clearTimeout(timer);
    this.#lifetimeTimers.clear();
    for (const worker of [...this.#paceTimers.keys()]) this.forget(worker);
  }

  async #sampleAll(): Promise<void> {
    if (this.#sampling || this.#closed) return;
    this.#sampling = true;
    try {
      const workers = [...this.#host.workers()].filter((w) => w.pid !== undefined && (w.state === 'idle' || w.state === 'busy'));
      const samples = await Promise.all(workers.map((w) => platform.sampleResources(w.pid!).catch(() => undefined)));
      workers.forEach((worker, i) => {
        const sample = samples[i];
        if (sample === undefined || worker.state === 'exited' || this.#closed) return;
        worker.lastSample = sample;
        this.#host.measured(worker, sample);
        const crossed = limitCrossed(sample, worker.limits);
        if (crossed !== undefined) this.#host.recycle(worker, crossed.reason, crossed);
        else if (this.#config.overlappedRecycle && limitCrossed(sample, worker.limits, NEAR) !== undefined) this.#host.near(worker);
      });
    } finally {
      this.#sampling = false;
    }
  }
}

function unref(timer: NodeJS.Timeout): NodeJS.Timeout {
  timer.unref();
  return timer;
}

/** Calls after which a worker's replacement starts. */
function nearCalls(worker: WorkerProcess): number {
  return Math.floor(worker.limits.calls * NEAR);
}
