import {
  ACTIVITY_EVENTS,
  TASK_EVENTS,
  type ActivityAttempt,
  type ActivityProgress,
  type WorkflowUpdate,
} from '@resumable/protocol';
import { prepareEvent, type PreparedEvent } from '@resumable/sse-publisher';

/** Most running activities whose progress one task's feed holds (the newest report of each). */
const MAX_HELD = 256;

/**
 * The newest live progress of each running activity attempt of one task: what a client
 * that connects now is sent after its catch-up, so a bar shows where the activity is
 * rather than nothing until its next report. Progress is live only (never in the log),
 * so this holds no history: one report per activity, dropped once the log records the
 * attempt's end.
 */
export class LiveProgress {
  private readonly held = new Map<string, { progress: ActivityProgress; frame: PreparedEvent }>();
  /** The attempt each activity's log records as ended (or retried), so later reports of it are stale. */
  private readonly ended = new Map<string, number>();

  /**
   * Takes a report from the bus: its `progress` event when it is news (a newer attempt,
   * or a higher counter of the same one), undefined when stale or a duplicate.
   */
  offer(progress: ActivityProgress): PreparedEvent | undefined {
    const { activityId, attempt, counter } = progress;
    if (attempt <= (this.ended.get(activityId) ?? 0)) return undefined;
    const current = this.held.get(activityId)?.progress;
    if (current && (attempt < current.attempt || (attempt === current.attempt && counter <= current.counter))) {
      return undefined;
    }
    const frame = prepareEvent({ event: TASK_EVENTS.progress, data: JSON.stringify(progress) });
    this.held.delete(activityId);
    this.held.set(activityId, { progress, frame });
    // Oldest first in a Map: a task with runaway ids keeps its newest reports only.
    if (this.held.size > MAX_HELD) this.held.delete(this.held.keys().next().value as string);
    return frame;
  }

  /** Forgets the progress of attempts the log just recorded as over (retried, completed, failed). */
  settle(updates: readonly WorkflowUpdate[]): void {
    for (const update of updates) {
      if (
        update.type !== ACTIVITY_EVENTS.retrying &&
        update.type !== ACTIVITY_EVENTS.completed &&
        update.type !== ACTIVITY_EVENTS.failed
      ) {
        continue;
      }
      const { activityId, attempt } = update.data as ActivityAttempt;
      if (typeof activityId !== 'string' || typeof attempt !== 'number') continue;
      this.ended.set(activityId, Math.max(attempt, this.ended.get(activityId) ?? 0));
      if (this.ended.size > 4 * MAX_HELD) this.ended.delete(this.ended.keys().next().value as string);
      const held = this.held.get(activityId);
      if (held && held.progress.attempt <= attempt) this.held.delete(activityId);
    }
  }

  /** The `progress` events of every attempt still running, for a client that just caught up. */
  frames(): PreparedEvent[] {
    return [...this.held.values()].map((entry) => entry.frame);
  }
}
