import {
  ACTIVITY_EVENTS,
  ResumableError,
  type ActivityEndedData,
  type ActivityRetryingData,
  type ActivityStartedData,
} from '@resumable/protocol';
import { ActivityFailure, ApplicationFailure, isCancellation, proxyActivities, sleep } from '@temporalio/workflow';
import { parseDuration, type Duration } from './duration';

/**
 * How `log.proxyActivities()` retries: like Temporal's retry policy, but run by the
 * workflow, so each attempt, failure and delay is a fact in its durable log.
 *
 * @example
 * const retry: ActivityRetry = { maximumAttempts: 3, initialInterval: '1s', backoffCoefficient: 2 };
 */
export interface ActivityRetry {
  /** Attempts in all, the first included. Default 3. */
  maximumAttempts?: number;
  /** Delay before the 2nd attempt. Default 1 s. */
  initialInterval?: Duration;
  /**
   * How the delay grows, attempt `n` having failed: `'exponential'` (the default)
   * `initialInterval × backoffCoefficient^(n-1)`, `'linear'` `initialInterval × n`,
   * `'fixed'` `initialInterval` every time; each capped at `maximumInterval`.
   */
  backoff?: 'exponential' | 'linear' | 'fixed';
  /**
   * Each delay is the previous one times this (1: a fixed delay). Default 2. Only for
   * `'exponential'` backoff: `'linear'` refuses one, `'fixed'` accepts only 1.
   */
  backoffCoefficient?: number;
  /** Upper bound for a delay. Default 100 × `initialInterval`. */
  maximumInterval?: Duration;
  /** Error types (an `ApplicationFailure`'s `type`) not retried; a non-retryable `ApplicationFailure` never is. */
  nonRetryableErrorTypes?: string[];
}

/**
 * Options of `log.proxyActivities()`: the timeouts of each attempt (one of
 * `startToCloseTimeout` and `scheduleToCloseTimeout` is required, as for Temporal's
 * `proxyActivities`) and the retry policy, which the workflow runs (each attempt is one
 * activity execution).
 *
 * @example
 * const options: LoggedActivityOptions = { startToCloseTimeout: '1 minute', retry: { maximumAttempts: 3 } };
 */
export interface LoggedActivityOptions {
  /** Longest one attempt may run once a worker took it. */
  startToCloseTimeout?: Duration;
  /** Longest one attempt may take from being scheduled to its end. */
  scheduleToCloseTimeout?: Duration;
  /** Longest one attempt may wait for a worker to take it. */
  scheduleToStartTimeout?: Duration;
  /** A long attempt must heartbeat within this, or it is failed (and retried). */
  heartbeatTimeout?: Duration;
  /** The task queue of the activity's workers. Default: the workflow's. */
  taskQueue?: string;
  /** How attempts are retried; see {@link ActivityRetry}. */
  retry?: ActivityRetry;
}

/** The retry policy with defaults applied and checked. */
export interface Policy {
  maximumAttempts: number;
  backoff: NonNullable<ActivityRetry['backoff']>;
  initialMs: number;
  coefficient: number;
  maximumMs: number;
  nonRetryable: ReadonlySet<string>;
}

/** Applies the defaults to `retry` and checks it (ResumableError `INVALID_PARAMETER`). */
export function policyOf(retry: ActivityRetry = {}): Policy {
  const maximumAttempts = retry.maximumAttempts ?? 3;
  if (!Number.isSafeInteger(maximumAttempts) || maximumAttempts < 1) {
    throw new ResumableError(
      'INVALID_PARAMETER',
      `retry.maximumAttempts must be a positive integer (got ${maximumAttempts})`,
    );
  }
  const backoff = retry.backoff ?? 'exponential';
  if (backoff !== 'exponential' && backoff !== 'linear' && backoff !== 'fixed') {
    throw new ResumableError(
      'INVALID_PARAMETER',
      `retry.backoff must be 'exponential', 'linear' or 'fixed' (got ${String(backoff)})`,
    );
  }
  const coefficient = retry.backoffCoefficient ?? (backoff === 'exponential' ? 2 : 1);
  if (!(coefficient >= 1)) {
    throw new ResumableError('INVALID_PARAMETER', `retry.backoffCoefficient must be at least 1 (got ${coefficient})`);
  }
  // A coefficient that says otherwise than the backoff is a mistake in the policy, not a choice.
  if (backoff === 'linear' && retry.backoffCoefficient !== undefined) {
    throw new ResumableError('INVALID_PARAMETER', "retry.backoffCoefficient has no meaning with backoff 'linear'");
  }
  if (backoff === 'fixed' && coefficient !== 1) {
    throw new ResumableError(
      'INVALID_PARAMETER',
      `retry.backoffCoefficient must be 1 (or left out) with backoff 'fixed' (got ${coefficient})`,
    );
  }
  const initialMs = parseDuration(retry.initialInterval ?? '1s', 'retry.initialInterval');
  const maximumMs =
    retry.maximumInterval === undefined
      ? 100 * initialMs
      : parseDuration(retry.maximumInterval, 'retry.maximumInterval');
  return {
    maximumAttempts,
    backoff,
    initialMs,
    coefficient,
    maximumMs,
    nonRetryable: new Set(retry.nonRetryableErrorTypes),
  };
}

/**
 * The delay after failed attempt `attempt` (1-based), capped at `maximumMs`:
 * exponential `initial × coefficient^(attempt-1)`, linear `initial × attempt`, fixed `initial`.
 */
export function retryDelayMs(
  policy: Pick<Policy, 'backoff' | 'initialMs' | 'coefficient' | 'maximumMs'>,
  attempt: number,
): number {
  const uncapped =
    policy.backoff === 'linear'
      ? policy.initialMs * attempt
      : policy.backoff === 'fixed'
        ? policy.initialMs
        : policy.initialMs * policy.coefficient ** (attempt - 1);
  return Math.min(policy.maximumMs, Math.round(uncapped));
}

/** The failure's own message (an activity's error arrives wrapped in an `ActivityFailure`). */
function messageOf(error: unknown): string {
  const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

function retryable(error: unknown, policy: Policy): boolean {
  if (isCancellation(error)) return false;
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return !cause.nonRetryable && !policy.nonRetryable.has(cause.type ?? '');
  return true;
}

/** Writes an activity update into the log (the log's own append: these types are reserved). */
export type ActivityEmitter = (
  type: (typeof ACTIVITY_EVENTS)[keyof typeof ACTIVITY_EVENTS],
  data: ActivityStartedData | ActivityRetryingData | ActivityEndedData,
) => { sequence: number };

/**
 * Runs activity `activityType` with `args`, attempt after attempt, writing
 * `activity.started` for each, `activity.retrying` (error, delay) between them, and
 * `activity.completed` or `activity.failed` at the end; each names its attempt and
 * when that attempt was scheduled (`scheduledAt`, workflow time). Each attempt is one activity
 * execution (`activityId` `<id>#<attempt>`, Temporal retries off), so the workflow
 * decides and records every retry; the delay is a durable timer.
 */
export async function runActivity(
  emit: ActivityEmitter,
  nextSequence: () => number,
  activityType: string,
  args: unknown[],
  options: LoggedActivityOptions,
): Promise<unknown> {
  const { retry, ...activityOptions } = options;
  const policy = policyOf(retry);
  // The sequence its first update will take: unique across the task, continue-as-new included.
  const activityId = `${activityType}-${nextSequence()}`;
  for (let attempt = 1; ; attempt++) {
    // Workflow time: the worker's start of the attempt never reaches the workflow (only its result does).
    const at = { activityId, activityType, attempt, scheduledAt: Date.now() };
    emit(ACTIVITY_EVENTS.started, { ...at, maxAttempts: policy.maximumAttempts });
    try {
      const proxy = proxyActivities<Record<string, (...input: unknown[]) => Promise<unknown>>>({
        ...activityOptions,
        activityId: `${activityId}#${attempt}`,
        retry: { maximumAttempts: 1 },
      });
      const result = await (proxy[activityType] as (...input: unknown[]) => Promise<unknown>)(...args);
      emit(ACTIVITY_EVENTS.completed, at);
      return result;
    } catch (error) {
      const message = messageOf(error);
      if (attempt >= policy.maximumAttempts || !retryable(error, policy)) {
        emit(ACTIVITY_EVENTS.failed, { ...at, error: message });
        throw error;
      }
      const nextDelayMs = retryDelayMs(policy, attempt);
      emit(ACTIVITY_EVENTS.retrying, { ...at, error: message, nextDelayMs });
      await sleep(nextDelayMs);
    }
  }
}

/**
 * A proxy like Temporal's `proxyActivities`, whose calls go through {@link runActivity}.
 */
export function loggedActivities<A extends object>(
  emit: ActivityEmitter,
  nextSequence: () => number,
  options: LoggedActivityOptions,
): A {
  // Checked now, not at the first call: a bad policy is a bug in the workflow code.
  policyOf(options.retry);
  return new Proxy({} as A, {
    get: (_target, name) => {
      if (typeof name !== 'string') return undefined;
      return (...args: unknown[]) => runActivity(emit, nextSequence, name, args, options);
    },
  });
}
