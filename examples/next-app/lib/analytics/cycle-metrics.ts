import { ACTIVITY_EVENTS, PAUSE_EVENTS, type WorkflowUpdate } from '@resumable/protocol';
import { readActivity, readCompensation, readPhase, readVersion } from './read-updates';
import type { CompensationEntry, CycleInput, CycleMetrics, CycleOutcome, PhaseRun } from './types';

/** Temporal's status folded into running / completed / failed (cancelled, terminated and timed out count as failed). */
export function outcomeOf(status: string): CycleOutcome {
  // PAUSED: Temporal's own workflow pause; the cycle has not ended.
  if (status === 'RUNNING' || status === 'PAUSED') return 'running';
  if (status === 'COMPLETED') return 'completed';
  return 'failed';
}

/**
 * Marks the critical path: phases that ended are grouped where their time spans
 * overlap (phases run in parallel), and in each group the longest one is critical,
 * because the next group waits for it. Sequential phases are each a group of one.
 * Derived from the recorded times, so it follows whatever the workflow ran in parallel.
 */
export function markCriticalPath(phases: PhaseRun[]): number {
  const ended = phases
    .filter((phase) => phase.durationMs !== null && phase.endedAt !== null)
    .sort((a, b) => a.startedAt - b.startedAt || a.phase - b.phase);
  let total = 0;
  let group: PhaseRun[] = [];
  let groupEnd = -Infinity;
  const close = () => {
    const longest = group.reduce<PhaseRun | undefined>(
      (best, phase) => (best && (best.durationMs ?? 0) >= (phase.durationMs ?? 0) ? best : phase),
      undefined,
    );
    if (longest) {
      longest.critical = true;
      total += longest.durationMs ?? 0;
    }
    group = [];
  };
  for (const phase of ended) {
    if (phase.startedAt >= groupEnd) close();
    group.push(phase);
    groupEnd = group.length === 1 ? (phase.endedAt ?? 0) : Math.max(groupEnd, phase.endedAt ?? 0);
  }
  close();
  return total;
}

/**
 * Time in retries: for each `activity.retrying`, the gap until the next attempt of
 * that activity was scheduled (its `activity.started`); a retry still waiting counts
 * its delay up to `end`. Logs without activity updates (older workflow versions) have
 * no retry times to read: 0.
 */
export function retryTime(updates: readonly WorkflowUpdate[], end: number): number {
  let total = 0;
  updates.forEach((update, index) => {
    if (update.type !== ACTIVITY_EVENTS.retrying) return;
    const failed = readActivity(update);
    if (!failed) return;
    const next = updates.slice(index + 1).find((later) => {
      if (later.type !== ACTIVITY_EVENTS.started) return false;
      const started = readActivity(later);
      return started?.activityId === failed.activityId && started.attempt === failed.attempt + 1;
    });
    const nextStart = next ? (readActivity(next)?.scheduledAt ?? next.timestamp) : null;
    const gap =
      nextStart !== null
        ? nextStart - update.timestamp
        : Math.min(failed.nextDelayMs ?? Infinity, end - update.timestamp);
    total += Math.max(0, Number.isFinite(gap) ? gap : 0);
  });
  return total;
}

const PAUSE_ENDS: ReadonlySet<string> = new Set([PAUSE_EVENTS.resumed, PAUSE_EVENTS.cancelled, PAUSE_EVENTS.timedOut]);

/**
 * Time waiting on people: from each `workflow.paused` to the `workflow.resumed`,
 * `workflow.cancelled` or `workflow.timeout` that ended it; a pause still open counts up to `end`.
 */
export function waitingTime(updates: readonly WorkflowUpdate[], end: number): number {
  let total = 0;
  let pausedSince: number | null = null;
  for (const update of updates) {
    if (update.type === PAUSE_EVENTS.paused) pausedSince ??= update.timestamp;
    else if (PAUSE_ENDS.has(update.type) && pausedSince !== null) {
      total += Math.max(0, update.timestamp - pausedSince);
      pausedSince = null;
    }
  }
  if (pausedSince !== null) total += Math.max(0, end - pausedSince);
  return total;
}

/**
 * Folds one cycle's log and execution into its metrics. `now` stands in for the end of
 * a cycle that still runs (open retries and pauses count up to it).
 */
export function cycleMetrics(cycle: CycleInput, now: number): CycleMetrics {
  const { updates, execution } = cycle;
  const phases = new Map<number, PhaseRun>();
  const compensations: CompensationEntry[] = [];
  let version: number | null = null;
  let activityRetries = 0;
  for (const update of updates) {
    const phase = readPhase(update);
    if (phase) {
      phases.set(phase.phase, {
        phase: phase.phase,
        name: phase.name,
        state: phase.state,
        startedAt: phase.startedAt,
        endedAt: phase.state === 'skipped' ? null : phase.endedAt,
        durationMs: phase.state === 'skipped' ? null : phase.durationMs,
        attempts: phase.attempts ?? phases.get(phase.phase)?.attempts ?? 1,
        compensation: phases.get(phase.phase)?.compensation ?? null,
        critical: false,
      });
      continue;
    }
    const compensation = readCompensation(update);
    if (compensation) {
      compensations.push({
        cycleId: cycle.cycleId,
        ...compensation,
        timestamp: update.timestamp,
        sequence: update.sequence,
      });
      const run = phases.get(compensation.phase);
      if (run) run.compensation = compensation.strategy;
      continue;
    }
    if (update.type === ACTIVITY_EVENTS.retrying) activityRetries += 1;
    version = readVersion(update) ?? version;
  }
  const runs = [...phases.values()].sort((a, b) => a.phase - b.phase);
  const criticalPathMs = markCriticalPath(runs);
  const bottleneck = runs
    .filter((run) => run.critical)
    .reduce<PhaseRun | undefined>(
      (best, run) => (best && (best.durationMs ?? 0) >= (run.durationMs ?? 0) ? best : run),
      undefined,
    );
  const end = execution.closeTime ?? now;
  const hasActivityUpdates = updates.some((update) => update.type.startsWith('activity.'));
  return {
    cycleId: cycle.cycleId,
    runId: cycle.runId ?? null,
    outcome: outcomeOf(execution.status),
    status: execution.status,
    startTime: execution.startTime,
    closeTime: execution.closeTime,
    durationMs: execution.closeTime === null ? null : execution.closeTime - execution.startTime,
    version,
    phases: runs,
    criticalPathMs,
    retries: hasActivityUpdates ? activityRetries : runs.reduce((sum, run) => sum + Math.max(0, run.attempts - 1), 0),
    retryMs: retryTime(updates, end),
    waitingMs: waitingTime(updates, end),
    compensated: compensations.length > 0,
    compensations,
    bottleneck: bottleneck
      ? { phase: bottleneck.phase, name: bottleneck.name, durationMs: bottleneck.durationMs ?? 0 }
      : null,
  };
}
