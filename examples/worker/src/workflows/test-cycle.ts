import { createUpdateLog, type UpdateLog } from '@resumable/workflow-state';
import {
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  deprecatePatch,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  type ActivityOptions,
} from '@temporalio/workflow';
import type * as activities from '../activities';
import { TEST_CYCLE_RETRY } from '../retry-policies';
import {
  MANUAL_COMPENSATION_PAUSE,
  MANUAL_INTERVENTION_PAUSE,
  SQLITE_STORE_PATCH,
  TEST_CYCLE_PHASES,
  TEST_CYCLE_VERSION_QUERY,
  type ActivityKind,
  type PhaseNumber,
  type TestCycleInput,
  type TestCycleStatus,
  type TestCycleUpdates,
  type TestCycleVersion,
} from '../shared';
import type { LedgerEntry } from '../store';

type Log = UpdateLog<TestCycleStatus, TestCycleUpdates>;
type Spec = (typeof TEST_CYCLE_PHASES)[number];

/**
 * Versions 1 and 2: retry policies per activity family, run by Temporal. LLM requests
 * back off exponentially, email retries at a fixed delay, and database work backs off
 * linearly (the activity sets `nextRetryDelay`: attempt × 200 ms). Version 3 runs
 * `TEST_CYCLE_RETRY` through `log.proxyActivities()` instead.
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

/** The change id of version 2 (per-phase timings in the final report), now deprecated: version 1 is retired. */
export const REPORT_TIMINGS_PATCH = 'report-with-phase-timings';
/**
 * The change id of "a cancelled cycle compensates the phases it interrupted" (version 3
 * cycles cancelled mid-phase): consulted only when a cancellation finds a phase under
 * way, so every other history is unchanged; a cycle cancelled before it replays without.
 */
export const COMPENSATE_INTERRUPTED_PATCH = 'test-cycle-compensate-interrupted';

const versionQuery = defineQuery<TestCycleVersion>(TEST_CYCLE_VERSION_QUERY);

/**
 * The eight-phase test cycle. Phases 3 and 4 run in parallel and join before
 * phase 5; each activity family has its own retry policy; when a phase fails for
 * good the finished phases are compensated in reverse order (a saga); every phase
 * emits its state and timings as updates.
 *
 * Two versions live here, chosen by a `patched()` marker so a run replays on the path
 * it started on: 2 (the report carries per-phase timings) and 3 (phases write SQLite
 * records, compensation acts on them, retries are logged, `skipPhases`). Version 1 (the
 * original) is retired through `deprecatePatch()`.
 */
export async function testCycleWorkflow(input: TestCycleInput): Promise<TestCycleStatus> {
  const log = createUpdateLog<TestCycleStatus, TestCycleUpdates>({ status: 'RUNNING', workflowName: 'Test Cycle' });
  // Version 1 is retired: no cycle started before version 2 can still be running, so the
  // timings patch is deprecated (its marker is still written, and histories holding it
  // replay) and its old path is gone; the next step deletes this line.
  deprecatePatch(REPORT_TIMINGS_PATCH);
  // Replays of cycles started before version 3 keep the version 2 path (no marker in their history).
  const withStore = patched(SQLITE_STORE_PATCH);
  const version: TestCycleVersion = withStore ? 3 : 2;
  setHandler(versionQuery, () => version);
  log.emit('version', { version, text: VERSION_TEXT[version] });
  if (withStore) return storedCycle(input, log);

  const speed = input.speed ?? 1;
  const started = Date.now();
  const timings: Record<string, number> = {};
  // Finished phases, newest last: the saga's compensation stack.
  const done: Spec[] = [];

  async function runPhase(phase: PhaseNumber): Promise<void> {
    const spec = TEST_CYCLE_PHASES[phase - 1] as Spec;
    const startedAt = Date.now();
    log.emit('phase', { phase, name: spec.name, state: 'running', startedAt });
    try {
      const { attempts } =
        phase === 8
          ? await byKind.llm.finalizeReport({ cycleId: input.cycleId, withTimings: true }).then(() => ({ attempts: 1 }))
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
      log.emit('phase', {
        phase,
        name: spec.name,
        state: 'failed',
        startedAt,
        endedAt,
        durationMs: endedAt - startedAt,
        error: messageOf(error),
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
    phaseMs: timings,
    text: `All eight phases completed in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  });
  return log.status;
}

const VERSION_TEXT: Record<TestCycleVersion, string> = {
  1: 'original version',
  2: `patched('${REPORT_TIMINGS_PATCH}'): the report carries per-phase timings`,
  3: `patched('${SQLITE_STORE_PATCH}'): phases write SQLite records, compensation acts on them, every attempt is logged`,
};

/** The activity's own message (it arrives wrapped in an `ActivityFailure`). */
function messageOf(error: unknown): string {
  return error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
}

/** A phase that failed for good, with the phase it was. */
class PhaseFailure extends Error {
  constructor(
    readonly spec: Spec,
    cause: unknown,
  ) {
    super(`${spec.name} failed: ${messageOf(cause)}`, { cause });
  }
}

/** A person cancelled the cycle at a manual wait. */
class CycleCancelled extends Error {}

/**
 * Version 3: each phase writes its records into the SQLite store; a phase that fails
 * for good starts the saga, which compensates the failed phase (when it wrote anything)
 * and then the finished ones, newest first, each by its strategy: `rollback`,
 * `partial-rollback`, `notify`, or `skip`, which waits for a person. A `skip` phase that
 * fails waits too: resumed, the cycle passes over it; cancelled, the saga runs and the
 * cycle ends CANCELLED. When Temporal cancels the cycle, the phases under way (their
 * activity running, or waiting between attempts) are compensated first, as failed
 * phases, then the finished ones (`patched(COMPENSATE_INTERRUPTED_PATCH)`); the store
 * drops a write that an interrupted attempt still makes after its phase's compensation.
 */
async function storedCycle(input: TestCycleInput, log: Log): Promise<TestCycleStatus> {
  const speed = input.speed ?? 1;
  const started = Date.now();
  const skipped = new Set(input.skipPhases ?? []);
  const timings: Record<string, number> = {};
  const done: Spec[] = [];
  // Phases whose activity is under way: what a cancellation interrupts.
  const underWay = new Set<Spec>();
  // Every attempt is a fact in the log, each family with its own backoff.
  const family = {
    llm: log.proxyActivities<typeof activities>(TEST_CYCLE_RETRY.llm),
    database: log.proxyActivities<typeof activities>(TEST_CYCLE_RETRY.database),
    email: log.proxyActivities<typeof activities>(TEST_CYCLE_RETRY.email),
  };

  function reported(entry: LedgerEntry | null): void {
    if (!entry) return;
    const phase = entry.phase as PhaseNumber;
    const { name, strategy, text, outcome, phaseState, undone, kept } = entry;
    log.emit('compensation', { phase, name, strategy, text, outcome, phaseState, undone, kept });
    if (outcome === 'notified') log.emit('notification', { phase, name, text });
  }

  /** Waits at a manual pause for a person; the status shows it meanwhile. */
  async function askPerson(pause: string, spec: Spec, error?: string): Promise<'resumed' | 'cancelled'> {
    const before = log.status;
    log.setStatus('WAITING_FOR_PERSON');
    const outcome = await log.pause({
      name: pause,
      variables: { cycleId: input.cycleId, phase: spec.phase, phaseName: spec.name, ...(error ? { error } : {}) },
    });
    log.setStatus(before);
    return outcome.type === 'resumed' ? 'resumed' : 'cancelled';
  }

  async function runPhase(phase: PhaseNumber): Promise<void> {
    const spec = TEST_CYCLE_PHASES[phase - 1] as Spec;
    const startedAt = Date.now();
    if (skipped.has(phase)) {
      log.emit('phase', { phase, name: spec.name, state: 'skipped', startedAt });
      return;
    }
    log.emit('phase', { phase, name: spec.name, state: 'running', startedAt });
    underWay.add(spec);
    try {
      const { attempts } = await family[spec.kind].runPhase({
        cycleId: input.cycleId,
        phase,
        name: spec.name,
        kind: spec.kind,
        ms: WORK_MS[phase] * speed,
        flakyAttempts: FLAKY[phase] ?? 0,
        failForGood: input.failAtPhase === phase,
        store: true,
        ...(phase === 8 ? { timings } : {}),
      });
      const endedAt = Date.now();
      timings[spec.name] = endedAt - startedAt;
      underWay.delete(spec);
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
      const message = messageOf(error);
      // Interrupted by a cancellation, the phase stays under way (the saga compensates it).
      if (!isCancellation(error)) underWay.delete(spec);
      log.emit('phase', {
        phase,
        name: spec.name,
        state: 'failed',
        startedAt,
        endedAt,
        durationMs: endedAt - startedAt,
        error: message,
      });
      // Temporal cancelled the cycle: not this phase's failure, the saga handles it below.
      if (isCancellation(error)) throw error;
      if (spec.compensation !== 'skip') throw new PhaseFailure(spec, error);
      // "Continue with manual intervention": a person finishes the phase by hand, or stops the cycle.
      const decision = await askPerson(MANUAL_INTERVENTION_PAUSE, spec, message);
      reported(
        await family.database.compensateStoredPhase({
          cycleId: input.cycleId,
          phase,
          name: spec.name,
          strategy: spec.compensation,
          phaseState: 'failed',
          decision,
        }),
      );
      if (decision === 'cancelled') throw new CycleCancelled(`${spec.name}: cancelled by a person`);
      log.emit('phase', { phase, name: spec.name, state: 'skipped', startedAt, endedAt, error: message });
    }
  }

  /** The saga: the failed (or interrupted) phases first, then the finished ones newest first. False if a person cancelled it. */
  async function compensate(failed: Spec[]): Promise<boolean> {
    log.setStatus('COMPENSATING');
    const stack = [
      ...failed.map((spec) => ({ spec, phaseState: 'failed' as const })),
      ...[...done].reverse().map((spec) => ({ spec, phaseState: 'completed' as const })),
    ];
    for (const { spec, phaseState } of stack) {
      const decision = spec.compensation === 'skip' ? await askPerson(MANUAL_COMPENSATION_PAUSE, spec) : undefined;
      reported(
        await family.database.compensateStoredPhase({
          cycleId: input.cycleId,
          phase: spec.phase,
          name: spec.name,
          strategy: spec.compensation,
          phaseState,
          ...(decision ? { decision } : {}),
        }),
      );
      // A person who cancels at a manual wait stops the saga there.
      if (decision === 'cancelled') return false;
    }
    return true;
  }

  function summary(text: string): void {
    log.emit('summary', { totalMs: Date.now() - started, phaseMs: timings, text });
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
    // A cancellation interrupts the phases under way: they are compensated first, newest
    // first, as failed phases. Behind a patch: a cycle cancelled mid-phase before this
    // change compensated the finished phases only, and replays so.
    const interrupted =
      isCancellation(error) && underWay.size > 0 && patched(COMPENSATE_INTERRUPTED_PATCH)
        ? [...underWay].sort((a, b) => b.phase - a.phase)
        : [];
    // Compensation runs to its end even when Temporal cancels the workflow.
    const finished = await CancellationScope.nonCancellable(() =>
      compensate(error instanceof PhaseFailure ? [error.spec] : interrupted),
    );
    if (isCancellation(error)) {
      log.setStatus('CANCELLED');
      summary(
        interrupted.length > 0
          ? `Cancelled during ${interrupted.map((spec) => spec.name).join(' and ')}; compensated ${interrupted.length > 1 ? 'them' : 'it'} and the finished phases`
          : `Cancelled; compensated the finished phases`,
      );
      throw error;
    }
    if (error instanceof CycleCancelled || !finished) {
      log.setStatus('CANCELLED');
      summary(
        error instanceof CycleCancelled
          ? `${error.message}; compensated the finished phases`
          : 'Compensation cancelled by a person',
      );
      return log.status;
    }
    log.setStatus('FAILED');
    summary(`Failed; compensated ${done.length} finished phase(s)`);
    throw ApplicationFailure.nonRetryable(
      `Test cycle ${input.cycleId} failed and was compensated`,
      'TestCycleFailed',
      String(error),
    );
  }

  log.setStatus('COMPLETED');
  const ran = TEST_CYCLE_PHASES.filter((spec) => !skipped.has(spec.phase)).length;
  summary(`${ran} of eight phases completed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return log.status;
}
