/**
 * Decides when a worker is recycled: after a call (calls served, recycleOnError), on a lifetime
 * timer (so idle workers too), and on the parent's own measurements from outside, taken every
 * monitorIntervalMs (so a hung worker is measured too). How a worker is recycled (replacement
 * first, then retire) is the pool's part; this file only says when, and why.
 */
import type { ResolvedConfig } from './config.js';
import { platform } from './platform/index.js';
import type { ResourceSample } from './platform/resources.js';
import { limitCrossed, type LimitCrossed, type RecycleReason } from './recycle-policy.js';
import type { WorkerProcess } from './worker-process.js';

export interface RecyclerHost {
  /** The workers to measure. */
  workers(): Iterable<WorkerProcess>;
  /** A worker passed a threshold. */
  recycle(worker: WorkerProcess, reason: RecycleReason, trigger?: LimitCrossed): void;
  /** A fresh measurement of a worker. */
  measured(worker: WorkerProcess, sample: ResourceSample): void;
}

export class Recycler {
  readonly #config: ResolvedConfig;
  readonly #host: RecyclerHost;
  readonly #lifetimeTimers = new Map<WorkerProcess, NodeJS.Timeout>();
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
    const timer = setTimeout(() => this.#host.recycle(worker, 'lifetime'), worker.limits.lifetimeMs);
    timer.unref();
    this.#lifetimeTimers.set(worker, timer);
  }

  /** A worker is gone. */
  forget(worker: WorkerProcess): void {
    clearTimeout(this.#lifetimeTimers.get(worker));
    this.#lifetimeTimers.delete(worker);
  }

  /** Whether a worker that just finished a call should be recycled, and why. */
  afterCall(worker: WorkerProcess): RecycleReason | undefined {
    if (worker.lastCallThrew && this.#config.recycleOnError) return 'error';
    if (worker.callsServed >= worker.limits.calls) return 'calls';
    return undefined;
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#monitorTimer);
    for (const timer of this.#lifetimeTimers.values()) clearTimeout(timer);
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
      });
    } finally {
      this.#sampling = false;
    }
  }
}
