/**
 * The nearest-rank percentile: the smallest value with at least `p` % of the values at
 * or below it. Always one of the values (no interpolation), so a p95 of durations is a
 * duration some cycle really took. Null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

export const median = (values: readonly number[]): number | null => percentile(values, 50);

/** A rate in [0, 1] rounded to four places; null when nothing was counted. */
export function rate(count: number, of: number): number | null {
  return of === 0 ? null : Math.round((count / of) * 10_000) / 10_000;
}
