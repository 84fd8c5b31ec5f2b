import { median, rate } from './percentile';
import type { CycleMetrics } from './types';

export type TrendPeriod = 'day' | 'week';

/** One period of `GET /api/workflow-metrics/trends`. */
export interface TrendPoint {
  /** `2026-12-06` (UTC day) or `2026-W49` (ISO week, UTC). */
  period: string;
  cycles: number;
  completed: number;
  failed: number;
  running: number;
  /** completed / closed, null when none closed. */
  successRate: number | null;
  /** Median duration of the closed cycles started in the period. */
  medianDurationMs: number | null;
}

/** The ISO-8601 week of a UTC time: weeks start on Monday; week 1 holds the year's first Thursday. */
export function isoWeek(time: number): string {
  const date = new Date(time);
  const day = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  // The Thursday of this week decides the week's year.
  const thursday = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - day + 3);
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export const periodOf = (time: number, by: TrendPeriod): string =>
  by === 'day' ? new Date(time).toISOString().slice(0, 10) : isoWeek(time);

/** Cycles grouped by the UTC day or ISO week they started in, oldest period first. */
export function trends(cycles: readonly CycleMetrics[], by: TrendPeriod): TrendPoint[] {
  const groups = new Map<string, CycleMetrics[]>();
  for (const cycle of cycles) {
    const key = periodOf(cycle.startTime, by);
    groups.set(key, [...(groups.get(key) ?? []), cycle]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([period, group]) => {
      const closed = group.filter((cycle) => cycle.outcome !== 'running');
      const completed = closed.filter((cycle) => cycle.outcome === 'completed').length;
      return {
        period,
        cycles: group.length,
        completed,
        failed: closed.length - completed,
        running: group.length - closed.length,
        successRate: rate(completed, closed.length),
        medianDurationMs: median(closed.map((cycle) => cycle.durationMs ?? 0)),
      };
    });
}
