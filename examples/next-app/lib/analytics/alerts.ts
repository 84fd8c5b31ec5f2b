import { cycleMetrics } from './cycle-metrics';
import type { CycleInput } from './types';

/** A rule the alert evaluator checks on every cycle it is given. */
export type AlertRule =
  | {
      id: string;
      kind: 'phase-duration';
      /** A phase (running or ended) took longer than this. */
      thresholdMs: number;
      /** Only this phase number; every phase when absent. */
      phase?: number;
    }
  | { id: string; kind: 'cycle-failed' };

/** One alert, as the alert stream sends it (`event: alert`). */
export interface Alert {
  /** Stable: one rule fires once per cycle (and phase). */
  id: string;
  ruleId: string;
  kind: AlertRule['kind'];
  severity: 'warning' | 'critical';
  cycleId: string;
  phase: number | null;
  phaseName: string | null;
  message: string;
  /** When the condition became true, ms since the epoch. */
  at: number;
}

/** The app's default rules: any phase over 5 s, and any failed cycle. */
export const DEFAULT_RULES: readonly AlertRule[] = [
  { id: 'phase-slow', kind: 'phase-duration', thresholdMs: 5_000 },
  { id: 'cycle-failed', kind: 'cycle-failed' },
];

/** Alerts a cycle meets now, under `rules` (each with its stable id). */
export function alertsFor(rules: readonly AlertRule[], cycle: CycleInput, now: number): Alert[] {
  const metrics = cycleMetrics(cycle, now);
  const alerts: Alert[] = [];
  for (const rule of rules) {
    if (rule.kind === 'phase-duration') {
      for (const run of metrics.phases) {
        if (rule.phase !== undefined && run.phase !== rule.phase) continue;
        // A running phase alerts as soon as it passes the threshold, not when it ends.
        const tookMs = run.durationMs ?? (run.state === 'running' ? now - run.startedAt : null);
        if (tookMs === null || tookMs <= rule.thresholdMs) continue;
        alerts.push({
          id: `${cycle.cycleId}:${rule.id}:${run.phase}`,
          ruleId: rule.id,
          kind: rule.kind,
          severity: 'warning',
          cycleId: cycle.cycleId,
          phase: run.phase,
          phaseName: run.name,
          message: `${run.name} ${run.durationMs === null ? 'has run' : 'took'} ${(tookMs / 1000).toFixed(1)} s (threshold ${(rule.thresholdMs / 1000).toFixed(1)} s)`,
          at: run.durationMs === null ? now : (run.endedAt ?? now),
        });
      }
    } else {
      // Failed: Temporal closed it as failed, or a phase failed for good (the alert
      // comes at once, before the compensation finishes and the execution closes).
      const failedPhase = metrics.phases.find((run) => run.state === 'failed');
      if (metrics.outcome !== 'failed' && !failedPhase) continue;
      alerts.push({
        id: `${cycle.cycleId}:${rule.id}`,
        ruleId: rule.id,
        kind: rule.kind,
        severity: 'critical',
        cycleId: cycle.cycleId,
        phase: failedPhase?.phase ?? null,
        phaseName: failedPhase?.name ?? null,
        message: failedPhase
          ? `Cycle failed at phase ${failedPhase.phase} (${failedPhase.name})`
          : `Cycle ended ${metrics.status}`,
        at: failedPhase?.endedAt ?? metrics.closeTime ?? now,
      });
    }
  }
  return alerts;
}

/**
 * Evaluates rules on a cycle each time its log grows and hands back only the alerts
 * not raised before, so a caller can evaluate on every update (or every poll).
 */
export class AlertEvaluator {
  private readonly raised = new Map<string, Set<string>>();

  constructor(private readonly rules: readonly AlertRule[] = DEFAULT_RULES) {}

  evaluate(cycle: CycleInput, now: number): Alert[] {
    let seen = this.raised.get(cycle.cycleId);
    if (!seen) this.raised.set(cycle.cycleId, (seen = new Set()));
    const fresh = alertsFor(this.rules, cycle, now).filter((alert) => !seen.has(alert.id));
    for (const alert of fresh) seen.add(alert.id);
    return fresh;
  }

  /** Drops what it remembers of a cycle that will not be evaluated again (it closed). */
  forget(cycleId: string): void {
    this.raised.delete(cycleId);
  }
}
