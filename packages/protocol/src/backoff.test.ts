import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('grows exponentially from the initial delay, jittered within the upper half', () => {
    const low = () => 0;
    const high = () => 1;
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, { initialDelayMs: 100 }, low))).toEqual([50, 100, 200, 400]);
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, { initialDelayMs: 100 }, high))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the cap, however many attempts failed', () => {
    for (const attempt of [10, 50, 1000]) {
      const delay = backoffDelay(attempt, { initialDelayMs: 100, maxDelayMs: 5000 });
      expect(delay).toBeGreaterThanOrEqual(2500);
      expect(delay).toBeLessThanOrEqual(5000);
    }
  });

  it('spreads clients apart (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(4)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('honours a custom growth factor', () => {
    expect(backoffDelay(2, { initialDelayMs: 10, factor: 3 }, () => 1)).toBe(90);
  });
});
