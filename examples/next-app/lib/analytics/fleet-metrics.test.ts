import { describe, expect, it } from 'vitest';
import { cycleMetrics } from './cycle-metrics';
import { compensationLog, fleetSummary, phaseStats, versionCounts } from './fleet-metrics';
import { percentile } from './percentile';
import { completedCycle, DEC_8, failedCycle, runningCycle } from './test-logs';
import { isoWeek, trends } from './trends';

const NOW = DEC_8 + 60_000 + 7_000;
const cycles = [completedCycle, failedCycle, runningCycle].map((cycle) => cycleMetrics(cycle, NOW));

describe('percentile', () => {
  it('is the nearest rank: always one of the values', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5], 95)).toBe(5);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile([4, 1, 3, 2], 95)).toBe(4);
    expect(
      percentile(
        [...Array(100).keys()].map((i) => i + 1),
        95,
      ),
    ).toBe(95);
  });
});

describe('fleet metrics', () => {
  it('summarises rates over closed cycles, durations, retries, waiting and the bottleneck', () => {
    expect(fleetSummary(cycles)).toEqual({
      cycles: 3,
      running: 1,
      completed: 1,
      failed: 1,
      successRate: 0.5,
      failureRate: 0.5,
      compensationRate: 0.5,
      durationMs: { p50: 4_500, p95: 5_500 },
      retries: 4,
      retryMs: { total: 500, p50: 0 },
      waitingMs: { total: 1_000, p50: 0 },
      // Planning is on every cycle's critical path: 700 + 1000 + 1000 of 9400 ms.
      bottleneck: { phase: 1, name: 'Planning', criticalMs: 2_700, criticalShare: 0.2872 },
    });
  });

  it('gives each phase p50 / p95, outcomes, retries and its share of the critical path', () => {
    const stats = phaseStats(cycles);
    expect(stats.map((phase) => phase.phase)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(stats[0]).toEqual({
      phase: 1,
      name: 'Planning',
      runs: 3,
      completed: 3,
      failed: 0,
      skipped: 0,
      compensated: 1,
      p50Ms: 1_000,
      p95Ms: 1_000,
      meanMs: 900,
      retries: 3,
      criticalMs: 2_700,
      criticalShare: 0.2872,
    });
    // Phase 2: 500 (A), 500 (B) ended; C's is still running.
    expect(stats[1]).toMatchObject({ runs: 2, p50Ms: 500, p95Ms: 500, criticalMs: 1_000 });
    // Phase 3 failed in B; it was on the critical path only in A.
    expect(stats[2]).toMatchObject({ runs: 2, completed: 1, failed: 1, p50Ms: 1_000, p95Ms: 1_600, criticalMs: 1_600 });
    expect(stats[3]).toMatchObject({ runs: 2, p50Ms: 1_300, p95Ms: 1_500, criticalMs: 1_500, compensated: 1 });
    const shares = stats.reduce((sum, phase) => sum + phase.criticalMs, 0);
    expect(shares).toBe(9_400);
  });

  it('counts cycles per version, newest first, with the unnamed last', () => {
    expect(versionCounts(cycles)).toEqual([
      { version: 3, cycles: 1, running: 0, completed: 1, failed: 0 },
      { version: 2, cycles: 1, running: 0, completed: 0, failed: 1 },
      { version: null, cycles: 1, running: 1, completed: 0, failed: 0 },
    ]);
  });

  it('lists compensations across cycles newest first', () => {
    expect(compensationLog(cycles).map((entry) => [entry.cycleId, entry.phase, entry.strategy])).toEqual([
      ['cycle-b', 1, 'rollback'],
      ['cycle-b', 2, 'notify'],
      ['cycle-b', 4, 'rollback'],
    ]);
  });
});

describe('trends', () => {
  it('groups by UTC day and ISO week with success rate and median duration', () => {
    expect(trends(cycles, 'day')).toEqual([
      {
        period: '2026-12-01',
        cycles: 1,
        completed: 1,
        failed: 0,
        running: 0,
        successRate: 1,
        medianDurationMs: 5_500,
      },
      {
        period: '2026-12-08',
        cycles: 2,
        completed: 0,
        failed: 1,
        running: 1,
        successRate: 0,
        medianDurationMs: 4_500,
      },
    ]);
    expect(trends(cycles, 'week').map((point) => [point.period, point.cycles])).toEqual([
      ['2026-W49', 1],
      ['2026-W50', 2],
    ]);
  });

  it('numbers ISO weeks across year ends', () => {
    // Thursday 1 January 2026 is in week 1; Sunday 3 January 2021 still in 2020's week 53.
    expect(isoWeek(Date.UTC(2026, 0, 1))).toBe('2026-W01');
    expect(isoWeek(Date.UTC(2021, 0, 3))).toBe('2020-W53');
    expect(isoWeek(Date.UTC(2024, 11, 30))).toBe('2025-W01');
  });
});
