'use client';
import type { UpdateMap, UpdateOf } from '@resumable/protocol';
import { useCallback, useMemo } from './react';
import {
  getTaskSubscription,
  INITIAL_TASK_STATE,
  peekTaskSubscription,
  type SharedRegistry,
  type TaskState,
  type TaskSubscription,
  type TaskSubscriptionOptions,
} from './client/index';
import { snapshotPatch } from './client/snapshot-state';
import { useShared } from './use-shared';

// Only the client entry's public API: the built React entry imports it from
// `./client.js`, so it shares one registry with apps that import the client directly.
const tasks: SharedRegistry<TaskSubscriptionOptions, TaskSubscription> = {
  get: getTaskSubscription,
  peek: peekTaskSubscription,
};

/**
 * The updates of a subscription typed by `TMap`: `UpdateOf<TMap>`, a union discriminated
 * by `type`. A union of maps (one component following several kinds of workflow) gives
 * the union of their updates.
 */
type UpdatesOf<TMap extends UpdateMap> = TMap extends UpdateMap ? UpdateOf<TMap> : never;

/**
 * Options of `useTemporalSubscription`. `TMap` is the workflow's update map, the one
 * its `createUpdateLog<Status, Map>` was given.
 *
 * @example
 * const options: UseTemporalSubscriptionOptions<{ progress: { percent: number } }> = {
 *   taskId,
 *   refreshToken,
 *   onUpdate: (update) => console.log(update.data.percent),
 * };
 * const task = useTemporalSubscription(options);
 */
export interface UseTemporalSubscriptionOptions<TMap extends UpdateMap = UpdateMap> extends Omit<
  TaskSubscriptionOptions,
  'taskId'
> {
  /** The task to follow; nothing connects while it is empty. */
  taskId: string | null | undefined;
  /** Connect only while true. Default true. */
  enabled?: boolean;
  /** Called once per applied update, in sequence order (e.g. to feed a task store). */
  onUpdate?: (update: UpdatesOf<TMap>) => void;
}

/**
 * What `useTemporalSubscription` returns: `updates`, `latestUpdate` and `latestData`
 * typed by the update map `TMap`, `workflowStatus` by the statuses `TStatus`.
 *
 * @example
 * const { updates, isRecovering, error }: UseTemporalSubscriptionResult = useTemporalSubscription({ taskId, refreshToken });
 */
export interface UseTemporalSubscriptionResult<
  TMap extends UpdateMap = UpdateMap,
  TStatus extends string = string,
> extends TaskState<UpdatesOf<TMap>, TStatus> {
  /** Fetches and applies every update after `lastSequence`; resolves with how many were new. */
  recoverMissedUpdates(): Promise<number>;
}

/**
 * Follows one task's updates: exactly once, in order, across dropped connections,
 * expiring tokens and gaps. Every component on the same task shares one connection.
 * Nothing connects during render or server rendering; StrictMode opens one connection.
 *
 * Typed by the workflow's own update map and statuses (those of its
 * `createUpdateLog<Status, Map>`): `updates` is `UpdateOf<Map>[]`, so narrowing on
 * `update.type` narrows `update.data`; `workflowStatus` is `Status | undefined`. The
 * types are not checked at run time: they say what the workflow writes. Without type
 * arguments, any update type and status.
 *
 * @example
 * type Status = 'IN_PROGRESS' | 'DONE';
 * type Updates = { message: { text: string }; progress: { percent: number } };
 *
 * function Progress({ taskId }: { taskId: string }) {
 *   const { updates, workflowStatus } = useTemporalSubscription<Updates, Status>({
 *     taskId,
 *     refreshToken: getTemporalSubscriptionToken,
 *   });
 *   return (
 *     <ol data-status={workflowStatus}>
 *       {updates.map((u) => <li key={u.sequence}>{u.type === 'message' ? u.data.text : `${u.data.percent}%`}</li>)}
 *     </ol>
 *   );
 * }
 */
export function useTemporalSubscription<TMap extends UpdateMap = UpdateMap, TStatus extends string = string>(
  options: UseTemporalSubscriptionOptions<TMap>,
): UseTemporalSubscriptionResult<TMap, TStatus> {
  const { taskId, apiBaseUrl, enabled = true, initialSnapshot, types } = options;
  // A filter is part of the subscription's identity: compare it by content, not by array.
  const filter = types?.join();
  const active = enabled && !!taskId;
  // What server rendering and hydration show: the snapshot the page was rendered with.
  const initial = useMemo(
    () => (initialSnapshot ? { ...INITIAL_TASK_STATE, ...snapshotPatch(initialSnapshot, types) } : INITIAL_TASK_STATE),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `filter` is `types` by content
    [initialSnapshot, filter],
  );
  const [state, , peek] = useShared(
    options as TaskSubscriptionOptions & UseTemporalSubscriptionOptions,
    active,
    tasks,
    initial as TaskState,
    [apiBaseUrl, taskId, filter],
    (task, current) => task.onUpdate((update) => (current() as UseTemporalSubscriptionOptions).onUpdate?.(update)),
  );
  const recoverMissedUpdates = useCallback(
    () => peek()?.recoverMissedUpdates() ?? Promise.resolve(0),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `peek` depends on exactly these
    [active, apiBaseUrl, taskId, filter],
  );
  return useMemo(
    () => ({ ...(state as TaskState<UpdatesOf<TMap>, TStatus>), recoverMissedUpdates }),
    [state, recoverMissedUpdates],
  );
}
