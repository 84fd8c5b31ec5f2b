import { createUpdateLog } from '@resumable/workflow-state';
import { TEST_CYCLE_RETRY } from '../src/retry-policies';
import type { ActivityKind } from '../src/shared';

// The global test setup bundles this once per run; the e2e suite hands the bundle
// to the worker process (RESUMABLE_WORKFLOW_BUNDLE), so it starts without bundling.
export * from '../src/workflows/index';

/** What `retryTimingWorkflow` runs: an activity (registered by the test) that fails on purpose. */
export interface RetryTimingActivities {
  /** Records when the worker started the attempt, then fails unless `failures` attempts already failed. */
  failingAttempt(input: { key: string; failures: number; errorType: string }): Promise<string>;
}

export interface RetryTimingInput {
  kind: ActivityKind;
  /** Key the activity records its attempt start times under. */
  key: string;
  /** Attempts that fail before one succeeds (more than `maximumAttempts`: all fail). */
  failures: number;
  /** The failure's `ApplicationFailure` type (default 'Flaky'). */
  errorType?: string;
  /** Overrides the family's `maximumAttempts`. */
  maximumAttempts?: number;
  /** Overrides the family's `initialInterval`, ms. */
  initialInterval?: number;
}

/**
 * Runs `failingAttempt` through `log.proxyActivities()` with the test cycle's retry
 * policy of `kind` (optionally more attempts, another interval), so a test can compare
 * the attempts the log records and the worker saw with the policy's shape.
 */
export async function retryTimingWorkflow(input: RetryTimingInput): Promise<'COMPLETED' | 'FAILED'> {
  const log = createUpdateLog<'RUNNING' | 'COMPLETED' | 'FAILED', Record<string, never>>({ status: 'RUNNING' });
  const { retry, ...options } = TEST_CYCLE_RETRY[input.kind];
  const { failingAttempt } = log.proxyActivities<RetryTimingActivities>({
    ...options,
    retry: {
      ...retry,
      initialInterval: input.initialInterval ?? retry?.initialInterval,
      maximumAttempts: input.maximumAttempts ?? retry?.maximumAttempts,
    },
  });
  let outcome: 'COMPLETED' | 'FAILED' = 'COMPLETED';
  try {
    await failingAttempt({ key: input.key, failures: input.failures, errorType: input.errorType ?? 'Flaky' });
  } catch {
    outcome = 'FAILED';
  }
  log.setStatus(outcome);
  return outcome;
}
