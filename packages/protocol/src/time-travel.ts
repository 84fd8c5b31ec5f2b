import type { UpdateMap, UpdateOf, WorkflowUpdate } from './types';

/**
 * The state of a task as of one sequence: `GET /api/temporal/recovery/:taskId/at/:sequence`.
 * `snapshot` (when the log was compacted) folds every update below `firstSequence`;
 * `updates` are the held ones from `firstSequence` up to `sequence`. Together they are
 * the state a client showed when it had seen `sequence`.
 *
 * @example
 * const at: TimeTravelStateOf<string, WorkflowUpdate> = await (await fetch(`/api/temporal/recovery/${taskId}/at/12`)).json();
 * render(at.snapshot, at.updates); // "Viewing sequence 12 of 40"
 */
export interface TimeTravelStateOf<TStatus extends string, TUpdate extends WorkflowUpdate> {
  /** The Temporal workflow id. */
  taskId: string;
  /** The sequence asked for: the last one this state includes. */
  sequence: number;
  /** Every held update with a sequence from `firstSequence` to `sequence`, in order. */
  updates: TUpdate[];
  /**
   * The compaction snapshot: the app's summary of the updates below `firstSequence`.
   * Absent when the log was never compacted (or compacted without a `reduce`).
   */
  snapshot?: unknown;
  /** The lowest sequence the log holds: 1 unless older updates were compacted. */
  firstSequence: number;
  /** The log's highest sequence now (not the one asked for). */
  lastSequence: number;
  /** The workflow's status now, as its update log holds it (the log keeps no status history). */
  status: TStatus;
}

/**
 * The state as of one sequence with an app's update map (see `TimeTravelStateOf`).
 *
 * @example
 * const at: TimeTravelState<'running' | 'done', { progress: { percent: number } }> = await response.json();
 * console.log(`Viewing sequence ${at.sequence} of ${at.lastSequence}`);
 */
export type TimeTravelState<TStatus extends string = string, TMap extends UpdateMap = UpdateMap> = TimeTravelStateOf<
  TStatus,
  UpdateOf<TMap>
>;
