/**
 * Activities of the activity tests (run by the test's worker, outside the workflow
 * sandbox): they report progress and fail on the attempts they are told to.
 */
import { ApplicationFailure } from '@temporalio/common';
import { reportProgress } from '../src/worker/index';

export interface ImportInput {
  /** Progress reports per attempt. */
  reports: number;
  /** Attempts that fail after half their reports (1-based, as `log.proxyActivities()` counts). */
  failOn: number[];
  /** Make the failure non-retryable. */
  fatal?: boolean;
}

/** Counts attempts per workflow, since each attempt is its own activity execution. */
const attempts = new Map<string, number>();

/** Reports `reports` progress steps; fails half-way through on the attempts in `failOn`. */
export async function importRows(input: ImportInput & { key: string }): Promise<string> {
  const attempt = (attempts.get(input.key) ?? 0) + 1;
  attempts.set(input.key, attempt);
  for (let step = 1; step <= input.reports; step++) {
    reportProgress({ step, of: input.reports });
    if (input.failOn.includes(attempt) && step === Math.ceil(input.reports / 2)) {
      if (input.fatal) throw ApplicationFailure.nonRetryable(`bad file at row ${step}`, 'BadFile');
      throw new Error(`connection reset at row ${step}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return `imported ${input.reports} rows on attempt ${attempt}`;
}
