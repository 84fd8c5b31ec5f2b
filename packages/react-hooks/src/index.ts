/**
 * React bindings for Resumable: `useTemporalSubscription`, `usePausedWorkflows`, and
 * the sequence-aware task store, with the shared subscriptions the hooks use (so
 * non-React code in the same app shares their connections) and the error class.
 * The building blocks (`openEventStream`, `createTokenSource`, `backoffDelay`,
 * `Sequencer`, ...) are in `@resumable/react-hooks/client`, which has no React import.
 *
 * @module @resumable/react-hooks
 */
'use client';
export {
  useTemporalSubscription,
  type UseTemporalSubscriptionOptions,
  type UseTemporalSubscriptionResult,
} from './use-temporal-subscription';
export {
  usePausedWorkflows,
  type UsePausedWorkflowsOptions,
  type UsePausedWorkflowsResult,
} from './use-paused-workflows';
export { useTaskStore, useTask } from './use-task-store';
export { useActivities } from './use-activities';
export { useActionQueue, type ActionQueueHandle, type UseActionQueueResult } from './use-action-queue';
// From the client entry's public API only: the built React entry imports it from
// `./client.js` (see tsup.config.ts), so both entries share one set of connections.
export {
  getTaskSubscription,
  peekTaskSubscription,
  getPausedWorkflowsSubscription,
  peekPausedWorkflowsSubscription,
  resumeExecution,
  cancelExecution,
  createTaskStore,
  activitiesOf,
  ClientError,
  type ClientErrorCode,
  type TaskSubscription,
  type TaskSubscriptionOptions,
  type TaskState,
  type RecoveryProgress,
  type PausedWorkflowsSubscription,
  type PausedWorkflowsOptions,
  type PausedWorkflowsState,
  type TaskStore,
  type StoredTask,
  type SequencedPatch,
  type ConnectionStatus,
  type StreamOptions,
  type BackoffOptions,
  type RefreshToken,
  type TokenResult,
  type Subscribable,
  type ActivityState,
  type ActivityProgress,
  type WorkflowUpdate,
  type UpdateMap,
  type UpdateOf,
  type PausedWorkflow,
  type UpdatesPage,
  type WorkflowState,
  type ErrorCode,
} from './client/index';
