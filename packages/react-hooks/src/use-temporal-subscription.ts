'use client';
import type { WorkflowUpdate } from '@resumable/protocol';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import {
  getTaskSubscription,
  INITIAL_TASK_STATE,
  peekTaskSubscription,
  type TaskState,
  type TaskSubscriptionOptions,
} from './client/task-subscription';

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
  // Created once: holds the newest options so changing callbacks never reconnect.
  const [observer] = useState(() => ({ options }));
  useEffect(() => {
    observer.options = options;
  });

  const subscribe = useCallback(
    (listener: () => void) => {
      if (!active) return () => {};
      const latest = observer.options;
      const task = getTaskSubscription<TUpdate>({
        ...latest,
        taskId,
        refreshToken: latest.refreshToken && (() => (observer.options.refreshToken ?? (latest.refreshToken as never))()),
      });
      const offUpdate = task.onUpdate((update) => observer.options.onUpdate?.(update));
      const offState = task.subscribe(listener);
      return () => {
        offUpdate();
        offState();
      };
    },
    [observer, active, apiBaseUrl, taskId],
  );
  const peek = () => (active ? peekTaskSubscription<TUpdate>({ apiBaseUrl, taskId })?.getState() : undefined);
  const state = useSyncExternalStore(
    subscribe,
    () => peek() ?? (INITIAL_TASK_STATE as TaskState<TUpdate>),
    () => INITIAL_TASK_STATE as TaskState<TUpdate>,
  );
  const recoverMissedUpdates = useCallback(
    () => (active && peekTaskSubscription({ apiBaseUrl, taskId })?.recoverMissedUpdates()) || Promise.resolve(0),
    [active, apiBaseUrl, taskId],
  );
  return useMemo(() => ({ ...state, recoverMissedUpdates }), [state, recoverMissedUpdates]);
}
