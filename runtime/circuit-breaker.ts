/**
 * Stops a crash storm from becoming a spawn storm. Closed: failures (crashes, start failures)
 * are counted in a sliding window; `failures` of them within `windowMs` open it. Open: no
 * worker starts and calls fail at once, for `cooldownMs`. Then half-open: one probe call goes
 * through; if its worker survives it, the breaker closes, otherwise it opens again.
 */
export interface CircuitBreakerOptions {
  /** Failures within windowMs that open the breaker. @default 10 */
  readonly failures: number;
  /** @default 10000 */
  readonly windowMs: number;
  /** How long it stays open before a probe. @default 5000 */
  readonly cooldownMs: number;
}

export type BreakerDecision = 'pass' | 'probe' | 'reject';

export class CircuitBreaker {
  readonly options: CircuitBreakerOptions;
  #failures: number[] = [];
  #openUntil = 0;
  #state: 'closed' | 'open' | 'half-open' = 'closed';
  #probing = false;
  lastFailure = '';
  lastStderr = '';

  constructor(options: CircuitBreakerOptions, private readonly now: () => number = Date.now) {
    this.options = options;
  }

  get state(): 'closed' | 'open' | 'half-open' {
    return this.#state;
  }

  get retryAt(): Date {
    return new Date(this.#openUntil);
  }

  get failuresInWindow(): number {
    return this.#failures.length;
  }

  /** Records a failure; true when it opened the breaker. */
  failure(description: string, stderrTail: string): boolean {
    this.lastFailure = description;
    if (stderrTail) this.lastStderr = stderrTail;
    const now = this.now();
    if (this.#state === 'half-open') {
      this.#open(now);
      return true;
    }
    if (this.#state === 'open') return false;
    this.#failures.push(now);
    while (this.#failures.length > 0 && this.#failures[0]! <= now - this.options.windowMs) this.#failures.shift();
    if (this.#failures.length >= this.options.failures) {
      this.#open(now);
      return true;
    }
    return false;
  }

  /** A worker served a call fine; true when that closed the breaker (the probe succeeded). */
  success(): boolean {
    const closes = this.#state === 'half-open' && this.#probing;
    if (closes) {
      this.#state = 'closed';
      this.#failures = [];
    }
    this.#probing = false;
    return closes;
  }

  /** Whether a new call may go ahead: as usual, as the one probe, or not at all. */
  decide(): BreakerDecision {
    if (this.#state === 'closed') return 'pass';
    if (this.#state === 'open' && this.now() >= this.#openUntil) {
      this.#state = 'half-open';
      this.#probing = false;
    }
    if (this.#state === 'half-open' && !this.#probing) {
      this.#probing = true;
      return 'probe';
    }
    return 'reject';
  }

  /** Whether workers may be started now. */
  get allowsSpawning(): boolean {
    return this.#state === 'closed' || (this.#state === 'half-open' && this.#probing);
  }

  #open(now: number): void {
    this.#state = 'open';
    this.#probing = false;
    this.#openUntil = now + this.options.cooldownMs;
    this.#failures = [];
  }
}
