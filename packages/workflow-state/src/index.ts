/**
 * `@resumable/workflow-state`: the durable, sequence-numbered update log that lives
 * inside a Temporal workflow, with queries, pauses and a sink for live push.
 *
 * This entry runs in Temporal's workflow sandbox: it imports only
 * `@temporalio/workflow` and `@resumable/protocol`. The worker side is
 * `@resumable/workflow-state/worker`.
 *
 * @module @resumable/workflow-state
 */
export { createUpdateLog, type UpdateLog } from './update-log';
export {
  workflowStateQuery,
  updatesSinceQuery,
  logChunkQuery,
  pauseStateQuery,
  actionAppliedQuery,
  resumeSignal,
  cancelSignal,
  triggerSignal,
  publishSignal,
} from './definitions';
export type { ResumableSinks } from './sinks';
export { DEFAULT_LIMITS, type LogLimits } from './limits';
export { parseDuration, type Duration } from './duration';
export type { ActivityRetry, LoggedActivityOptions } from './activity-runner';
export type {
  CarriedLog,
  CompactionPolicy,
  EmitType,
  LogUpdate,
  LogUpdateMap,
  PauseOptions,
  PauseOutcome,
  PauseUpdates,
  ActivityUpdates,
  UpdateLogOptions,
} from './types';
