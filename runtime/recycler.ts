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
import { NEAR, lifetimeLeadMs, limitCrossed, type LimitCrossed, type RecycleReason } from './recycle-policy.js';
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
      if (worker.callsServed >= nearCalls(worker)) this.#host.near(worker);
    }
    for (const timer of timers) timer.unref();
    this.#lifetimeTimers.set(worker, timers);
  }

  /** A worker is gone. */
  forget(worker: WorkerProcess): void {
    for (const timer of this.#lifetimeTimers.get(worker) ?? []) clearTimeout(timer);
    this.#lifetimeTimers.delete(worker);
  }

  /** A worker finished a call: it may be due, or near its call threshold. */
  afterCall(worker: WorkerProcess): void {
    if (worker.lastCallThrew && this.#config.recycleOnError) this.#host.recycle(worker, 'error');
    else if (worker.callsServed >= worker.limits.calls) this.#host.recycle(worker, 'calls');
    else if (this.#config.overlappedRecycle && worker.callsServed >= nearCalls(worker)) this.#host.near(worker);
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#monitorTimer);
    for (const timers of this.#lifetimeTimers.values()) for (const timer of timers) clearTimeout(timer);
    this.#lifetimeTimers.clear();
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

/** Calls after which a worker's replacement starts. */
function nearCalls(worker: WorkerProcess): number {
  return Math.floor(worker.limits.calls * NEAR);
}
