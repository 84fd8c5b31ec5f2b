/**
 * The framework-free Resumable client: shared, self-healing SSE subscriptions over
 * `fetch`, the sequence-aware task store, and the pieces they are built from.
 * No React, no Node built-ins.
 *
 * @module @resumable/react-hooks/client
 */
export { backoffDelay, type BackoffOptions } from '@resumable/protocol';
export { createTokenSource, tokenExpiry, type RefreshToken, type TokenResult, type TokenSource } from './token';
export {
  openEventStream,
  type ConnectionStatus,
  type EventStream,
  type EventStreamOptions,
  type StreamOptions,
} from './event-stream';
export { Sequencer, type Sequenced } from './sequencer';
export {
  TaskSubscription,
  getTaskSubscription,
  peekTaskSubscription,
  INITIAL_TASK_STATE,
  type TaskSubscriptionOptions,
  type TaskState,
  type RecoveryProgress,
} from './task-subscription';
export {
  PausedWorkflowsSubscription,
  getPausedWorkflowsSubscription,
  peekPausedWorkflowsSubscription,
  resumeExecution,
  cancelExecution,
  INITIAL_PAUSED_STATE,
  type PausedWorkflowsOptions,
  type PausedWorkflowsState,
} from './paused-subscription';
export { activitiesOf } from './activities';
export { createTaskStore, type TaskStore, type StoredTask, type SequencedPatch } from './task-store';
export type { SharedRegistry } from './shared-stream';
export { Subscribable } from './subscribable';
export { ClientError, type ClientErrorCode } from './errors';
export type {
  ActivityState,
  ActivityProgress,
  WorkflowUpdate,
  UpdateMap,
  UpdateOf,
  PausedWorkflow,
  UpdatesPage,
  WorkflowState,
  ErrorCode,
} from '@resumable/protocol';
