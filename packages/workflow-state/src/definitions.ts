import {
  QUERY_NAMES,
  SIGNAL_NAMES,
  type CancelSignalArgs,
  type LogChunk,
  type PausedWorkflow,
  type ResumeSignalArgs,
  type TriggerSignalArgs,
  type UpdatesPage,
  type WorkflowState,
} from '@resumable/protocol';
import { defineQuery, defineSignal } from '@temporalio/workflow';

/**
 * `getWorkflowState`: the state with the newest updates (bounded; see `LogLimits`).
 * Definitions are plain data, so a client may import them too.
 *
 * @example
 * const state = await client.workflow.getHandle(taskId).query(workflowStateQuery);
 */
export const workflowStateQuery = defineQuery<WorkflowState, []>(QUERY_NAMES.state);

/**
 * `getUpdatesSince(sinceSequence, limit?)`: the updates after a sequence, one page.
 *
 * @example
 * const page = await handle.query(updatesSinceQuery, 0, 100);
 */
export const updatesSinceQuery = defineQuery<UpdatesPage, [sinceSequence: number, limit?: number]>(
  QUERY_NAMES.updatesSince,
);

/**
 * `getLogChunk(sinceSequence, maxBytes?)`: the log after a sequence in compact form,
 * as much as fits (see `LogChunk`); servers read a closed workflow's log with it.
 *
 * @example
 * const updates = updatesOfChunk(await handle.query(logChunkQuery, 0));
 */
export const logChunkQuery = defineQuery<LogChunk, [sinceSequence: number, maxBytes?: number]>(QUERY_NAMES.logChunk);

/**
 * `getPauseState`: the current pause, or null.
 *
 * @example
 * const pause = await handle.query(pauseStateQuery);
 */
export const pauseStateQuery = defineQuery<PausedWorkflow | null, []>(QUERY_NAMES.pause);

/**
 * `resumable.resume`: resume the current pause with an optional payload.
 *
 * @example
 * await handle.signal(resumeSignal, { payload: { approved: true }, resumedBy: 'ada' });
 */
export const resumeSignal = defineSignal<[args?: ResumeSignalArgs]>(SIGNAL_NAMES.resume);

/**
 * `resumable.cancel`: cancel the current pause with a reason.
 *
 * @example
 * await handle.signal(cancelSignal, { reason: 'customer withdrew' });
 */
export const cancelSignal = defineSignal<[args: CancelSignalArgs]>(SIGNAL_NAMES.cancel);

/**
 * `resumable.trigger`: an external event; resumes a pause waiting for it.
 *
 * @example
 * await handle.signal(triggerSignal, { event: 'payment.received', payload: { amount: 42 }, correlation: 'order-7' });
 */
export const triggerSignal = defineSignal<[args: TriggerSignalArgs]>(SIGNAL_NAMES.trigger);
