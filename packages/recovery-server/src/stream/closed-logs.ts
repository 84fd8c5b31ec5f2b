import { TASK_EVENTS, type UpdatesPage, type WorkflowUpdate } from '@resumable/protocol';
import { prepareEvent, type PreparedEvent } from '@resumable/sse-publisher';
import type { ClosedLogContent, ExecutionInfo } from '../temporal/gateway';

/**
 * A closed run's whole log, read once and never changed again: its updates and their
 * SSE frames, encoded once and shared by every client and every feed of the task.
 */
export interface ClosedLog extends ClosedLogContent {
  /** `frames[i]` is the `update` event of `updates[i]`. */
  readonly frames: readonly PreparedEvent[];
  /** About what the log holds in memory (its frames and their updates). */
  readonly bytes: number;
}

/** Where closed logs come from: the gateway's one-pass read, and its describe. */
export interface ClosedLogSource {
  readClosedLog(taskId: string, runId: string): Promise<ClosedLogContent>;
  describe(taskId: string): Promise<ExecutionInfo>;
}

export interface ClosedLogsOptions {
  /** Most bytes of closed logs kept; the least recently used go first. */
  maxBytes: number;
  /** How long a describe answer is trusted by `closedRun`, ms (default 1000). */
  describeTtlMs?: number;
}

/** Tasks whose closed run is remembered at most, for `closedRun`. */
const MAX_REMEMBERED_RUNS = 10_000;

/**
 * The logs of finished runs, by `taskId` and `runId`. A closed run's log cannot
 * change, so it is read from Temporal once (one replay on a worker) and served from
 * memory after that, to every stream and recovery page of this instance. A run's id
 * names it exactly: a new run on a reused workflow id is another entry.
 *
 * Reads of one run share the read under way; a failed read is not kept.
 */
export class ClosedLogs {
  private readonly logs = new Map<string, Promise<ClosedLog>>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;
  private readonly runs = new Map<string, { at: number; runId: Promise<string | undefined> }>();

  constructor(
    private readonly source: ClosedLogSource,
    private readonly options: ClosedLogsOptions,
  ) {}

  /** The log of run `runId` of `taskId`, which must have closed. */
  get(taskId: string, runId: string): Promise<ClosedLog> {
    const key = `${runId}\u0000${taskId}`;
    const held = this.logs.get(key);
    if (held) {
      // Most recently used last: Map keeps insertion order.
      this.logs.delete(key);
      this.logs.set(key, held);
      return held;
    }
    const read = this.source.readClosedLog(taskId, runId).then(closedLog);
    this.logs.set(key, read);
    read.then(
      (log) => this.admit(key, read, log.bytes),
      () => {
        if (this.logs.get(key) === read) this.logs.delete(key);
      },
    );
    return read;
  }

  /**
   * The run id of the task's latest run when it has closed (its log is final), else
   * undefined. An answer is trusted for `describeTtlMs`, so paging through a log
   * costs one describe, not one per page. Both ways are safe: a task that closed
   * meanwhile is read by queries a moment longer, and a new run on a reused id is
   * seen within the same moment.
   */
  closedRun(taskId: string): Promise<string | undefined> {
    const now = Date.now();
    const known = this.runs.get(taskId);
    if (known && now - known.at <= (this.options.describeTtlMs ?? 1000)) return known.runId;
    const runId = this.source.describe(taskId).then((info) =>
      // Run ids are UUIDs; anything else would not be safe inside an ETag.
      !info.running && info.runId && /^[\w-]{1,64}$/.test(info.runId) ? info.runId : undefined,
    );
    if (this.runs.size >= MAX_REMEMBERED_RUNS) this.runs.clear();
    this.runs.set(taskId, { at: now, runId });
    runId.catch(() => this.runs.delete(taskId));
    return runId;
  }

  /** Bytes and logs held now. */
  get stats(): { logs: number; bytes: number } {
    return { logs: this.sizes.size, bytes: this.bytes };
  }

  private admit(key: string, read: Promise<ClosedLog>, bytes: number): void {
    if (this.logs.get(key) !== read) return;
    if (bytes > this.options.maxBytes) {
      // Too big to keep: served to whoever waited for it, read again next time.
      this.logs.delete(key);
      return;
    }
    this.sizes.set(key, bytes);
    this.bytes += bytes;
    for (const [oldest] of this.logs) {
      if (this.bytes <= this.options.maxBytes) break;
      const size = this.sizes.get(oldest);
      if (size === undefined) continue; // still being read
      this.logs.delete(oldest);
      this.sizes.delete(oldest);
      this.bytes -= size;
    }
  }
}

/** The SSE event of an update, encoded once. */
export function updateFrame(update: WorkflowUpdate): PreparedEvent {
  return prepareEvent({ id: update.sequence, event: TASK_EVENTS.update, data: JSON.stringify(update) });
}

function closedLog(content: ClosedLogContent): ClosedLog {
  const frames = content.updates.map(updateFrame);
  // The frame's bytes, and about as much again for the update objects behind them.
  const bytes = frames.reduce((sum, frame) => sum + 2 * frame.byteLength, 0);
  return { ...content, frames, bytes };
}

/** One recovery page of a closed log, as `getUpdatesSince(since, limit)` answers it. */
export function closedPage(log: ClosedLog, since: number, limit: number): UpdatesPage {
  const from = Math.max(0, since + 1 - log.firstSequence);
  return pageOf(log, from, limit, since);
}

/** The first `limit` updates of a closed log newer than `after` (ms; timestamps never decrease). */
export function closedPageAfterTime(log: ClosedLog, after: number, limit: number): UpdatesPage {
  // Binary search for the first update with timestamp > after.
  let low = 0;
  let high = log.updates.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((log.updates[middle] as WorkflowUpdate).timestamp > after) high = middle;
    else low = middle + 1;
  }
  return pageOf(log, low, limit, log.firstSequence - 1 + low);
}

function pageOf(log: ClosedLog, from: number, limit: number, since: number): UpdatesPage {
  const updates = log.updates.slice(from, from + limit);
  const last = updates.at(-1)?.sequence ?? Math.max(since, log.firstSequence - 1);
  return {
    taskId: log.taskId,
    status: log.status,
    lastSequence: log.lastSequence,
    updates,
    hasMore: last < log.lastSequence,
    ...(log.epoch !== undefined && { epoch: log.epoch }),
  };
}

/**
 * A closed page as JSON, byte for byte `JSON.stringify(page)`, put together from the
 * update JSON its frames already hold: no update is serialised again per request.
 */
export function closedPageJson(log: ClosedLog, page: UpdatesPage): string {
  const parts: string[] = [];
  const first = page.updates[0]?.sequence;
  if (first !== undefined) {
    const from = first - log.firstSequence;
    for (let at = from; at < from + page.updates.length; at++) parts.push(log.frames[at]?.events[0]?.data ?? '');
  }
  const head = `{"taskId":${JSON.stringify(page.taskId)},"status":${JSON.stringify(page.status)},"lastSequence":${page.lastSequence}`;
  const epoch = page.epoch === undefined ? '' : `,"epoch":${JSON.stringify(page.epoch)}`;
  return `${head},"updates":[${parts.join(',')}],"hasMore":${page.hasMore}${epoch}}`;
}
