/**
 * Names of the Temporal queries and signals that `@resumable/workflow-state`
 * registers inside a workflow and that servers call. Plain strings here, so a
 * server or a browser can name them without importing Temporal.
 *
 * @example
 * const state = await client.workflow.getHandle(taskId).query<WorkflowState>(QUERY_NAMES.state);
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

/**
 * Names of the signals `@resumable/workflow-state` handles inside a workflow.
 *
 * @example
 * await client.workflow.getHandle(executionId).signal(SIGNAL_NAMES.resume, { payload: { approved: true } });
 */
export const SIGNAL_NAMES = {
  /** `(payload?: { payload?: unknown; resumedBy?: string })`: resume the current pause. */
  resume: 'resumable.resume',
  /** `(payload: { reason: string })`: cancel the current pause. */
  cancel: 'resumable.cancel',
  /** `(event: { event: string; payload?: unknown; correlation?: string })`: an external event. */
  trigger: 'resumable.trigger',
  /** `(batch: PublishSignalArgs)`: updates from a producer outside the workflow, appended to its log. */
  publish: 'resumable.publish',
} as const;

/**
 * Argument of the `resumable.resume` signal.
 *
 * @example
 * const args: ResumeSignalArgs<{ approved: boolean }> = { payload: { approved: true }, resumedBy: 'alice' };
 */
export interface ResumeSignalArgs<TPayload = unknown> {
  /** What the pause point's `waitFor` returns. */
  payload?: TPayload;
  /** The event or actor that resumed it; defaults to the signal's own name. */
  resumedBy?: string;
}

/**
 * Argument of the `resumable.cancel` signal.
 *
 * @example
 * const args: CancelSignalArgs = { reason: 'Order withdrawn' };
 */
export interface CancelSignalArgs {
  /** Why, for people (kept in `workflow.cancelled`). */
  reason: string;
}

/**
 * Argument of the `resumable.trigger` signal: an external event by name.
 *
 * @example
 * const args: TriggerSignalArgs = { event: 'payment.completed', payload: { amount: 42 }, correlation: 'order-7' };
 */
export interface TriggerSignalArgs<TPayload = unknown> {
  /** The event's name; a pause whose `waitingFor` holds it takes it. */
  event: string;
  /** What the pause point's `waitFor` returns. */
  payload?: TPayload;
  /** Only executions whose pause has this correlation key take the event. */
  correlation?: string;
}

/**
 * Argument of the `resumable.publish` signal: updates a process outside the workflow
 * (not an activity) appends to its log, in order, as one batch. `key` makes a redelivered
 * batch a no-op (the log remembers the newest 128 keys).
 *
 * @example
 * const args: PublishSignalArgs = { key: 'webhook-81', updates: [{ type: 'message', data: { text: 'Payment received' } }] };
 */
export interface PublishSignalArgs {
  /** Names the batch: a second delivery of the same key is ignored. */
  key?: string;
  /** The updates, in order; each becomes one update of the log (its next sequence). */
  updates: PublishedUpdate[];
}

/**
 * One update of a `resumable.publish` batch: what `log.emit(type, data)` would take.
 *
 * @example
 * const update: PublishedUpdate = { type: 'message', data: { text: 'Row 7 read' } };
 */
export interface PublishedUpdate {
  /** The update's type (not a reserved `workflow.*` or `activity.*` one). */
  type: string;
  /** Its payload (JSON). */
  data: unknown;
}

/**
 * The largest page `getUpdatesSince` answers; keeps query results far below Temporal's payload limits.
 *
 * @example
 * const page = await handle.query<UpdatesPage>(QUERY_NAMES.updatesSince, 0, MAX_UPDATES_PAGE);
 */
export const MAX_UPDATES_PAGE = 500;
