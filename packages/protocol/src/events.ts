/**
 * SSE event names on the task stream.
 *
 * @example
 * source.addEventListener(TASK_EVENTS.update, (event) => render(JSON.parse(event.data)));
 */
export const TASK_EVENTS = {
  /** The first event: `ConnectedEventData` (the connection id, where the stream resumes). */
  connected: 'connected',
  /** One `WorkflowUpdate`, its `sequence` as the event `id`. */
  update: 'update',
  /** The workflow's status changed: `{ status, lastSequence }` (no `id`: not a resume point). */
  status: 'status',
  /** The last event, once the workflow closed: `EndEventData`. */
  end: 'end',
  /**
   * Only on a stream opened with `?types=`: sequences `from` … `to` hold updates of
   * other types, so this client gets none of them (`SkippedEventData`, its `to` as the
   * event `id`: a resume point, so a reconnect does not ask for them again).
   */
  skipped: 'skipped',
  /**
   * The log changed under the client (`ResetEventData`, `id` = its `base`): a reset or
   * a new run began another log, or compaction left the client's position behind. Drop
   * what was shown; updates continue after `base`.
   */
  reset: 'reset',
  /**
   * Live progress of a running activity (`ActivityProgress`, no `id`: not a resume
   * point, never in the log). After a reconnect, the newest of each running attempt.
   */
  progress: 'progress',
} as const;

/**
 * SSE event names on the paused stream; the last four are also update types in a workflow's log.
 *
 * @example
 * if (update.type === PAUSE_EVENTS.paused) showPause(update.data as PausedWorkflow);
 */
export const PAUSE_EVENTS = {
  /** The snapshot every paused stream starts with: `PausedInitialData`. */
  initial: 'paused.initial',
  /** An execution paused: `PausedWorkflow`. */
  paused: 'workflow.paused',
  /** A paused execution went on: `WorkflowResumedData`. */
  resumed: 'workflow.resumed',
  /** A paused execution was cancelled: `WorkflowCancelledData`. */
  cancelled: 'workflow.cancelled',
  /** A pause reached its deadline: `WorkflowTimedOutData`. */
  timedOut: 'workflow.timeout',
} as const;

/**
 * The name of an event on the task stream.
 *
 * @example
 * const name: TaskEventName = 'update';
 */
export type TaskEventName = (typeof TASK_EVENTS)[keyof typeof TASK_EVENTS];
/**
 * The name of an event on the paused stream.
 *
 * @example
 * const name: PauseEventName = 'paused.initial';
 */
export type PauseEventName = (typeof PAUSE_EVENTS)[keyof typeof PAUSE_EVENTS];
/**
 * A pause lifecycle change (everything on the paused stream but the snapshot).
 *
 * @example
 * const delta: PauseDeltaName = 'workflow.resumed';
 */
export type PauseDeltaName = Exclude<PauseEventName, 'paused.initial'>;

/**
 * Search attributes a workflow sets while paused, so one visibility query lists
 * every paused execution. The dev-server tooling registers them. Each entry is the
 * attribute's `name` in Temporal and its search attribute `type`.
 *
 * @example
 * const query = `${SEARCH_ATTRIBUTES.paused.name} = true`;
 */
export const SEARCH_ATTRIBUTES = {
  /** Bool: true while the execution waits at a pause point. */
  paused: { name: 'ResumablePaused', type: 'Bool' },
  /** Keyword: the pause point's name. */
  pausedAt: { name: 'ResumablePausedAt', type: 'Keyword' },
  /** KeywordList: event or signal names that resume it. */
  waitingFor: { name: 'ResumableWaitingFor', type: 'KeywordList' },
  /** Datetime: when it paused. */
  pausedTime: { name: 'ResumablePausedTime', type: 'Datetime' },
  /** Datetime: when the pause times out. */
  timeoutAt: { name: 'ResumableTimeoutAt', type: 'Datetime' },
} as const;

/**
 * A Temporal search attribute type used by `SEARCH_ATTRIBUTES`.
 *
 * @example
 * const type: SearchAttributeType = 'KeywordList';
 */
export type SearchAttributeType = (typeof SEARCH_ATTRIBUTES)[keyof typeof SEARCH_ATTRIBUTES]['type'];
