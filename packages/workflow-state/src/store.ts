import {
  MAX_UPDATES_PAGE,
  ResumableError,
  toChunkEntry,
  type LogChunk,
  type LogChunkEntry,
  type UpdatesPage,
  type WorkflowState,
  type WorkflowUpdate,
} from '@resumable/protocol';
import { DEFAULT_LIMITS, type LogLimits } from './limits';
import type { CarriedLog } from './types';
import { utf8Length } from './utf8';

/** How a store begins: fresh, or from a carried log. */
export interface StoreInit<TSnapshot> {
  taskId: string;
  status: string;
  startTime: number;
  /** The epoch of a fresh log (the run id); a carried log keeps its own. */
  epoch?: string | undefined;
  carried?: CarriedLog<string, Record<string, unknown>, TSnapshot> | null | undefined;
  limits?: Partial<LogLimits> | undefined;
}

type Reduce<TSnapshot> = (snapshot: TSnapshot | undefined, updates: readonly WorkflowUpdate[]) => TSnapshot;

/**
 * The update log's data and its reads, free of Temporal so it can be tested alone.
 * Sequences are contiguous: the held updates run from `firstSequence` to
 * `lastSequence`, and everything below `firstSequence` lives only in `snapshot`.
 */
export class UpdateStore<TSnapshot = unknown> {
  readonly taskId: string;
  readonly startTime: number;
  /** Which log this is (see `WorkflowState.epoch`); undefined for a log carried from before epochs. */
  readonly epoch: string | undefined;
  readonly limits: Readonly<LogLimits>;
  status: string;
  private held: WorkflowUpdate[] = [];
  /** UTF-8 JSON size of each held update, same index as `held`. */
  private sizes: number[] = [];
  private heldBytes = 0;
  private last = 0;
  private lastTimestamp = Number.NEGATIVE_INFINITY;
  private snapshotValue: TSnapshot | undefined;
  private hasSnapshot = false;

  constructor(init: StoreInit<TSnapshot>) {
    this.taskId = init.taskId;
    this.limits = resolveLimits(init.limits);
    this.status = init.status;
    this.startTime = init.startTime;
    const carried = init.carried;
    this.epoch = carried ? carried.epoch : init.epoch;
    if (carried) {
      checkCarried(carried);
      this.status = carried.status;
      this.startTime = carried.startTime;
      this.last = carried.lastSequence;
      for (const update of carried.updates) this.hold(update, utf8Length(JSON.stringify(update)));
      if ('snapshot' in carried && carried.snapshot !== undefined) {
        this.snapshotValue = carried.snapshot;
        this.hasSnapshot = true;
      }
      // The first emit of the next run continues from here even when nothing is held.
      this.lastTimestamp = carried.updates.at(-1)?.timestamp ?? Number.NEGATIVE_INFINITY;
    }
  }

  get lastSequence(): number {
    return this.last;
  }

  /** The lowest sequence held; `lastSequence + 1` when nothing is held. */
  get firstSequence(): number {
    return this.last - this.held.length + 1;
  }

  get updates(): readonly WorkflowUpdate[] {
    return this.held;
  }

  get snapshot(): TSnapshot | undefined {
    return this.snapshotValue;
  }

  /** Bytes of all held updates as UTF-8 JSON. */
  get bytes(): number {
    return this.heldBytes;
  }

  /**
   * Appends an update with the next sequence. `now` is the workflow's clock; the
   * timestamp never goes below the previous one, so timestamps never decrease.
   */
  append(type: string, data: unknown, now: number): WorkflowUpdate {
    if (typeof type !== 'string' || type.length === 0) {
      throw new ResumableError(
        'INVALID_PARAMETER',
        `An update type must be a non-empty string (got ${JSON.stringify(type)})`,
      );
    }
    const sequence = this.last + 1;
    const timestamp = Math.max(now, this.lastTimestamp);
    const update: WorkflowUpdate = { id: `${this.taskId}:${sequence}`, timestamp, sequence, type, data };
    let json: string | undefined;
    try {
      json = JSON.stringify(update);
    } catch (error) {
      throw new ResumableError('INVALID_PARAMETER', `The data of update "${type}" cannot be serialised as JSON`, {
        cause: error,
      });
    }
    const size = utf8Length(json);
    if (size > this.limits.updateBytes) {
      throw new ResumableError(
        'PAYLOAD_TOO_LARGE',
        `Update "${type}" is ${size} bytes as JSON; the limit is ${this.limits.updateBytes} (limits.updateBytes)`,
      );
    }
    this.last = sequence;
    this.lastTimestamp = timestamp;
    this.hold(update, size);
    return update;
  }

  /**
   * Updates after `sinceSequence`, in order: at most `limit` (capped by
   * `MAX_UPDATES_PAGE`) and at most `limits.pageBytes` bytes, but always at least one
   * when one exists, so paging always moves forward.
   */
  page(sinceSequence: unknown, limit: unknown = MAX_UPDATES_PAGE): UpdatesPage {
    checkSince('getUpdatesSince', sinceSequence);
    if (limit === null || limit === undefined) limit = MAX_UPDATES_PAGE;
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
      throw new ResumableError(
        'INVALID_PARAMETER',
        `getUpdatesSince: limit must be a positive integer (got ${JSON.stringify(limit)})`,
      );
    }
    const count = Math.min(limit, MAX_UPDATES_PAGE);
    // Held updates are contiguous, so the position of a sequence is arithmetic.
    const from = Math.max(0, sinceSequence + 1 - this.firstSequence);
    let to = from;
    let bytes = 0;
    while (to < this.held.length && to - from < count) {
      const size = this.sizes[to] as number;
      if (to > from && bytes + size > this.limits.pageBytes) break;
      bytes += size;
      to++;
    }
    const updates = this.held.slice(from, to);
    const lastInPage = updates.at(-1)?.sequence ?? Math.max(sinceSequence, this.firstSequence - 1);
    return {
      taskId: this.taskId,
      status: this.status,
      lastSequence: this.last,
      updates,
      hasMore: lastInPage < this.last,
      ...this.epochField(),
    };
  }

  /**
   * The updates after `sinceSequence` in chunk form (`getLogChunk`): as many as fit in
   * `maxBytes` of entries as UTF-8 JSON (capped by `limits.pageBytes`, its default),
   * but always at least one when one exists, so reading on always moves forward.
   */
  chunk(sinceSequence: unknown, maxBytes?: unknown): LogChunk {
    checkSince('getLogChunk', sinceSequence);
    if (maxBytes === null || maxBytes === undefined) maxBytes = this.limits.pageBytes;
    if (typeof maxBytes !== 'number' || !Number.isSafeInteger(maxBytes) || maxBytes < 1) {
      throw new ResumableError(
        'INVALID_PARAMETER',
        `getLogChunk: maxBytes must be a positive integer (got ${JSON.stringify(maxBytes)})`,
      );
    }
    const budget = Math.min(maxBytes, this.limits.pageBytes);
    const from = Math.max(0, sinceSequence + 1 - this.firstSequence);
    const entries: LogChunkEntry[] = [];
    let bytes = 0;
    let previous: number | undefined;
    for (let at = from; at < this.held.length; at++) {
      const update = this.held[at] as WorkflowUpdate;
      const entry = toChunkEntry(update, previous);
      // Measured exactly (a comma apart), so the same bytes hold about three times the updates a page does.
      const size = utf8Length(JSON.stringify(entry)) + 1;
      if (entries.length > 0 && bytes + size > budget) break;
      bytes += size;
      entries.push(entry);
      previous = update.timestamp;
    }
    const firstSequence = this.firstSequence + from;
    return {
      taskId: this.taskId,
      status: this.status,
      lastSequence: this.last,
      firstSequence,
      entries,
      hasMore: firstSequence + entries.length - 1 < this.last,
      ...this.epochField(),
    };
  }

  /**
   * The state as `getWorkflowState` answers it: the newest updates within
   * `limits.stateUpdates` and `limits.stateBytes`, with `firstSequence` naming the
   * first one returned, `heldFrom` where the log starts when older ones were left out,
   * and the snapshot when one exists.
   */
  state(): WorkflowState {
    let from = this.held.length;
    let bytes = 0;
    while (from > 0 && this.held.length - from < this.limits.stateUpdates) {
      const size = this.sizes[from - 1] as number;
      if (bytes + size > this.limits.stateBytes && from < this.held.length) break;
      bytes += size;
      from--;
    }
    const state: WorkflowState = {
      taskId: this.taskId,
      status: this.status,
      updates: this.held.slice(from),
      lastSequence: this.last,
      startTime: this.startTime,
      firstSequence: this.firstSequence + from,
      ...this.epochField(),
    };
    // Left out for size, not compacted: say where the log starts, so a client can page back.
    if (from > 0) state.heldFrom = this.firstSequence;
    if (this.hasSnapshot) state.snapshot = this.snapshotValue;
    return state;
  }

  /**
   * Removes the oldest held updates so at most `keep` remain, folding them into the
   * snapshot with `reduce` when given. Returns how many left the log.
   */
  compact(keep: number, reduce?: Reduce<TSnapshot>): number {
    checkKeep(keep);
    return this.dropOldest(Math.max(0, this.held.length - keep), reduce);
  }

  /** Like `compact`, but keeps the newest updates that fit in `maxBytes`. */
  compactToBytes(maxBytes: number, reduce?: Reduce<TSnapshot>): number {
    let keep = 0;
    let bytes = 0;
    for (let index = this.held.length - 1; index >= 0; index--) {
      bytes += this.sizes[index] as number;
      if (bytes > maxBytes) break;
      keep++;
    }
    return this.dropOldest(this.held.length - keep, reduce);
  }

  /** The log as the next run needs it (see `CarriedLog`). */
  carry(): CarriedLog<string, Record<string, unknown>, TSnapshot> {
    const carried: CarriedLog<string, Record<string, unknown>, TSnapshot> = {
      status: this.status,
      startTime: this.startTime,
      lastSequence: this.last,
      firstSequence: this.firstSequence,
      updates: [...this.held] as CarriedLog['updates'],
      ...this.epochField(),
    };
    if (this.hasSnapshot) carried.snapshot = this.snapshotValue as TSnapshot;
    return carried;
  }

  /** `{ epoch }` when the log has one, so logs from before epochs answer as they did. */
  private epochField(): { epoch?: string } {
    return this.epoch === undefined ? {} : { epoch: this.epoch };
  }

  private hold(update: WorkflowUpdate, size: number): void {
    this.held.push(update);
    this.sizes.push(size);
    this.heldBytes += size;
  }

  private dropOldest(count: number, reduce?: Reduce<TSnapshot>): number {
    if (count <= 0) return 0;
    const leaving = this.held.slice(0, count);
    if (reduce) {
      this.snapshotValue = reduce(this.snapshotValue, leaving);
      this.hasSnapshot = true;
    }
    this.held = this.held.slice(count);
    const leavingBytes = this.sizes.slice(0, count).reduce((sum, size) => sum + size, 0);
    this.sizes = this.sizes.slice(count);
    this.heldBytes -= leavingBytes;
    return count;
  }
}

function resolveLimits(overrides: Partial<LogLimits> | undefined): Readonly<LogLimits> {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides ?? {}) as [keyof LogLimits, unknown][]) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_LIMITS)) {
      throw new ResumableError('INVALID_PARAMETER', `Unknown limit "${key}"`);
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new ResumableError(
        'INVALID_PARAMETER',
        `limits.${key} must be a positive integer (got ${JSON.stringify(value)})`,
      );
    }
    limits[key] = value;
  }
  return Object.freeze(limits);
}

function checkKeep(keep: number): void {
  if (!Number.isSafeInteger(keep) || keep < 0) {
    throw new ResumableError(
      'INVALID_PARAMETER',
      `compaction keep must be a non-negative integer (got ${JSON.stringify(keep)})`,
    );
  }
}

/** A carried log must be exactly what `carry()` made: contiguous, numbering intact. */
function checkCarried(carried: CarriedLog<string, Record<string, unknown>, unknown>): void {
  const bad = (why: string) => new ResumableError('INVALID_PARAMETER', `The carried log is not valid: ${why}`);
  if (typeof carried !== 'object' || !Array.isArray(carried.updates)) throw bad('it has no updates array');
  if (!Number.isSafeInteger(carried.lastSequence) || carried.lastSequence < 0)
    throw bad('lastSequence is not a sequence');
  if (typeof carried.status !== 'string') throw bad('status is not a string');
  if (typeof carried.startTime !== 'number') throw bad('startTime is not a number');
  if (carried.epoch !== undefined && typeof carried.epoch !== 'string') throw bad('epoch is not a string');
  if (carried.firstSequence !== carried.lastSequence - carried.updates.length + 1) {
    throw bad(
      `firstSequence ${carried.firstSequence} does not match ${carried.updates.length} updates ending at ${carried.lastSequence}`,
    );
  }
  carried.updates.forEach((update, index) => {
    if (update?.sequence !== carried.firstSequence + index) {
      throw bad(`update ${index} has sequence ${String(update?.sequence)}, expected ${carried.firstSequence + index}`);
    }
  });
}

function checkSince(query: string, sinceSequence: unknown): asserts sinceSequence is number {
  if (typeof sinceSequence !== 'number' || !Number.isSafeInteger(sinceSequence) || sinceSequence < 0) {
    throw new ResumableError(
      'INVALID_PARAMETER',
      `${query}: sinceSequence must be a non-negative integer (got ${JSON.stringify(sinceSequence)})`,
    );
  }
}
