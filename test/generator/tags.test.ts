import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../generator/tags.js';

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
