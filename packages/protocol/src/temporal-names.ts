/**
 * Names of the Temporal queries and signals that `@resumable/workflow-state`
 * registers inside a workflow and that servers call. Plain strings here, so a
 * server or a browser can name them without importing Temporal.
 */
export const QUERY_NAMES = {
  /** `() => WorkflowState`: the whole state (bounded: see `getUpdatesSince` for paging). */
  state: 'getWorkflowState',
  /** `(sinceSequence: number, limit?: number) => UpdatesPage`: updates after a sequence, in order. */
  updatesSince: 'getUpdatesSince',
  /** `() => PausedWorkflow | null`: the current pause, if the workflow waits at one. */
  pause: 'getPauseState',
  /**
   * `(sinceSequence: number, maxBytes?: number) => LogChunk`: the log after a sequence in
   * the compact chunk form, as much as fits in `maxBytes` (default and cap: the
   * workflow's `limits.pageBytes`). Servers read a closed
   * workflow's log with it in one pass: each query on a closed workflow replays it.
   */
  logChunk: 'getLogChunk',
} as const;

export const SIGNAL_NAMES = {
  /** `(payload?: { payload?: unknown; resumedBy?: string })`: resume the current pause. */
  resume: 'resumable.resume',
  /** `(payload: { reason: string })`: cancel the current pause. */
  cancel: 'resumable.cancel',
  /** `(event: { event: string; payload?: unknown; correlation?: string })`: an external event. */
  trigger: 'resumable.trigger',
} as const;

/** Argument of the `resumable.resume` signal. */
export interface ResumeSignalArgs<TPayload = unknown> {
  payload?: TPayload;
  /** The event or actor that resumed it; defaults to the signal's own name. */
  resumedBy?: string;
}

/** Argument of the `resumable.cancel` signal. */
export interface CancelSignalArgs {
  reason: string;
}

/** Argument of the `resumable.trigger` signal: an external event by name. */
export interface TriggerSignalArgs<TPayload = unknown> {
  event: string;
  payload?: TPayload;
  /** Only executions whose pause has this correlation key take the event. */
  correlation?: string;
}

/** The largest page `getUpdatesSince` answers; keeps query results far below Temporal's payload limits. */
export const MAX_UPDATES_PAGE = 500;
