import { median, percentile, rate } from './percentile';
import type { CompensationEntry, CycleMetrics } from './types';

/** Figures across cycles: `GET /api/workflow-metrics/summary`. */
export interface FleetSummary {
  cycles: number;
  running: number;
  completed: number;
  failed: number;
  /** Shares of the closed cycles (null when none closed). */
  successRate: number | null;
  failureRate: number | null;
  /** Share of closed cycles in which any compensation ran. */
  compensationRate: number | null;
  /** Closed cycles' durations. */
  durationMs: { p50: number | null; p95: number | null };
  retries: number;
  /** Time in retries and time waiting on people, summed over all cycles and per cycle (p50). */
  retryMs: { total: number; p50: number | null };
  waitingMs: { total: number; p50: number | null };
  bottleneck: PhaseShare | null;
}

/** One phase across cycles: `GET /api/workflow-metrics/phases`. */
export interface PhaseStats {
  phase: number;
  name: string;
  /** Runs that ended (completed or failed): the ones with a duration. */
  runs: number;
  completed: number;
  failed: number;
  skipped: number;
  compensated: number;
  p50Ms: number | null;
  p95Ms: number | null;
  meanMs: number | null;
  retries: number;
  /** This phase's time on the critical path, summed over cycles. */
  criticalMs: number;
  /** `criticalMs` over all cycles' critical-path time: its share of the end-to-end time. */
  criticalShare: number | null;
}

export interface PhaseShare {
  phase: number;
  name: string;
  criticalMs: number;
  criticalShare: number | null;
}

/** Per-phase statistics, in phase order. */
export function phaseStats(cycles: readonly CycleMetrics[]): PhaseStats[] {
  const byPhase = new Map<number, { name: string; durations: number[]; stats: PhaseStats }>();
  const totalCritical = cycles.reduce((sum, cycle) => sum + cycle.criticalPathMs, 0);
  for (const cycle of cycles) {
    for (const run of cycle.phases) {
      let entry = byPhase.get(run.phase);
      if (!entry) {
        entry = {
          name: run.name,
          durations: [],
          stats: {
            phase: run.phase,
            name: run.name,
            runs: 0,
            completed: 0,
            failed: 0,
            skipped: 0,
            compensated: 0,
            p50Ms: null,
            p95Ms: null,
            meanMs: null,
            retries: 0,
            criticalMs: 0,
            criticalShare: null,
          },
        };
        byPhase.set(run.phase, entry);
      }
      const { stats } = entry;
      if (run.durationMs !== null && run.endedAt !== null) {
        entry.durations.push(run.durationMs);
        stats.runs += 1;
      }
      if (run.state === 'completed') stats.completed += 1;
      else if (run.state === 'failed') stats.failed += 1;
      else if (run.state === 'skipped') stats.skipped += 1;
      if (run.compensation !== null) stats.compensated += 1;
      stats.retries += Math.max(0, run.attempts - 1);
      if (run.critical) stats.criticalMs += run.durationMs ?? 0;
    }
  }
  return [...byPhase.values()]
    .map(({ durations, stats }) => ({
      ...stats,
      p50Ms: percentile(durations, 50),
      p95Ms: percentile(durations, 95),
      meanMs: durations.length ? Math.round(durations.reduce((a, b) => a + b, 0) / durations.length) : null,
      criticalShare: rate(stats.criticalMs, totalCritical),
    }))
    .sort((a, b) => a.phase - b.phase);
}

/**
 * The bottleneck: the phase with the largest share of the time on the critical path,
 * summed over all cycles (a parallel phase that waits for a longer sibling adds
 * nothing). Shortening it is what shortens cycles most.
 */
export function bottleneckOf(stats: readonly PhaseStats[]): PhaseShare | null {
  const top = stats.reduce<PhaseStats | undefined>(
    (best, phase) => (best && best.criticalMs >= phase.criticalMs ? best : phase),
    undefined,
  );
  return top && top.criticalMs > 0
    ? { phase: top.phase, name: top.name, criticalMs: top.criticalMs, criticalShare: top.criticalShare }
    : null;
}

export function fleetSummary(cycles: readonly CycleMetrics[]): FleetSummary {
  const closed = cycles.filter((cycle) => cycle.outcome !== 'running');
  const completed = closed.filter((cycle) => cycle.outcome === 'completed').length;
  const failed = closed.length - completed;
  const durations = closed.map((cycle) => cycle.durationMs ?? 0);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const retryMs = cycles.map((cycle) => cycle.retryMs);
  const waitingMs = cycles.map((cycle) => cycle.waitingMs);
  return {
    cycles: cycles.length,
    running: cycles.length - closed.length,
    completed,
    failed,
    successRate: rate(completed, closed.length),
    failureRate: rate(failed, closed.length),
    compensationRate: rate(closed.filter((cycle) => cycle.compensated).length, closed.length),
    durationMs: { p50: median(durations), p95: percentile(durations, 95) },
    retries: sum(cycles.map((cycle) => cycle.retries)),
    retryMs: { total: sum(retryMs), p50: median(retryMs) },
    waitingMs: { total: sum(waitingMs), p50: median(waitingMs) },
    bottleneck: bottleneckOf(phaseStats(cycles)),
  };
}

/** Cycles per workflow version (`GET /api/workflow-versions/`); `version` null: the log named none. */
export interface VersionCount {
  version: number | null;
  cycles: number;
  running: number;
  completed: number;
  failed: number;
}

export function versionCounts(cycles: readonly CycleMetrics[]): VersionCount[] {
  const counts = new Map<number | null, VersionCount>();
  for (const cycle of cycles) {
    let entry = counts.get(cycle.version);
    if (!entry) {
      entry = { version: cycle.version, cycles: 0, running: 0, completed: 0, failed: 0 };
      counts.set(cycle.version, entry);
    }
    entry.cycles += 1;
    entry[cycle.outcome] += 1;
  }
  // Newest version first; "none named" last.
  return [...counts.values()].sort((a, b) => (b.version ?? -1) - (a.version ?? -1));
}

/** The compensation log across cycles, newest first. */
export function compensationLog(cycles: readonly CycleMetrics[]): CompensationEntry[] {
  return cycles
    .flatMap((cycle) => cycle.compensations)
    .sort((a, b) => b.timestamp - a.timestamp || b.sequence - a.sequence || a.cycleId.localeCompare(b.cycleId));
}
