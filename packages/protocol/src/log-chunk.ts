import { ResumableError } from './errors';
import type { WorkflowUpdate } from './types';

/**
 * One update inside a {@link LogChunk}: `[type, timestamp step, data]`. The step is
 * the update's timestamp minus the previous entry's (the first entry's is absolute).
 *
 * @example
 * const entry: LogChunkEntry = ['tick', 5, { n: 2 }];
 */
export type LogChunkEntry = [type: string, timestampStep: number, data: unknown];

/**
 * A stretch of a task's log in compact form, as the `getLogChunk` query answers it.
 * An update's `id` and `sequence` follow from its position and the timestamps are
 * steps, so a chunk is about a third of the same updates as `WorkflowUpdate`s: a
 * closed workflow's whole log usually fits in the one answer that replays it.
 *
 * @example
 * const chunk = await handle.query<LogChunk>(QUERY_NAMES.logChunk, 0);
 * const updates = updatesOfChunk(chunk); // WorkflowUpdate[] from chunk.firstSequence on
 */
export interface LogChunk {
  /** The Temporal workflow id. */
  taskId: string;
  /** The workflow's status (its update log's `status`). */
  status: string;
  /** The log's last sequence (not only this chunk's). */
  lastSequence: number;
  /** The sequence of `entries[0]`; entries are contiguous. With no entries, where they would start. */
  firstSequence: number;
  /** The updates, in sequence order. */
  entries: LogChunkEntry[];
  /** True when the log holds more after this chunk. */
  hasMore: boolean;
  /** The log's epoch (see `UpdatesPageOf.epoch`), when it has one. */
  epoch?: string;
}

/**
 * An update as a chunk entry, given the timestamp of the entry before it (`undefined`
 * for a chunk's first).
 *
 * @example
 * toChunkEntry({ id: 't:2', sequence: 2, type: 'tick', data: { n: 2 }, timestamp: 1005 }, 1000); // ['tick', 5, { n: 2 }]
 */
export function toChunkEntry(update: WorkflowUpdate, previousTimestamp: number | undefined): LogChunkEntry {
  return [update.type, update.timestamp - (previousTimestamp ?? 0), update.data];
}

/**
 * The `WorkflowUpdate`s a chunk holds, exactly as `getUpdatesSince` would have
 * answered them. Throws `ResumableError` (`INTERNAL`) for an answer that is not a
 * chunk (e.g. a worker running another version of the query).
 *
 * @example
 * for (const update of updatesOfChunk(chunk)) cache.push(update);
 */
export function updatesOfChunk(chunk: LogChunk): WorkflowUpdate[] {
  if (!isChunk(chunk)) throw new ResumableError('INTERNAL', 'getLogChunk answered something that is not a log chunk');
  const updates: WorkflowUpdate[] = [];
  let timestamp = 0;
  let sequence = chunk.firstSequence;
  for (const entry of chunk.entries) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Number.isFinite(entry[1])) {
      throw new ResumableError('INTERNAL', `getLogChunk answered a malformed entry at sequence ${sequence}`);
    }
    timestamp += entry[1];
    updates.push({ id: `${chunk.taskId}:${sequence}`, timestamp, sequence, type: entry[0], data: entry[2] });
    sequence++;
  }
  return updates;
}

function isChunk(value: unknown): value is LogChunk {
  if (typeof value !== 'object' || value === null) return false;
  const chunk = value as Partial<LogChunk>;
  return (
    typeof chunk.taskId === 'string' &&
    typeof chunk.status === 'string' &&
    Number.isSafeInteger(chunk.lastSequence) &&
    Number.isSafeInteger(chunk.firstSequence) &&
    Array.isArray(chunk.entries) &&
    typeof chunk.hasMore === 'boolean'
  );
}
