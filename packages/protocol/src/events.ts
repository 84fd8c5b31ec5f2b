/** SSE event names on the task stream. */
export const TASK_EVENTS = {
  connected: 'connected',
  update: 'update',
  /** The workflow's status changed: `{ status, lastSequence }` (no `id`: not a resume point). */
  status: 'status',
  end: 'end',
} as const;

/** SSE event names on the paused stream; the last four are also update types in a workflow's log. */
export const PAUSE_EVENTS = {
  initial: 'paused.initial',
  paused: 'workflow.paused',
  resumed: 'workflow.resumed',
  cancelled: 'workflow.cancelled',
  timedOut: 'workflow.timeout',
} as const;

export type TaskEventName = (typeof TASK_EVENTS)[keyof typeof TASK_EVENTS];
export type PauseEventName = (typeof PAUSE_EVENTS)[keyof typeof PAUSE_EVENTS];
/** A pause lifecycle change (everything on the paused stream but the snapshot). */
export type PauseDeltaName = Exclude<PauseEventName, 'paused.initial'>;

/**
 * Search attributes a workflow sets while paused, so one visibility query lists
 * every paused execution. The dev-server tooling registers them.
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

export type SearchAttributeType = (typeof SEARCH_ATTRIBUTES)[keyof typeof SEARCH_ATTRIBUTES]['type'];
