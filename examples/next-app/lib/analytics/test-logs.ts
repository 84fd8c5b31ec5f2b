import type { WorkflowUpdate } from '@resumable/protocol';
import type { CycleInput } from './types';

/**
 * Fixed cycle logs for the analytics' unit tests, written the way the test-cycle
 * workflow writes them, with times relative to each cycle's start.
 */

type Entry = [at: number, type: string, data: Record<string, unknown>];

const NAMES = ['Planning', 'Scoping', 'Sample Selection', 'Data Owner Identification', 'Request for Information'];
const nameOf = (phase: number) => NAMES[phase - 1] ?? `Phase ${phase}`;

/** A `phase` update: running (no end), or ended (completed, failed) with its duration. */
export function phase(phaseNumber: number, state: string, start: number, end?: number, attempts?: number): Entry {
  return [
    end ?? start,
    'phase',
    {
      phase: phaseNumber,
      name: nameOf(phaseNumber),
      state,
      startedAt: start,
      ...(end === undefined ? {} : { endedAt: end, durationMs: end - start }),
      ...(attempts === undefined ? {} : { attempts }),
    },
  ];
}

/** A cycle whose entries' times (and `startedAt` / `endedAt` / `scheduledAt`) are offsets from `t0`. */
export function cycle(
  cycleId: string,
  t0: number,
  execution: { status: string; closeAfter: number | null },
  entries: Entry[],
): CycleInput {
  const shift = (data: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(data).map(([key, value]) =>
        ['startedAt', 'endedAt', 'scheduledAt'].includes(key) && typeof value === 'number'
          ? [key, value + t0]
          : [key, value],
      ),
    );
  const updates: WorkflowUpdate[] = entries.map(([at, type, data], index) => ({
    id: `${cycleId}:${index + 1}`,
    sequence: index + 1,
    timestamp: t0 + at,
    type,
    data: shift(data),
  }));
  return {
    cycleId,
    execution: {
      status: execution.status,
      startTime: t0,
      closeTime: execution.closeAfter === null ? null : t0 + execution.closeAfter,
    },
    updates,
  };
}

/** Tuesday 1 December 2026, 10:00 UTC (ISO week 49). */
export const DEC_1 = Date.UTC(2026, 11, 1, 10);
/** Tuesday 8 December 2026, 09:00 UTC (ISO week 50). */
export const DEC_8 = Date.UTC(2026, 11, 8, 9);

/**
 * A: completed in 5.5 s. Phases 3 and 4 overlap (3 is longer, so critical); phases 1
 * and 4 each retried once after 300 ms and 200 ms; version 3.
 */
export const completedCycle = cycle('cycle-a', DEC_1, { status: 'COMPLETED', closeAfter: 5_500 }, [
  [0, 'version', { version: 3, text: 'sqlite store' }],
  [0, 'activity.started', { activityId: 'runPhase-1', activityType: 'runPhase', attempt: 1, scheduledAt: 0 }],
  [0, 'phase', { phase: 1, name: 'Planning', state: 'running', startedAt: 0 }],
  [
    100,
    'activity.retrying',
    { activityId: 'runPhase-1', activityType: 'runPhase', attempt: 1, error: 'flaky', nextDelayMs: 300 },
  ],
  [400, 'activity.started', { activityId: 'runPhase-1', activityType: 'runPhase', attempt: 2, scheduledAt: 400 }],
  phase(1, 'completed', 0, 700, 2),
  phase(2, 'completed', 700, 1_200),
  [
    1_300,
    'activity.retrying',
    { activityId: 'runPhase-4', activityType: 'runPhase', attempt: 1, error: 'flaky', nextDelayMs: 200 },
  ],
  [1_500, 'activity.started', { activityId: 'runPhase-4', activityType: 'runPhase', attempt: 2, scheduledAt: 1_500 }],
  phase(4, 'completed', 1_200, 2_500, 2),
  phase(3, 'completed', 1_200, 2_800),
  phase(5, 'completed', 2_800, 3_400),
  phase(6, 'completed', 3_400, 4_300),
  phase(7, 'completed', 4_300, 4_800),
  phase(8, 'completed', 4_800, 5_400),
  [5_400, 'summary', { totalMs: 5_400, phaseMs: {}, text: 'All eight phases completed' }],
  [5_400, 'an.unknown.type', { whatever: true }],
]);

/**
 * B: phase 3 failed for good while 4 (longer) ran beside it; 4, 2 and 1 were
 * compensated; the cycle paused 1 s for a person; closed FAILED after 4.5 s. No
 * activity updates (an older version): retries come from `attempts`.
 */
export const failedCycle = cycle('cycle-b', DEC_8, { status: 'FAILED', closeAfter: 4_500 }, [
  [0, 'version', { version: 2, text: 'report timings' }],
  phase(1, 'completed', 0, 1_000, 3),
  phase(2, 'completed', 1_000, 1_500),
  phase(3, 'failed', 1_500, 2_500),
  phase(4, 'completed', 1_500, 3_000),
  [3_050, 'compensation', { phase: 4, name: nameOf(4), strategy: 'rollback', text: 'deleted 3 owners' }],
  [3_100, 'workflow.paused', { executionId: 'cycle-b', pausedAt: 'manual-compensation' }],
  [4_100, 'workflow.resumed', { executionId: 'cycle-b', resumedFrom: 'manual-compensation' }],
  [4_200, 'compensation', { phase: 2, name: nameOf(2), strategy: 'notify', text: 'owners notified' }],
  [4_300, 'compensation', { phase: 1, name: nameOf(1), strategy: 'rollback', text: 'plan deleted' }],
  [4_400, 'summary', { totalMs: 4_400, phaseMs: {}, text: 'Failed; compensated 3 phase(s)' }],
]);

/** C: still running (no version update): phase 1 took 1 s, phase 2 has run since 1 s. */
export const runningCycle = cycle('cycle-c', DEC_8 + 60_000, { status: 'RUNNING', closeAfter: null }, [
  phase(1, 'running', 0),
  phase(1, 'completed', 0, 1_000),
  phase(2, 'running', 1_000),
]);
