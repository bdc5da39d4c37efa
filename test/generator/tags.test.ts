import { describe, expect, it } from 'vitest';
import { parseDuration, parsePriority } from '../../generator/tags.js';

describe('@timeout durations', () => {
  it('parses ms, s, m and h', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('5s')).toBe(5000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('5 s')).toBe(5000);
  });

  it('refuses what is not a whole, positive, timer-sized number of milliseconds', () => {
    for (const text of ['', '5', 'soon', '0s', '-1s', '0.5ms', '1d', '30 days', '1000h']) {
      expect(parseDuration(text), text).toBeUndefined();
    }
  });
});

describe('@priority numbers', () => {
  it('parses whole, negative and fractional decimals', () => {
    expect(parsePriority('10')).toBe(10);
    expect(parsePriority('0')).toBe(0);
    expect(parsePriority('-1')).toBe(-1);
    expect(parsePriority('0.5')).toBe(0.5);
    expect(Object.is(parsePriority('-0'), 0)).toBe(true);
  });

  it('refuses what is not a finite decimal number', () => {
    for (const text of ['', 'high', '1e3', 'Infinity', 'NaN', '0x10', '+1', '1.', '.5', '1 2', '9'.repeat(400)]) {
      expect(parsePriority(text), text).toBeUndefined();
    }
  });
});
