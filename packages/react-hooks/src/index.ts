'use client';
/**
 * React bindings for Resumable: `useTemporalSubscription`, `usePausedWorkflows`, and
 * the sequence-aware task store. The framework-free client is re-exported too
 * (and available alone as `@resumable/react-hooks/client`).
 */
export {
  useTemporalSubscription,
  type UseTemporalSubscriptionOptions,
  type UseTemporalSubscriptionResult,
} from './use-temporal-subscription';
export { usePausedWorkflows, type UsePausedWorkflowsOptions, type UsePausedWorkflowsResult } from './use-paused-workflows';
export { useTaskStore, useTask } from './use-task-store';
export * from './client/index';
