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
import { CallsRecyclePace, NEAR, lifetimeLeadMs, limitCrossed, type LimitCrossed, type RecycleReason } from './recycle-policy.js';
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
  /** Overlapped recycling: replacements for calls are paced per pool (recycle-policy.ts). */
  readonly #pace = new CallsRecyclePace();
  /** Workers whose replacement for calls was granted (with the start time it was charged for), or which wait for it (with the timer that asks again). */
  readonly #granted = new Map<WorkerProcess, number>();
  readonly #waiting = new Map<WorkerProcess, NodeJS.Timeout>();
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
    clearTimeout(this.#waiting.get(worker));
    this.#waiting.delete(worker);
    // Left for another reason than its calls: the replacement stood in for it, unpaced.
    const charged = this.#granted.get(worker);
    this.#granted.delete(worker);
    if (charged !== undefined && worker.due !== 'calls') {
      this.#pace.refund(Date.now(), charged);
      // A worker that asked while the grant was still out (its successor took over at the crash,
      // before the exit was reaped) may go now, not when its timer says.
      for (const [waiting, timer] of [...this.#waiting]) {
        clearTimeout(timer);
        this.#waiting.delete(waiting);
        this.#checkCalls(waiting);
      }
    }
  }

  /** A worker finished a call: it may be due, or near its call threshold. */
  afterCall(worker: WorkerProcess): void {
    if (worker.lastCallThrew && this.#config.recycleOnError) this.#host.recycle(worker, 'error');
    else if (!this.#config.overlappedRecycle) {
      if (worker.callsServed >= worker.limits.calls) this.#host.recycle(worker, 'calls');
    } else this.#checkCalls(worker);
  }

  /**
   * Overlapped recycling, calls threshold: the replacement starts at 90% of it, as the pace
   * allows (a worker whose replacement already started for another reason needs no grant), and
   * the worker is due at the threshold once its replacement has started. A grant not yet possible
   * is asked for again when it will be; the worker serves meanwhile.
   */
  #checkCalls(worker: WorkerProcess): void {
    const startMs = worker.startMs;
    if (worker.callsServed < nearCalls(worker) || startMs === undefined) return;
    if (!this.#granted.has(worker) && !worker.near) {
      if (this.#waiting.has(worker)) return;
      const waitMs = this.#pace.take(Date.now(), startMs);
      if (waitMs > 0) {
        this.#waiting.set(worker, unref(setTimeout(() => {
          this.#waiting.delete(worker);
          this.#checkCalls(worker);
        }, waitMs)));
        return;
      }
      this.#granted.set(worker, startMs);
      this.#host.near(worker);
    }
    if (worker.callsServed >= worker.limits.calls) this.#host.recycle(worker, 'calls');
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#monitorTimer);
    for (const timers of this.#lifetimeTimers.values()) for (const timer of timers) clearTimeout(timer);
    this.#lifetimeTimers.clear();
    for (const worker of [...this.#waiting.keys()]) this.forget(worker);
  }

  async #sampleAll(): Promise<void> {
    if (this.#sampling || this.#closed) return;
    this.#sampling = true;
    try {
      const workers = [...this.#host.workers()].filter((w) => w.pid !== undefined && (w.state === 'idle' || w.state === 'busy' || w.state === 'leased'));
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
