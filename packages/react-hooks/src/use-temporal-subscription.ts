'use client';
import type { WorkflowUpdate } from '@resumable/protocol';
import { useCallback, useMemo } from 'react';
import {
  getTaskSubscription,
  INITIAL_TASK_STATE,
  peekTaskSubscription,
  type SharedRegistry,
  type TaskState,
  type TaskSubscription,
  type TaskSubscriptionOptions,
} from './client/index';
import { useShared } from './use-shared';

// Only the client entry's public API: the built React entry imports it from
// `./client.js`, so it shares one registry with apps that import the client directly.
const tasks: SharedRegistry<TaskSubscriptionOptions, TaskSubscription> = { get: getTaskSubscription, peek: peekTaskSubscription };

/** Options of `useTemporalSubscription`. */
export interface UseTemporalSubscriptionOptions<TUpdate extends WorkflowUpdate = WorkflowUpdate>
  extends Omit<TaskSubscriptionOptions, 'taskId'> {
  /** The task to follow; nothing connects while it is empty. */
  taskId: string | null | undefined;
  /** Connect only while true. Default true. */
  enabled?: boolean;
  /** Called once per applied update, in sequence order (e.g. to feed a task store). */
  onUpdate?: (update: TUpdate) => void;
}

/** What `useTemporalSubscription` returns. */
export interface UseTemporalSubscriptionResult<TUpdate extends WorkflowUpdate = WorkflowUpdate> extends TaskState<TUpdate> {
  /** Fetches and applies every update after `lastSequence`; resolves with how many were new. */
  recoverMissedUpdates(): Promise<number>;
}

/**
 * Follows one task's updates: exactly once, in order, across dropped connections,
 * expiring tokens and gaps. Every component on the same task shares one connection.
 * Nothing connects during render or server rendering; StrictMode opens one connection.
 *
 * @example
 * function Progress({ taskId }: { taskId: string }) {
 *   const { updates, isRecovering, recoverMissedUpdates } = useTemporalSubscription({
 *     taskId,
 *     refreshToken: getTemporalSubscriptionToken,
 *   });
 *   return <ol>{updates.map((u) => <li key={u.sequence}>{String(u.type)}</li>)}</ol>;
 * }
 */
export function useTemporalSubscription<TUpdate extends WorkflowUpdate = WorkflowUpdate>(
  options: UseTemporalSubscriptionOptions<TUpdate>,
): UseTemporalSubscriptionResult<TUpdate> {
  const { taskId, apiBaseUrl, enabled = true } = options;
  const active = enabled && !!taskId;
  const [state, , peek] = useShared(
    options as TaskSubscriptionOptions & UseTemporalSubscriptionOptions,
    active,
    tasks,
    INITIAL_TASK_STATE as TaskState,
    [apiBaseUrl, taskId],
    (task, current) => task.onUpdate((update) => (current() as UseTemporalSubscriptionOptions).onUpdate?.(update)),
  );
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `peek` depends on exactly these
  const recoverMissedUpdates = useCallback(() => peek()?.recoverMissedUpdates() ?? Promise.resolve(0), [active, apiBaseUrl, taskId]);
  return useMemo(() => ({ ...(state as TaskState<TUpdate>), recoverMissedUpdates }), [state, recoverMissedUpdates]);
}
