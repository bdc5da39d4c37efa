/**
 * Scale-down: stops workers that served no call for idleTimeoutMs, down to minPoolSize. The rule:
 *
 * - A worker is *stale* once it has been idle, serving no call, for idleTimeoutMs (a worker on
 *   standby, or one being recycled, is left to the recycling).
 * - While the pool is in use, it keeps every worker that is not stale plus spareWorkers more: a
 *   spare standing behind busy workers stays, however long it has been idle, so it is never
 *   stopped and started again in a loop, and a spare behind a worker that serves a call now and
 *   then stays too.
 * - Once the pool is *quiet* (no call came for idleTimeoutMs, and none runs or waits), it keeps
 *   minPoolSize alone: spares are for the next call of a pool in use. The pool's #grow asks
 *   quiet() too, so that it does not start the spares again; minPoolSize 0 lets a pool nobody
 *   calls hold no process at all, and its next call starts one.
 * - Either way never fewer than minPoolSize; the stalest go first.
 *
 * Calls take microseconds, so nothing here runs per call: one timer per pool ticks every tenth
 * of idleTimeoutMs (10 ms at least) and compares each worker's callsServed, and the pool's count
 * of calls, with what the last tick saw. A worker counts as stale after that many ticks in a row
 * found it idle with the same calls served, so it goes between idleTimeoutMs and 10% later.
 */
import type { WorkerProcess } from './worker-process.js';

export interface IdleHost {
  workers(): Iterable<WorkerProcess>;
  /** Whether a worker counts toward the pool's size (starting or serving, not on standby, not leaving). */
  counts(worker: WorkerProcess): boolean;
  /** Calls waiting for a worker. */
  queued(): number;
  /** Calls the pool has accepted so far (it only grows). */
  calls(): number;
  /** Stops an idle worker that has served no call for `idleMs`. */
  retire(worker: WorkerProcess, idleMs: number): void;
}

const MIN_TICK_MS = 10;

export class IdleReaper {
  readonly #host: IdleHost;
  readonly #minPoolSize: number;
  readonly #spareWorkers: number;
  readonly #tickMs: number;
  /** Ticks in a row that make a worker stale, or the pool quiet. */
  readonly #ticks: number;
  readonly #timer: NodeJS.Timeout | undefined;
  #tick = 0;
  /** The pool's call count at the last tick. */
  #calls = 0;
  /** The tick since which the pool has been seen quiet, if it is. */
  #quietFrom: number | undefined;
  /** Each idle worker's calls served and the tick since which it has been seen idle with them. */
  #idle = new Map<WorkerProcess, { readonly calls: number; readonly from: number }>();

  constructor(config: { readonly idleTimeoutMs: number; readonly minPoolSize: number; readonly spareWorkers: number }, host: IdleHost) {
    this.#host = host;
    this.#minPoolSize = config.minPoolSize;
    this.#spareWorkers = config.spareWorkers;
    this.#tickMs = Math.max(MIN_TICK_MS, config.idleTimeoutMs / 10);
    this.#calls = host.calls();
    if (!Number.isFinite(config.idleTimeoutMs)) {
      // Infinity: never. No timer, and quiet() never says yes.
      this.#ticks = Infinity;
      return;
    }
    this.#ticks = Math.ceil(config.idleTimeoutMs / this.#tickMs);
    this.#timer = setInterval(() => this.#check(), this.#tickMs);
    this.#timer.unref();
  }

  /**
   * Whether the pool has been quiet for idleTimeoutMs: no call came, and none ran or waited at
   * any tick since. Never, with idleTimeoutMs Infinity. Asked when nothing runs or waits.
   */
  quiet(): boolean {
    return this.#quietFrom !== undefined && this.#tick - this.#quietFrom >= this.#ticks && this.#host.calls() === this.#calls;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#idle.clear();
  }

  #check(): void {
    const tick = ++this.#tick;
    const calls = this.#host.calls();
    let active = calls !== this.#calls || this.#host.queued() > 0;
    this.#calls = calls;
    const idle = new Map<WorkerProcess, { calls: number; from: number }>();
    const stale: { worker: WorkerProcess; from: number }[] = [];
    let live = 0;
    for (const worker of this.#host.workers()) {
      if (worker.current !== undefined) active = true;
      if (!this.#host.counts(worker)) continue;
      live++;
      if (worker.state !== 'idle' || worker.near || worker.due !== undefined || worker.successor !== undefined) continue;
      const seen = this.#idle.get(worker);
      const from = seen !== undefined && seen.calls === worker.callsServed ? seen.from : tick;
      idle.set(worker, { calls: worker.callsServed, from });
      if (tick - from >= this.#ticks) stale.push({ worker, from });
    }
    // Workers that are gone, or no longer idle, are dropped here.
    this.#idle = idle;
    if (active) this.#quietFrom = undefined;
    else this.#quietFrom ??= tick;
    if (stale.length === 0) return;
    const inUse = live - stale.length;
    const keep = Math.max(this.#minPoolSize, this.quiet() ? 0 : inUse + this.#spareWorkers);
    const surplus = Math.min(stale.length, live - keep);
    stale.sort((a, b) => a.from - b.from);
    for (const { worker, from } of stale.slice(0, Math.max(0, surplus))) {
      this.#host.retire(worker, Math.round((tick - from) * this.#tickMs));
    }
  }
}
