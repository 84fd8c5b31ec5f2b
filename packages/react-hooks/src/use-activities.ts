'use client';
import type { ActivityState } from '@resumable/protocol';
import { activitiesOf, type TaskState } from './client/index';
import { useMemo } from './react';

/**
 * The activities of a task a component follows (`useTemporalSubscription`'s result):
 * each one's attempt, status, last error and the newest live progress of its running
 * attempt, recomputed when the updates or the progress change. Activities are those
 * run with `log.proxyActivities()`, reporting with `reportProgress()`.
 *
 * @example
 * function Imports({ taskId }: { taskId: string }) {
 *   const task = useTemporalSubscription({ taskId, refreshToken });
 *   const activities = useActivities(task);
 *   return (
 *     <ul>
 *       {activities.map((a) => (
 *         <li key={a.activityId}>
 *           {a.activityType} attempt {a.attempt}: {a.status}
 *           <progress max={1} value={(a.progress?.data as { share?: number } | undefined)?.share ?? 0} />
 *         </li>
 *       ))}
 *     </ul>
 *   );
 * }
 */
export function useActivities(task: Pick<TaskState, 'updates' | 'progress'>): ActivityState[] {
  const { updates, progress } = task;
  return useMemo(() => activitiesOf(updates, progress), [updates, progress]);
}
