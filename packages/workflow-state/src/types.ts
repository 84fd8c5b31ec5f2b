import type {
  ActivityEndedData,
  ActivityEventName,
  ActivityRetryingData,
  ActivityStartedData,
  PauseDeltaName,
  PausedWorkflow,
  UpdateMap,
  UpdateOf,
  WorkflowCancelledData,
  WorkflowResumedData,
  WorkflowTimedOutData,
} from '@resumable/protocol';
import type { Duration } from './duration';
import type { LogLimits } from './limits';

/**
 * The update types the pause helper writes into the log, with their payloads.
 *
 * @example
 * const update: UpdateOf<PauseUpdates> = state.updates[0]!;
 * if (update.type === 'workflow.paused') console.log(update.data.waitingFor);
 */
export type PauseUpdates = {
  /** An execution paused. */
  'workflow.paused': PausedWorkflow;
  /** It went on (resumed by a signal or a trigger). */
  'workflow.resumed': WorkflowResumedData;
  /** Its pause was cancelled. */
  'workflow.cancelled': WorkflowCancelledData;
  /** Its pause reached its deadline. */
  'workflow.timeout': WorkflowTimedOutData;
};

/**
 * The update types `log.proxyActivities()` writes into the log, with their payloads.
 *
 * @example
 * const update: UpdateOf<ActivityUpdates> = state.updates[0]!;
 * if (update.type === 'activity.retrying') console.log(update.data.error, update.data.nextDelayMs);
 */
export type ActivityUpdates = {
  /** An attempt was scheduled. */
  'activity.started': ActivityStartedData;
  /** An attempt failed; the next follows after `nextDelayMs`. */
  'activity.retrying': ActivityRetryingData;
  /** An attempt succeeded. */
  'activity.completed': ActivityEndedData;
  /** The last attempt failed, or the error was not retryable. */
  'activity.failed': ActivityEndedData;
};

/**
 * Everything a log can hold: the app's own updates plus the pause and activity events.
 *
 * @example
 * type Entry = UpdateOf<LogUpdateMap<{ message: { text: string } }>>;
 */
export type LogUpdateMap<TMap extends UpdateMap> = Omit<TMap, PauseDeltaName | ActivityEventName> &
  PauseUpdates &
  ActivityUpdates;

/**
 * One entry of a log with app map `TMap`.
 *
 * @example
 * const first: LogUpdate<{ message: { text: string } }> | undefined = log.updates[0];
 */
export type LogUpdate<TMap extends UpdateMap> = UpdateOf<LogUpdateMap<TMap>>;

/**
 * The update types an app may `emit`: its map's keys minus the reserved pause and activity events,
 * which only the pause helper writes (so each appears exactly once per pause).
 *
 * @example
 * type Emittable = EmitType<{ message: { text: string } }>; // 'message'
 */
export type EmitType<TMap extends UpdateMap> = Exclude<keyof TMap & string, PauseDeltaName | ActivityEventName>;

/**
 * What continue-as-new hands to the next run: the log as it stands, numbering kept.
 * Pass it back in as `createUpdateLog({ carried })`.
 *
 * @example
 * export async function longTask(input: { carried?: CarriedLog<Status, Updates> }) {
 *   const log = createUpdateLog<Status, Updates>({ status: 'RUNNING', carried: input.carried });
 * }
 */
export interface CarriedLog<TStatus extends string = string, TMap extends UpdateMap = UpdateMap, TSnapshot = unknown> {
  /** The status when the run ended. */
  status: TStatus;
  /** Start of the first run, milliseconds since the epoch. */
  startTime: number;
  /** The highest sequence emitted so far. */
  lastSequence: number;
  /** The lowest sequence in `updates` (`lastSequence + 1` when empty). */
  firstSequence: number;
  /** The updates still held, in sequence order. */
  updates: LogUpdate<TMap>[];
  /** Summary of the updates below `firstSequence`, when a compaction policy made one. */
  snapshot?: TSnapshot;
  /** The log's epoch: the run id of the run that began it (absent when carried from before epochs). */
  epoch?: string;
  /** Keys of the pause actions applied so far (newest last, bounded), so a redelivery stays a no-op. */
  actionKeys?: string[];
  /** Keys of the `resumable.publish` batches appended so far (newest last, bounded), so a redelivery stays a no-op. */
  publishKeys?: string[];
}

/**
 * Folds old updates into a snapshot so the log holds at most about `keep` updates.
 *
 * @example
 * const compaction: CompactionPolicy<Updates, { done: number }> = {
 *   keep: 1_000,
 *   reduce: (snapshot, updates) => ({ done: (snapshot?.done ?? 0) + updates.length }),
 * };
 */
export interface CompactionPolicy<TMap extends UpdateMap = UpdateMap, TSnapshot = unknown> {
  /**
   * Updates to keep. Compaction runs once the log holds `keep + max(1, keep / 4)`
   * updates, so the cost is paid in batches, and brings it back to `keep`.
   */
  keep: number;
  /**
   * Folds the updates leaving the log into the snapshot. Runs inside the workflow, so
   * it must be deterministic. Without it old updates are dropped and only
   * `firstSequence` says where the log starts.
   */
  reduce?: (snapshot: TSnapshot | undefined, updates: readonly LogUpdate<TMap>[]) => TSnapshot;
}

/**
 * Options of `createUpdateLog`.
 *
 * @example
 * createUpdateLog<Status, Updates>({ status: 'IN_PROGRESS', carried: input.carried, limits: { stateUpdates: 500 } });
 */
export interface UpdateLogOptions<TStatus extends string, TMap extends UpdateMap, TSnapshot> {
  /**
   * Initial status (a carried log keeps its own). Not used to infer `TStatus`, so a
   * log created without type arguments takes any status string later.
   */
  status: NoInfer<TStatus>;
  /** The log a previous run handed over through continue-as-new. */
  carried?: CarriedLog<TStatus, TMap, TSnapshot> | null;
  /** Keep the log bounded by folding old updates into a snapshot. Off by default. */
  compaction?: CompactionPolicy<TMap, TSnapshot>;
  /** Size budgets; see {@link LogLimits} for the defaults. */
  limits?: Partial<LogLimits>;
  /**
   * Set the `Resumable*` search attributes while paused (default true). The server
   * must know them; `temporal server start-dev` from `@resumable/temporal-dev` does.
   */
  searchAttributes?: boolean;
  /** A human name for pauses of this workflow (`PausedWorkflow.workflowName`). */
  workflowName?: string;
}

/**
 * Where and how a workflow pauses: the pause point's name, the events that end the
 * pause, its deadline, and what a person deciding needs to see.
 *
 * @example
 * const outcome = await log.pause({
 *   name: 'wait-payment',
 *   waitingFor: ['payment.received'],
 *   correlation: order.id,
 *   timeout: '2 days',
 *   onTimeout: 'reminder',
 *   variables: { amount: order.total },
 * });
 */
export interface PauseOptions<TVariables = Record<string, unknown>, TPath extends string = 'timeout'> {
  /** The pause point's name, `pausedAt` (e.g. `wait-payment`). */
  name: string;
  /**
   * External event names (`resumable.trigger`) that resume it. The `resumable.resume`
   * signal always does.
   */
  waitingFor?: readonly string[];
  /** Only triggers carrying this correlation key resume it; then triggers without one do not. */
  correlation?: string;
  /** Give up after this long (ms or `'30s'`, `'2 days'`); waits forever when omitted. */
  timeout?: Duration;
  /** The path name the outcome carries when the timeout fires. Default `'timeout'`. */
  onTimeout?: TPath;
  /** Data shown with the pause (`PausedWorkflow.variables`): what a person needs to decide. */
  variables?: TVariables;
  /** Overrides the log's `workflowName` for this pause. */
  workflowName?: string;
}

/**
 * How a pause ended. Exactly one of these, and one matching log entry.
 *
 * @example
 * switch (outcome.type) {
 *   case 'resumed': return ship(outcome.payload);
 *   case 'cancelled': return refund(outcome.reason);
 *   case 'timeout': return remind(); // outcome.path === 'reminder'
 * }
 */
export type PauseOutcome<TPayload = unknown, TPath extends string = 'timeout'> =
  | {
      /** It was resumed. */
      type: 'resumed';
      /** What it was resumed with. */
      payload: TPayload | undefined;
      /** The event or signal that resumed it. */
      resumedBy: string;
    }
  | {
      /** It was cancelled. */
      type: 'cancelled';
      /** Why, as given to the cancel. */
      reason: string;
    }
  | {
      /** It reached its deadline. */
      type: 'timeout';
      /** The timeout path the pause named. */
      path: TPath;
      /** ISO-8601 deadline it reached. */
      timeoutAt: string;
    };
