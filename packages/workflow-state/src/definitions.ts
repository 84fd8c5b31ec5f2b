import {
  ACTION_APPLIED_QUERY,
  QUERY_NAMES,
  SIGNAL_NAMES,
  type ActionKey,
  type CancelSignalArgs,
  type LogChunk,
  type PausedWorkflow,
  type PublishSignalArgs,
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
 * `isActionApplied(key)`: whether a resume, cancel or trigger with this
 * `idempotencyKey` was applied (in this run or one it continued from).
 *
 * @example
 * const applied = await handle.query(actionAppliedQuery, key);
 */
export const actionAppliedQuery = defineQuery<boolean, [key: string]>(ACTION_APPLIED_QUERY);

/**
 * `resumable.resume`: resume the current pause with an optional payload. With an
 * `idempotencyKey`, a second signal with the same key is ignored.
 *
 * @example
 * await handle.signal(resumeSignal, { payload: { approved: true }, resumedBy: 'ada', idempotencyKey: crypto.randomUUID() });
 */
export const resumeSignal = defineSignal<[args?: ResumeSignalArgs & ActionKey]>(SIGNAL_NAMES.resume);

/**
 * `resumable.cancel`: cancel the current pause with a reason (and an optional `idempotencyKey`).
 *
 * @example
 * await handle.signal(cancelSignal, { reason: 'customer withdrew' });
 */
export const cancelSignal = defineSignal<[args: CancelSignalArgs & ActionKey]>(SIGNAL_NAMES.cancel);

/**
 * `resumable.trigger`: an external event; resumes a pause waiting for it (an
 * `idempotencyKey` makes a redelivery a no-op).
 *
 * @example
 * await handle.signal(triggerSignal, { event: 'payment.received', payload: { amount: 42 }, correlation: 'order-7' });
 */
export const triggerSignal = defineSignal<[args: TriggerSignalArgs & ActionKey]>(SIGNAL_NAMES.trigger);

/**
 * `resumable.publish`: updates from a producer outside the workflow, appended to its log
 * in order (see `createTaskPublisher` of `@resumable/workflow-state/client`).
 *
 * @example
 * await handle.signal(publishSignal, { key: 'import-7', updates: [{ type: 'message', data: { text: 'Row 7 read' } }] });
 */
export const publishSignal = defineSignal<[batch: PublishSignalArgs]>(SIGNAL_NAMES.publish);
