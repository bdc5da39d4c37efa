import { describe, expect, it } from 'vitest';
import { CircuitBreaker, DEFAULT_CIRCUIT_BREAKER } from '../../runtime/circuit-breaker.js';

/** The breaker's rule on its own, with a clock the test moves. */
function breaker(options: Partial<typeof DEFAULT_CIRCUIT_BREAKER> = {}): { b: CircuitBreaker; clock: { t: number } } {
  const clock = { t: 1_000_000 };
  return { b: new CircuitBreaker({ ...DEFAULT_CIRCUIT_BREAKER, ...options }, () => clock.t), clock };
}

describe('CircuitBreaker (the rule)', () => {
  it('the defaults are failureRatio 0.5, minimumCalls 20, windowMs 10 s, cooldownMs 5 s', () => {
    expect(DEFAULT_CIRCUIT_BREAKER).toEqual({ failureRatio: 0.5, minimumCalls: 20, windowMs: 10_000, cooldownMs: 5_000 });
  });

  it('a steady 2% of failures never opens it, however many', () => {
    const { b, clock } = breaker();
    for (let i = 0; i < 100_000; i++) {
      clock.t += 1;
      if (i % 50 === 0) expect(b.failure('crash', '')).toBeUndefined();
      else b.success();
    }
    expect(b.state).toBe('closed');
  });

  it('does not judge before minimumCalls calls, then opens at the ratio', () => {
    const { b } = breaker();
    for (let i = 0; i < 19; i++) expect(b.failure(`crash ${i}`, 'tail')).toBeUndefined();
    expect(b.state).toBe('closed');
    expect(b.failure('crash 19', 'tail')).toBe('opened');
    expect(b.trip).toMatchObject({ failures: 20, calls: 20, windowMs: 10_000, lastFailure: 'crash 19', stderrTail: 'tail' });
  });

  it('opens when the failed share reaches failureRatio, not below it', () => {
    const { b } = breaker();
    for (let i = 0; i < 11; i++) b.success();
    for (let i = 0; i < 10; i++) expect(b.failure('crash', '')).toBeUndefined();
    // 11 good, 11 failed: half
    expect(b.failure('crash', '')).toBe('opened');
  });

  it('forgets calls older than the window', () => {
    const { b, clock } = breaker();
    for (let i = 0; i < 19; i++) b.failure('old crash', '');
    clock.t += 10_001;
    expect(b.window()).toEqual({ calls: 0, failures: 0 });
    for (let i = 0; i < 19; i++) expect(b.failure('new crash', '')).toBeUndefined();
    expect(b.state).toBe('closed');
  });

  it('open: rejects calls and starts; after cooldownMs one probe, whose success closes it', () => {
    const { b, clock } = breaker({ minimumCalls: 1 });
    b.failure('crash', '');
    expect(b.decide()).toBe('reject');
    expect(b.allowsSpawning).toBe(false);
    clock.t += 5_000;
    expect(b.decide()).toBe('probe');
    expect(b.allowsSpawning).toBe(true);
    expect(b.decide()).toBe('reject');
    expect(b.success()).toBe('closed');
    expect(b.decide()).toBe('pass');
    expect(b.window()).toEqual({ calls: 0, failures: 0 });
  });

  it('a failed probe opens it again for another cooldown; an inconclusive one lets another call probe', () => {
    const { b, clock } = breaker({ minimumCalls: 1 });
    b.failure('crash', '');
    clock.t += 5_000;
    expect(b.decide()).toBe('probe');
    b.probeInconclusive();
    expect(b.decide()).toBe('probe');
    expect(b.failure('crash again', '')).toBe('opened');
    expect(b.state).toBe('open');
    clock.t += 4_999;
    expect(b.decide()).toBe('reject');
    clock.t += 1;
    expect(b.decide()).toBe('probe');
  });
});
