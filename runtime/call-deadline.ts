/**
 * The deadline of the call a worker runs: when it passes, the worker is told to expire the call
 * (kill itself and fail it). One per worker. Its one timer re-arms itself lazily when it fires
 * early, rather than a timer made and cleared for every call: that costs measurably at the p99
 * of microsecond calls. A stream's deadline moves with each item the consumer asks for, and a
 * stream whose worker has no credit has none (suspend).
 *
 * Under `inspect` (inspect.ts), a worker that reported its inspector holds a DebuggerHold: an
 * overdue call is first checked against the debugger (debugger-hold.ts), and held while one is
 * attached.
 */
import { DebuggerHold, RECHECK_MS } from './debugger-hold.js';
import type { PendingCall } from './call.js';
import type { Logger } from './logger.js';

/** The worker whose calls a deadline times, as its log lines name it. */
export interface DeadlineWorker {
  readonly label: string;
  readonly workerId: number;
  readonly pid: number | undefined;
}

/** What a deadline asks its worker to do. */
export interface DeadlineActions {
  /** The call the deadline is for, while it still runs (busy or retiring); undefined otherwise. */
  runningCall(): PendingCall | undefined;
  /** The call overran its `timeoutMs`: the worker is killed and the call failed. */
  expire(call: PendingCall, timeoutMs: number): void;
}

export class CallDeadline {
  readonly #worker: DeadlineWorker;
  readonly #owner: DeadlineActions;
  readonly #logger: Logger;
  /** When the running call's time is up (performance.now() ms; Infinity: not until the next start). */
  #at = 0;
  #timeoutMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = 0;
  #debugger: DebuggerHold | undefined;

  constructor(worker: DeadlineWorker, owner: DeadlineActions, logger: Logger) {
    this.#worker = worker;
    this.#owner = owner;
    this.#logger = logger;
  }

  /** The call (or a stream's next item) has `timeoutMs` from `now`. */
  start(now: number, timeoutMs: number): void {
    this.#at = now + timeoutMs;
    this.#timeoutMs = timeoutMs;
    if (this.#timer === undefined || this.#timerAt > this.#at) this.#arm(now);
  }

  /** No deadline until the next start: a stream with no credit owes nothing (its timer lets itself go). */
  suspend(): void {
    this.#at = Infinity;
  }

  /** Under inspect: asks whether a debugger is attached (on the inspector's `port`) before expiring a call. */
  askDebuggerFirst(port: number): void {
    this.#debugger = new DebuggerHold(port);
  }

  /** The worker has exited. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(now: number): void {
    clearTimeout(this.#timer);
    const delay = Math.max(0, Math.ceil(this.#at - now));
    this.#timerAt = now + delay;
    this.#timer = setTimeout(() => this.#onTimer(), delay);
    this.#timer.unref();
  }

  #onTimer(): void {
    this.#timer = undefined;
    const call = this.#owner.runningCall();
    if (call === undefined) return;
    const now = performance.now();
    if (now < this.#at) {
      if (this.#at !== Infinity) this.#arm(now);
      return;
    }
    if (this.#debugger !== undefined) {
      void this.#askDebugger(call, this.#debugger);
      return;
    }
    this.#owner.expire(call, this.#timeoutMs);
  }

  async #askDebugger(call: PendingCall, hold: DebuggerHold): Promise<void> {
    const owner = this.#owner;
    const worker = this.#worker;
    const verdict = await hold.verdict(worker.pid, call.id);
    // While /proc was read the call ended, or its deadline moved: a stream's item re-armed it, or
    // its worker ran out of credit, which leaves it no deadline (suspend).
    if (owner.runningCall() !== call || this.#timer !== undefined) return;
    const now = performance.now();
    if (now < this.#at) return;
    const what = `"${call.method.name}" (timeout ${this.#timeoutMs} ms)`;
    const where = { workerId: worker.workerId, pid: worker.pid };
    switch (verdict) {
      case 'expire':
        owner.expire(call, this.#timeoutMs);
        return;
      case 'undetectable':
        this.#logger.info(`${what} overran its timeout on ${worker.label}; under inspect it is not timed out, since this platform cannot tell whether a debugger is attached`, where);
        // No deadline until a stream's next credit, if it is one.
        this.#at = Infinity;
        return;
      case 'attached':
        this.#logger.info(`${what} overran its timeout on ${worker.label}, which has a debugger attached: it is not timed out while the debugger stays`, where);
        this.#at = now + RECHECK_MS;
        break;
      case 'held':
        this.#at = now + RECHECK_MS;
        break;
      case 'detached':
        this.#logger.info(`the debugger detached from ${worker.label}: ${what} has its full timeout again, from now`, where);
        this.#at = now + this.#timeoutMs;
        break;
    }
    this.#arm(now);
  }
}
