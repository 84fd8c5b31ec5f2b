import type { WorkflowStateOf, WorkflowUpdate } from '@resumable/protocol';
import type { TaskState } from './task-subscription';

/**
 * What a list of applied updates shows: the list, and its latest update's fields.
 * `lastSequence` is only read with a latest update (a batch) or replaced (a snapshot).
 */
export function shown<TUpdate extends WorkflowUpdate>(updates: TUpdate[]) {
  const latest = updates.at(-1);
  return {
    updates,
    latestUpdate: latest,
    latestData: latest?.data,
    lastSequence: latest?.sequence as number,
    lastTimestamp: latest?.timestamp,
  };
}

/**
 * What a task shows from a snapshot the server read (`getTaskSnapshot`) before its
 * stream says anything: the snapshot's updates (those of `types`, when given), status and sequence. Kept out of the
 * client entry's exports (the React entry carries its own copy of this pure function).
 */
export function snapshotPatch<TUpdate extends WorkflowUpdate, TStatus extends string>(
  snapshot: WorkflowStateOf<string, WorkflowUpdate>,
  types?: readonly string[],
): Partial<TaskState<TUpdate, TStatus>> {
  const updates = types?.length ? snapshot.updates.filter((u) => types.includes(u.type)) : snapshot.updates;
  return {
    ...shown(updates as TUpdate[]),
    lastSequence: snapshot.lastSequence,
    workflowStatus: snapshot.status as TStatus,
  };
}
