/**
 * Update types an update log writes for an activity run with `log.activity()`: durable
 * facts in the workflow's log, each once, like any update. Live progress reported from
 * inside the activity (`ActivityProgress`) is not among them: it never enters history.
 *
 * @example
 * if (update.type === ACTIVITY_EVENTS.retrying) showRetry(update.data as ActivityRetryingData);
 */
export const ACTIVITY_EVENTS = {
  /** An attempt was scheduled: `ActivityStartedData`. */
  started: 'activity.started',
  /** An attempt failed and another follows after a delay: `ActivityRetryingData`. */
  retrying: 'activity.retrying',
  /** An attempt succeeded: `ActivityEndedData`. */
  completed: 'activity.completed',
  /** The last attempt failed (or the error was not retryable): `ActivityEndedData` with `error`. */
  failed: 'activity.failed',
} as const;

/**
 * The name of an activity update type.
 *
 * @example
 * const type: ActivityEventName = 'activity.started';
 */
export type ActivityEventName = (typeof ACTIVITY_EVENTS)[keyof typeof ACTIVITY_EVENTS];

/**
 * What every activity update names: which activity (the id `log.activity()` gave it,
 * stable across attempts), of which type, at which attempt (1, 2, …).
 *
 * @example
 * const at: ActivityAttempt = { activityId: 'import-1', activityType: 'importFile', attempt: 2 };
 */
export interface ActivityAttempt {
  /** Stable across attempts; unique within the task. */
  activityId: string;
  /** The activity function's name. */
  activityType: string;
  /** 1 for the first attempt. */
  attempt: number;
}

/**
 * `data` of `activity.started`.
 *
 * @example
 * const started: ActivityStartedData = { activityId: 'import-1', activityType: 'importFile', attempt: 1, maxAttempts: 3 };
 */
export interface ActivityStartedData extends ActivityAttempt {
  /** Attempts allowed in all (the retry policy's `maximumAttempts`). */
  maxAttempts: number;
  /**
   * When this attempt was scheduled, ms since the epoch (the workflow's clock). When a
   * worker took it is not known to the workflow (Temporal hands it only the result);
   * an activity's own progress reports carry the worker's clock. Absent in logs written
   * before it was added.
   */
  scheduledAt?: number;
}

/**
 * `data` of `activity.retrying`: the attempt that failed, why, and when the next starts.
 *
 * @example
 * const retrying: ActivityRetryingData = { activityId: 'import-1', activityType: 'importFile', attempt: 1, error: 'timeout', nextDelayMs: 1000 };
 */
export interface ActivityRetryingData extends ActivityAttempt {
  /** The failure's message. */
  error: string;
  /** Time until the next attempt is scheduled, ms (a durable timer in the workflow). */
  nextDelayMs: number;
  /**
   * When the failed attempt was scheduled (as in its `activity.started`), so the
   * update's own timestamp minus this is how long the attempt took, queueing included.
   */
  scheduledAt?: number;
}

/**
 * `data` of `activity.completed` and `activity.failed` (which adds `error`).
 *
 * @example
 * const ended: ActivityEndedData = { activityId: 'import-1', activityType: 'importFile', attempt: 2 };
 */
export interface ActivityEndedData extends ActivityAttempt {
  /** Why the activity failed (only on `activity.failed`). */
  error?: string;
  /**
   * When the last attempt was scheduled (as in its `activity.started`), so the update's
   * own timestamp minus this is how long that attempt took, queueing included.
   */
  scheduledAt?: number;
}

/**
 * Progress reported from inside a running activity (`reportProgress`): live only, never
 * in history. `counter` grows by one per report within an attempt, so a consumer keeps
 * the newest and drops one that arrives late; a higher `attempt` starts over.
 *
 * @example
 * const progress: ActivityProgress<{ percent: number }> = {
 *   activityId: 'import-1', activityType: 'importFile', attempt: 1, counter: 7, timestamp: Date.now(), data: { percent: 35 },
 * };
 */
export interface ActivityProgress<TData = unknown> extends ActivityAttempt {
  /** 1, 2, 3, … per attempt. */
  counter: number;
  /** When it was reported, ms since the epoch (the worker's clock). */
  timestamp: number;
  /** What the activity reported. */
  data: TData;
}

/**
 * A progress report on the bus, for the task's servers (the `progress` SSE event).
 *
 * @example
 * await bus.publish({ kind: 'progress', taskId, progress });
 */
export interface ActivityProgressMessage {
  /** Tells it from updates and pause messages. */
  kind: 'progress';
  /** The Temporal workflow id the activity belongs to. */
  taskId: string;
  /** The report. */
  progress: ActivityProgress;
}

/**
 * One activity as a UI shows it: where the durable log says it stands, and its newest
 * live progress (of the current attempt).
 *
 * @example
 * const state: ActivityState = { activityId: 'import-1', activityType: 'importFile', attempt: 2, maxAttempts: 3, status: 'running' };
 */
export interface ActivityState extends ActivityAttempt {
  /** Attempts allowed in all. */
  maxAttempts: number;
  /** Where it stands, from the durable log. */
  status: 'running' | 'retrying' | 'completed' | 'failed';
  /** The last failure's message, if any. */
  error?: string;
  /** While `retrying`: when the next attempt starts, ms since the epoch. */
  nextAttemptAt?: number;
  /** The newest live progress of the current attempt, if any arrived. */
  progress?: ActivityProgress;
}
