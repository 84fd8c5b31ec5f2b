import { ApplicationFailure } from '@temporalio/common';
import type { ActivityKind, CompensationStrategy } from '../shared';
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
}

/** Base delay of the database family's linear backoff: attempt n waits n × this. */
const LINEAR_STEP_MS = 200;

/**
 * One phase's work of the test cycle. Failures are typed by family: the LLM's rate limit and
 * the email server's outage are retried by their policies (exponential, fixed); a
 * database deadlock asks for a linear backoff itself through `nextRetryDelay`,
 * which Temporal's retry policy has no setting for.
 */
export async function runPhase(input: PhaseWork): Promise<{ attempts: number }> {
  await work(input.ms);
  const current = attempt();
  if (input.failForGood || current <= input.flakyAttempts) {
    const message = `${input.name}: ${FAILURE[input.kind]} (attempt ${current})`;
    if (input.kind === 'database') {
      throw ApplicationFailure.create({ message, type: 'DatabaseDeadlock', nextRetryDelay: current * LINEAR_STEP_MS });
    }
    throw ApplicationFailure.retryable(message, input.kind === 'llm' ? 'LlmRateLimited' : 'SmtpUnavailable');
  }
  return { attempts: current };
}

const FAILURE: Record<ActivityKind, string> = {
  llm: 'LLM provider rate-limited the request',
  database: 'database deadlock',
  email: 'mail server unavailable',
};

/** Undoes (or reports) a finished phase after a later one failed: the saga's compensation step. */
export async function compensatePhase(input: {
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

/** Writes the final report; version 2 (behind `patched()`) adds per-phase timings. */
export async function finalizeReport(input: { cycleId: string; withTimings: boolean }): Promise<string> {
  await work(200);
  return input.withTimings ? `Report for ${input.cycleId} with per-phase timings` : `Report for ${input.cycleId}`;
}
