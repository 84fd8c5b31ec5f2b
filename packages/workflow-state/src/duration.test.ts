import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    [1500, 1500],
    [0.2, 1],
    ['1500', 1500],
    ['250ms', 250],
    ['2s', 2000],
    ['1.5 s', 1500],
    ['5 minutes', 300_000],
    ['1h', 3_600_000],
    ['2 days', 172_800_000],
    ['1w', 604_800_000],
  ])('reads %j as %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each([[0], [-5], [Number.POSITIVE_INFINITY], [Number.NaN], [''], ['soon'], ['5 fortnights'], ['-1s'], [null]])(
    'refuses %j',
    (input) => {
      expect(() => parseDuration(input as never)).toThrowError(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
    },
  );
});
