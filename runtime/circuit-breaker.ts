/**
 * Fails calls fast when most of them are failing, and only then. Closed: the outcome of every
 * call that reached a worker is counted in a sliding window of `windowMs` (ten buckets, so a
 * call costs two additions, never an allocation); a failure is a call that ended with its worker
 * crashing, breaking the protocol or timing out. When at least `minimumCalls` calls ended in the
 * window and the failed share of them reaches `failureRatio`, it opens. Open: calls fail at once
 * and no worker starts, for `cooldownMs`. Then half-open: one probe call goes through; a probe
 * that succeeds closes it, one that fails opens it again.
 *
 * The rule follows resilience4j (failureRateThreshold, minimumNumberOfCalls, sliding window) and
 * Polly v8 (FailureRatio, MinimumThroughput, SamplingDuration, BreakDuration): a count of
 * failures alone would let a steady trickle of poison inputs refuse every good call.
 */
export interface CircuitBreakerOptions {
  /** The failed share of calls in the window that opens the breaker, above 0 and at most 1. @default 0.5 */
  readonly failureRatio: number;
  /** Calls that must have ended in the window before the ratio is trusted. @default 20 */
  readonly minimumCalls: number;
  /** The sliding window calls are counted over. @default 10000 */
  readonly windowMs: number;
  /** How long it stays open before a probe call may go through. @default 5000 */
  readonly cooldownMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerOptions = { failureRatio: 0.5, minimumCalls: 20, windowMs: 10_000, cooldownMs: 5_000 };

export type BreakerState = 'closed' | 'open' | 'half-open';
export type BreakerDecision = 'pass' | 'probe' | 'reject';

/** What the window held when the breaker opened, for errors and events. */
export interface BreakerTrip {
  readonly failures: number;
  readonly calls: number;
  readonly windowMs: number;
  readonly retryAt: Date;
  readonly lastFailure: string;
  readonly stderrTail: string;
}

const BUCKETS = 10;

export class CircuitBreaker {
  readonly options: CircuitBreakerOptions;
  readonly #now: () => number;
  readonly #bucketMs: number;
  /** Per bucket: the bucket's number (time / bucketMs), its calls and its failures. */
  readonly #epoch = new Float64Array(BUCKETS).fill(-1);
  readonly #calls = new Uint32Array(BUCKETS);
  readonly #failures = new Uint32Array(BUCKETS);
  #state: BreakerState = 'closed';
  #openUntil = 0;
  #probing = false;
  #lastFailure = '';
  #lastStderr = '';
  #trip: BreakerTrip | undefined;

  constructor(options: CircuitBreakerOptions, now: () => number = Date.now) {
    this.options = options;
    this.#now = now;
    this.#bucketMs = Math.max(1, Math.ceil(options.windowMs / BUCKETS));
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** What the window held when it last opened; undefined until it has. */
  get trip(): BreakerTrip | undefined {
    return this.#trip;
  }

  /** Calls and failures counted in the window now. */
  window(): { calls: number; failures: number } {
    const current = Math.floor(this.#now() / this.#bucketMs);
    let calls = 0;
    let failures = 0;
    for (let i = 0; i < BUCKETS; i++) {
      if (current - this.#epoch[i]! < BUCKETS) {
        calls += this.#calls[i]!;
        failures += this.#failures[i]!;
      }
    }
    return { calls, failures };
  }

  /** A call that reached a worker ended well (a RemoteError counts: the worker was fine). */
  success(): 'closed' | undefined {
    if (this.#state === 'half-open' && this.#probing) {
      this.#state = 'closed';
      this.#probing = false;
      this.#reset();
      return 'closed';
    }
    if (this.#state === 'closed') this.#count(false);
    return undefined;
  }

  /**
   * A call that reached a worker ended with the worker crashing, breaking the protocol or timing
   * out. Returns 'opened' when this failure opened the breaker.
   */
  failure(description: string, stderrTail: string): 'opened' | undefined {
    this.#lastFailure = description;
    if (stderrTail) this.#lastStderr = stderrTail;
    if (this.#state === 'open') return undefined;
    if (this.#state === 'half-open') {
      if (!this.#probing) return undefined;
      this.#open({ calls: 1, failures: 1 });
      return 'opened';
    }
    this.#count(true);
    const w = this.window();
    if (w.calls >= this.options.minimumCalls && w.failures >= this.options.failureRatio * w.calls) {
      this.#open(w);
      return 'opened';
    }
    return undefined;
  }

  /** The probe call ended without telling anything (aborted, or its worker was stopped): let another probe go. */
  probeInconclusive(): void {
    if (this.#state === 'half-open') this.#probing = false;
  }

  /** Whether a new call may go ahead: as usual, as the one probe, or not at all. */
  decide(): BreakerDecision {
    if (this.#state === 'closed') return 'pass';
    if (this.#state === 'open' && this.#now() >= this.#openUntil) {
      this.#state = 'half-open';
      this.#probing = false;
    }
    if (this.#state === 'half-open' && !this.#probing) {
      this.#probing = true;
      return 'probe';
    }
    return 'reject';
  }

  /** Whether workers may be started now: not while open, and while half-open only for the probe. */
  get allowsSpawning(): boolean {
    return this.#state === 'closed' || (this.#state === 'half-open' && this.#probing);
  }

  #count(failed: boolean): void {
    const current = Math.floor(this.#now() / this.#bucketMs);
    const i = current % BUCKETS;
    if (this.#epoch[i] !== current) {
      this.#epoch[i] = current;
      this.#calls[i] = 0;
      this.#failures[i] = 0;
    }
    this.#calls[i]!++;
    if (failed) this.#failures[i]!++;
  }

  #open(w: { calls: number; failures: number }): void {
    const now = this.#now();
    this.#state = 'open';
    this.#probing = false;
    this.#openUntil = now + this.options.cooldownMs;
    this.#trip = { failures: w.failures, calls: w.calls, windowMs: this.options.windowMs, retryAt: new Date(this.#openUntil), lastFailure: this.#lastFailure, stderrTail: this.#lastStderr };
    this.#reset();
  }

  #reset(): void {
    this.#epoch.fill(-1);
  }
}
