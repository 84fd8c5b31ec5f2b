import { createUpdateLog } from '@resumable/workflow-state';
import { ApplicationFailure, patched, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type * as activities from '../activities';
import {
  TEST_CYCLE_PHASES,
  type ActivityKind,
  type PhaseNumber,
  type TestCycleInput,
  type TestCycleStatus,
  type TestCycleUpdates,
} from '../shared';

/**
 * Retry policies per activity family: LLM requests back off
 * exponentially, email retries at a fixed delay, and database work backs off
 * linearly (the activity sets `nextRetryDelay`: attempt × 200 ms).
 */
const RETRY: Record<ActivityKind, ActivityOptions> = {
  llm: {
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 3, initialInterval: '300ms', backoffCoefficient: 2, maximumInterval: '5s' },
  },
  database: {
    startToCloseTimeout: '30 seconds',
    retry: {
      maximumAttempts: 3,
      initialInterval: '200ms',
      backoffCoefficient: 1,
      nonRetryableErrorTypes: ['ConstraintViolation'],
    },
  },
  email: {
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 3, initialInterval: '250ms', backoffCoefficient: 1 },
  },
};
const byKind = {
  llm: proxyActivities<typeof activities>(RETRY.llm),
  database: proxyActivities<typeof activities>(RETRY.database),
  email: proxyActivities<typeof activities>(RETRY.email),
};
const { compensatePhase } = proxyActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });

/** Simulated work per phase, ms (phases 3 and 4 are the long ones, and overlap). */
const WORK_MS: Record<PhaseNumber, number> = { 1: 700, 2: 500, 3: 1600, 4: 1300, 5: 600, 6: 900, 7: 500, 8: 600 };
/** Phases whose first attempt fails, so every run shows its family's retry policy. */
const FLAKY: Partial<Record<PhaseNumber, number>> = { 1: 1, 4: 1, 5: 1 };

/** The `patched()` change id: version 2 adds per-phase timings to the final report. */
export const REPORT_TIMINGS_PATCH = 'report-with-phase-timings';

/**
 * The eight-phase test cycle. Phases 3 and 4 run in parallel and join before
 * phase 5; each activity family has its own retry policy; when a phase fails for
 * good the finished phases are compensated in reverse order (a saga); every phase
 * emits its state and timings as updates.
 */
export async function testCycleWorkflow(input: TestCycleInput): Promise<TestCycleStatus> {
  const log = createUpdateLog<TestCycleStatus, TestCycleUpdates>({ status: 'RUNNING' });
  const speed = input.speed ?? 1;
  const started = Date.now();
  const timings: Record<string, number> = {};
  // Finished phases, newest last: the saga's compensation stack.
  const done: (typeof TEST_CYCLE_PHASES)[number][] = [];

  // Replays of cycles started before this change keep the old path (no marker in their history).
  const withTimings = patched(REPORT_TIMINGS_PATCH);
  log.emit('version', {
    version: withTimings ? 2 : 1,
    text: withTimings ? `patched('${REPORT_TIMINGS_PATCH}'): the report carries per-phase timings` : 'original version',
  });

  async function runPhase(phase: PhaseNumber): Promise<void> {
    const spec = TEST_CYCLE_PHASES[phase - 1] as (typeof TEST_CYCLE_PHASES)[number];
    const startedAt = Date.now();
    log.emit('phase', { phase, name: spec.name, state: 'running', startedAt });
    try {
      const { attempts } =
        phase === 8 && withTimings
          ? await byKind.llm.finalizeReport({ cycleId: input.cycleId, withTimings }).then(() => ({ attempts: 1 }))
          : await byKind[spec.kind].runPhase({
              cycleId: input.cycleId,
              phase,
              name: spec.name,
              kind: spec.kind,
              ms: WORK_MS[phase] * speed,
              flakyAttempts: FLAKY[phase] ?? 0,
              failForGood: input.failAtPhase === phase,
            });
      const endedAt = Date.now();
      timings[spec.name] = endedAt - startedAt;
      done.push(spec);
      log.emit('phase', {
        phase,
        name: spec.name,
        state: 'completed',
        startedAt,
        endedAt,
        durationMs: endedAt - startedAt,
        attempts,
      });
    } catch (error) {
      const endedAt = Date.now();
      const message =
        error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      log.emit('phase', {
        phase,
        name: spec.name,
        state: 'failed',
        startedAt,
        endedAt,
        durationMs: endedAt - startedAt,
        error: message,
      });
      throw error;
    }
  }

  try {
    await runPhase(1);
    await runPhase(2);
    // Phases 3 and 4 in parallel; both settle before phase 5 (or before compensating).
    const parallel = await Promise.allSettled([runPhase(3), runPhase(4)]);
    const failed = parallel.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    for (const phase of [5, 6, 7, 8] as const) await runPhase(phase);
  } catch (error) {
    log.setStatus('COMPENSATING');
    for (const spec of [...done].reverse()) {
      const text = await compensatePhase({
        cycleId: input.cycleId,
        phase: spec.phase,
        name: spec.name,
        strategy: spec.compensation,
      });
      log.emit('compensation', { phase: spec.phase, name: spec.name, strategy: spec.compensation, text });
    }
    log.setStatus('FAILED');
    log.emit('summary', {
      totalMs: Date.now() - started,
      phaseMs: timings,
      text: `Failed; compensated ${done.length} phase(s)`,
    });
    throw ApplicationFailure.nonRetryable(
      `Test cycle ${input.cycleId} failed and was compensated`,
      'TestCycleFailed',
      String(error),
    );
  }

  log.setStatus('COMPLETED');
  log.emit('summary', {
    totalMs: Date.now() - started,
    phaseMs: withTimings ? timings : {},
    text: `All eight phases completed in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  });
  return log.status;
}
