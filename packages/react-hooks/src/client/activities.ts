import type {
  ACTIVITY_EVENTS,
  ActivityEndedData,
  ActivityProgress,
  ActivityRetryingData,
  ActivityStartedData,
  ActivityState,
  WorkflowUpdate,
} from '@resumable/protocol';

// The activity update types, as literals checked against protocol at compile time
// (the browser bundle carries strings, not protocol's lookup object).
type Types = typeof ACTIVITY_EVENTS;
const STARTED: Types['started'] = 'activity.started';
const RETRYING: Types['retrying'] = 'activity.retrying';
const COMPLETED: Types['completed'] = 'activity.completed';
const FAILED: Types['failed'] = 'activity.failed';

/**
 * Every activity of a task as a UI shows it, in the order they started: where the
 * durable log says each stands (`activity.*` updates from `log.proxyActivities()`),
 * with the newest live progress of its current attempt. A retried activity's progress
 * starts over with the new attempt; a report of an attempt the log has moved past is
 * ignored. An activity whose progress arrived before its `activity.started` update is
 * shown running, with `maxAttempts` 0 until the update says.
 *
 * @example
 * const { updates, progress } = getTaskSubscription({ taskId }).getState();
 * for (const activity of activitiesOf(updates, progress)) console.log(activity.activityId, activity.status);
 */
export function activitiesOf(
  updates: readonly WorkflowUpdate[],
  progress: Record<string, ActivityProgress> | undefined,
): ActivityState[] {
  const byId = new Map<string, ActivityState>();
  for (const { type, data, timestamp } of updates) {
    if (type !== STARTED && type !== RETRYING && type !== COMPLETED && type !== FAILED) continue;
    const fact = data as ActivityStartedData & ActivityRetryingData & ActivityEndedData;
    const { activityId, activityType, attempt } = fact;
    const known = byId.get(activityId);
    const state: ActivityState = {
      activityId,
      activityType,
      attempt,
      maxAttempts: known?.maxAttempts ?? 0,
      status: 'running',
    };
    if (type === STARTED) state.maxAttempts = fact.maxAttempts;
    else if (type === COMPLETED) state.status = 'completed';
    else {
      state.status = type === RETRYING ? 'retrying' : 'failed';
      state.error = fact.error;
      if (type === RETRYING) state.nextAttemptAt = timestamp + fact.nextDelayMs;
    }
    byId.set(activityId, state);
  }
  for (const report of Object.values(progress ?? {})) {
    const state = byId.get(report.activityId);
    if (!state) {
      const { activityId, activityType, attempt } = report;
      byId.set(activityId, { activityId, activityType, attempt, maxAttempts: 0, status: 'running', progress: report });
    } else if (state.status === 'running' && report.attempt >= state.attempt) {
      // A report of a newer attempt than the log has shown yet: that attempt runs.
      byId.set(report.activityId, { ...state, attempt: report.attempt, progress: report });
    }
  }
  return [...byId.values()];
}
