import type { LoggedActivityOptions } from '@resumable/workflow-state';
import type { ActivityKind } from './shared';

/**
 * The test cycle's retry policy per activity family, for `log.proxyActivities()` (the
 * workflow runs them, so each attempt and delay is in the log): LLM requests back off
 * exponentially (300, 600 ms), database work linearly (200, 400 ms) and refuses to retry
 * a `ConstraintViolation`, email at a fixed 250 ms. Three attempts each. The delays are
 * durable timers, which Temporal does not keep to sub-second accuracy: on the dev server
 * each of these measured about 1 s (the shapes show from 1 s intervals up).
 *
 * @example
 * const { runPhase } = log.proxyActivities<typeof activities>(TEST_CYCLE_RETRY.database);
 */
export const TEST_CYCLE_RETRY: Record<ActivityKind, LoggedActivityOptions> = {
  llm: {
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 3, backoff: 'exponential', initialInterval: '300ms', backoffCoefficient: 2 },
  },
  database: {
    startToCloseTimeout: '30 seconds',
    retry: {
      maximumAttempts: 3,
      backoff: 'linear',
      initialInterval: '200ms',
      nonRetryableErrorTypes: ['ConstraintViolation'],
    },
  },
  email: {
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 3, backoff: 'fixed', initialInterval: '250ms' },
  },
};
