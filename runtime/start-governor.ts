/**
 * Keeps a worker that cannot start (module not found, throws at import, not ready in time,
 * killed before it was ready) from being respawned in a tight loop, and from making callers
 * wait for starts that will fail. A failure to start is not a call failing: it is a bad deploy or
 * a missing library, so it has its own, stricter governor beside the call breaker.
 *
 * - At most `maxConcurrentStarts` workers start at once (the .NET original throttles at 3).
 * - After a failed start, the next waits: 100 ms doubling per failure in a row, up to 30 s, with
 *   jitter (a random 50–100% of it), so pools that failed together do not retry together.
 * - While failing, one start at a time probes; one success resets everything.
 */
import type { WorkerStartError } from './errors.js';

export const START_BACKOFF_MIN_MS = 100;
export const START_BACKOFF_MAX_MS = 30_000;

export class StartGovernor {
  readonly maxConcurrentStarts: number;
  readonly #random: () => number;
  readonly #now: () => number;
  #starting = 0;
  #failuresInARow = 0;
  #nextAttemptAt = 0;
  #lastError: WorkerStartError | undefined;

  constructor(maxConcurrentStarts: number, random: () => number = Math.random, now: () => number = Date.now) {
    this.maxConcurrentStarts = maxConcurrentStarts;
    this.#random = random;
    this.#now = now;
  }

  /** Whether the last start failed and none has succeeded since. */
  get failing(): boolean {
    return this.#failuresInARow > 0;
  }

  get failuresInARow(): number {
    return this.#failuresInARow;
  }

  /** The last start failure, while failing. */
  get lastError(): WorkerStartError | undefined {
    return this.#lastError;
  }

  get starting(): number {
    return this.#starting;
  }

  /** Milliseconds until a start may be tried again (0: now). */
  get waitMs(): number {
    return Math.max(0, this.#nextAttemptAt - this.#now());
  }

  /** When the next start may be tried. */
  get nextAttemptAt(): Date {
    return new Date(Math.max(this.#nextAttemptAt, this.#now()));
  }

  /** How many workers may be started right now. */
  slots(): number {
    const free = Math.max(0, this.maxConcurrentStarts - this.#starting);
    if (!this.failing) return free;
    if (this.waitMs > 0) return 0;
    return Math.min(1, free);
  }

  /** A worker is being started. */
  begin(): void {
    this.#starting++;
  }

  /** It became ready: starts are fine again. */
  succeeded(): void {
    this.#starting--;
    this.#failuresInARow = 0;
    this.#nextAttemptAt = 0;
    this.#lastError = undefined;
  }

  /**
   * For a pool that wants starts and got no slot: how long until it should look again, or
   * undefined when a start in flight will make it look (its end does). The clock is read once,
   * here, and the answer is at least 1 ms: a wait that slots() read as not over a moment ago may
   * read as over now, and a pool that then set no timer, with no start in flight, would never
   * start a worker again.
   */
  retryDelayMs(): number | undefined {
    const wait = this.waitMs;
    if (wait === 0 && this.#starting > 0) return undefined;
    return Math.max(1, wait);
  }

  /** It could not start; returns how long the next start waits. */
  failed(error: WorkerStartError): number {
    this.#starting--;
    this.#failuresInARow++;
    this.#lastError = error;
    const ceiling = Math.min(START_BACKOFF_MAX_MS, START_BACKOFF_MIN_MS * 2 ** (this.#failuresInARow - 1));
    const delay = Math.round(ceiling * (0.5 + this.#random() * 0.5));
    this.#nextAttemptAt = this.#now() + delay;
    return delay;
  }

  /** It was stopped on purpose before it was ready (close(), recycling): neither success nor failure. */
  cancelled(): void {
    this.#starting--;
  }
}
