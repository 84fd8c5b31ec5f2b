import { ApplicationFailure } from '@temporalio/common';
import type { ActivityKind, CompensationStrategy, PhaseNumber } from '../shared';
import { openTestCycleStore, phaseItems, testCycleDbPath, type LedgerEntry } from '../store';
import { attempt, work } from './simulate';

export interface PhaseWork {
  cycleId: string;
  phase: number;
  name: string;
  kind: ActivityKind;
  /** Simulated work, ms. */
  ms: number;
  /** Attempts that fail before one works (deterministic, so retries show every run). */
  flakyAttempts: number;
  /** Fail every attempt: exhausts the retry policy and starts the saga's compensation. */
  failForGood: boolean;
  /** Version 3: write the phase's records into the store (absent for runs of older versions). */
  store?: boolean;
  /** Version 3, phase 8: the per-phase timings the report records. */
  timings?: Record<string, number>;
}

/** Input of `compensateStoredPhase` (version 3). */
export interface StoredCompensation {
  cycleId: string;
  phase: PhaseNumber;
  name: string;
  strategy: CompensationStrategy;
  phaseState: 'completed' | 'failed';
  decision?: 'resumed' | 'cancelled';
}

/** Base delay of the database family's linear backoff: attempt n waits n × this. */
const LINEAR_STEP_MS = 200;

const FAILURE: Record<ActivityKind, string> = {
  llm: 'LLM provider rate-limited the request',
  database: 'database deadlock',
  email: 'mail server unavailable',
};

/**
 * The test cycle's activities, writing into the SQLite file at `dbPath`. The names
 * stay those of the older versions: a run started before the store existed calls
 * them without `store` and gets the old behaviour.
 */
export function createTestCycleActivities({ dbPath }: { dbPath: string }) {
  const store = openTestCycleStore(dbPath);

  /**
   * One phase's work. Failures are typed by family: the LLM's rate limit and the email
   * server's outage are retried by their policies (exponential, fixed); a database
   * deadlock asks for a linear backoff through `nextRetryDelay` (older versions, whose
   * retries Temporal runs). With `store`, an attempt that fails has written part of its
   * items (the first half complete, the rest pending) and a successful one all of them,
   * replacing the earlier attempt's rows.
   */
  async function runPhase(input: PhaseWork): Promise<{ attempts: number }> {
    await work(input.ms);
    const current = attempt();
    const fails = input.failForGood || current <= input.flakyAttempts;
    if (input.store) {
      const phase = input.phase as PhaseNumber;
      const all = phaseItems(phase).length;
      await store.writePhase({
        cycleId: input.cycleId,
        phase,
        attempt: current,
        complete: fails ? Math.floor(all / 2) : all,
        data: { name: input.name, ...(input.timings ? { timings: input.timings } : {}) },
      });
    }
    if (fails) {
      const message = `${input.name}: ${FAILURE[input.kind]} (attempt ${current})`;
      if (input.kind === 'database') {
        throw ApplicationFailure.create({
          message,
          type: 'DatabaseDeadlock',
          nextRetryDelay: current * LINEAR_STEP_MS,
        });
      }
      throw ApplicationFailure.retryable(message, input.kind === 'llm' ? 'LlmRateLimited' : 'SmtpUnavailable');
    }
    return { attempts: current };
  }

  /** Versions 1 and 2: reports a finished phase's compensation (nothing is stored to undo). */
  async function compensatePhase(input: {
    cycleId: string;
    phase: number;
    name: string;
    strategy: CompensationStrategy;
  }): Promise<string> {
    await work(120);
    switch (input.strategy) {
      case 'rollback':
        return `Rolled back ${input.name}`;
      case 'partial-rollback':
        return `Rolled back the unfinished part of ${input.name}, kept what succeeded`;
      case 'notify':
        return `Notified the owners of ${input.name}`;
      case 'skip':
        return `Left ${input.name} for manual follow-up`;
    }
  }

  /** Version 3: undoes or keeps the phase's rows by its strategy and writes the ledger row. */
  async function compensateStoredPhase(input: StoredCompensation): Promise<LedgerEntry | null> {
    return store.compensate(input);
  }

  /** Version 2: writes the final report with per-phase timings. */
  async function finalizeReport(input: { cycleId: string; withTimings: boolean }): Promise<string> {
    await work(200);
    return input.withTimings ? `Report for ${input.cycleId} with per-phase timings` : `Report for ${input.cycleId}`;
  }

  return { runPhase, compensatePhase, compensateStoredPhase, finalizeReport };
}

export type TestCycleActivities = ReturnType<typeof createTestCycleActivities>;

/** The activities on the default database (`RESUMABLE_TEST_CYCLE_DB`); nothing is opened until one runs. */
export const { runPhase, compensatePhase, compensateStoredPhase, finalizeReport } = createTestCycleActivities({
  dbPath: testCycleDbPath(),
});
