import {
  MAX_UPDATES_PAGE,
  ResumableError,
  TASK_EVENTS,
  taskTopic,
  type ActivityProgress,
  type EndEventData,
  type ResetEventData,
  type StatusEventData,
  type ErrorContext,
  type UpdateBus,
  type Unsubscribe,
  type UpdatesPage,
  type WorkflowUpdate,
} from '@resumable/protocol';
import { joinEvents, type PreparedEvent } from '@resumable/sse-publisher';
import { NO_TELEMETRY, type FeedTelemetry, type Telemetry } from '../telemetry/telemetry';
import type { ExecutionInfo } from '../temporal/gateway';
import { updateFrame, type ClosedLog } from './closed-logs';
import { LiveProgress } from './live-progress';
import { filterFrames, type TypeFilter } from './type-filter';
import type { StreamChannels, StreamConnection } from './types';

/** What a feed reads from the durable log. */
export interface FeedSource {
  readUpdates(taskId: string, since: number, limit: number): Promise<UpdatesPage>;
  describe(taskId: string): Promise<ExecutionInfo>;
  /** A closed run's whole log in one read (shared, cached); without it a closed log is read page by page. */
  closedLog?(taskId: string, runId: string): Promise<ClosedLog>;
}

export interface TaskFeedOptions {
  /** Recent updates kept in memory per task (beyond what catching-up clients need). */
  cacheSize: number;
  /** Quiet time after the last live update before the log's tail is checked. */
  tailCheckMs: number;
  /** Longest wait between tail checks of a quiet, running workflow. */
  maxTailCheckMs: number;
  /** How long a describe() answer is trusted. */
  describeTtlMs: number;
  onError?: (error: unknown, context: ErrorContext) => void;
  /** Metrics and spans of catch-ups, repaired gaps and live lag (none when absent). */
  telemetry?: Telemetry;
  /**
   * @internal Benchmarks only: forward live updates before the log confirms them,
   * as the feed did before the content guarantee. Breaks that guarantee.
   */
  forwardUnconfirmed?: boolean;
}

interface Client {
  connection: StreamConnection;
  /** The last sequence this client has been sent. */
  cursor: number;
  /** The workflow status this client was last told (in `connected` or a `status` event). */
  status: string;
  /** The update types it asked for (`?types=`), or undefined for all of them. */
  filter?: TypeFilter | undefined;
}

/**
 * One task's stream on this server instance: the hand-off from the durable log to
 * the live bus.
 *
 * The invariant: **everything this feed holds or sends for sequence N is the durable
 * update N**, read from the workflow's log. A live message is a claim, not a fact:
 * the worker pushes it before Temporal has recorded the workflow task, and a task
 * that then fails (or a worker that dies) is retried, possibly with other content
 * at the same sequence. So a live message only says "the log has grown past `high`";
 * the feed confirms it with a log read and forwards the log's copy.
 *
 * - `updates[0 … n]` holds sequences `low … high`, contiguous, all read from the
 *   log; `high` only grows.
 * - A live update above `high` raises `heard` and starts a confirming read of the
 *   log's tail (Temporal answers a query only after the in-flight task completed, so
 *   the read sees what that task recorded). At or below `high` it is dropped.
 * - A confirming read that brought the feed up to everything heard asks at once
 *   whether the workflow has closed, so `end` follows the last update promptly.
 * - A new client catches up from the cache (reading older pages from the log first
 *   when it resumes below `low`), then attaches at `high` synchronously, so nothing
 *   falls between catch-up and live.
 * - Log reads are serialised; concurrent clients share them (the 2nd read starts from
 *   the lowest resume point that arrived meanwhile).
 * - While the workflow's task is failing, the log cannot be read: clients stay
 *   connected and wait (served from the cache as far as it goes); the next live
 *   message or tail check reads again.
 * - When the bus has been quiet, the log's tail is checked, so a lost last update
 *   is still delivered and a closed workflow ends its streams.
 *
 * ```
 *   bus: update N > high ──► heard = N ──► confirming read ──► log copy appended ──► broadcast
 *                                               │                     │
 *                                   task failing│                     └─ caught up with heard?
 *                                               ▼                           └─► describe ─ closed ─► final read ─► end
 *                                   clients wait; tail check / next live message reads again
 * ```
 */
export class TaskFeed {
  private updates: WorkflowUpdate[] = [];
  /** `frames[i]` is `updates[i]` as an SSE event, encoded once for every client. */
  private frames: PreparedEvent[] = [];
  private low = 1;
  private high = -1;
  /** The lowest sequence the durable log still holds (above 1 once compacted). */
  private logStart = 1;
  private tailQueued: Promise<void> | undefined;
  private finishing: Promise<void> | undefined;
  /** The highest sequence the live path announced; above `high` until a read confirms it. */
  private heard = 0;
  /** True while Temporal reports the workflow's task as failing (reads cannot succeed). */
  private failing = false;
  private closedCheck: Promise<void> | undefined;
  /** The confirming read under way, if any. */
  private confirming: Promise<void> | undefined;
  private recheckClosed = false;
  private status = '';
  /** The status attached clients were last told. */
  private announced = '';
  private closed = false;
  /** Temporal's execution status of the closed run (`COMPLETED`, `FAILED`, …), for `end`. */
  private execution: string | undefined;
  /** The run whose closed log this feed holds, once closed (when the source named it). */
  private closedRun: string | undefined;
  /** The latest run id, asked when a client comes to a closed feed (cached for describeTtlMs). */
  private runCheck: { at: number; value: Promise<string | undefined> } | undefined;
  private readonly catchingUp = new Set<Client>();
  /** Every client by its connection's id, whichever set holds it: removal without a scan (10,000 leaving at once). */
  private readonly byConnection = new Map<string, Client>();
  private readonly attached = new Set<Client>();
  private readonly waiting = new Set<Client>();
  /** The filters of attached clients, by key, with how many use each: one channel per filter. */
  private readonly filters = new Map<string, { filter: TypeFilter; clients: number }>();
  /** The newest live progress of each running activity attempt (live only, never in the log). */
  private readonly liveProgress = new LiveProgress();
  private readChain: Promise<void> = Promise.resolve();
  private lowestWanted = Number.POSITIVE_INFINITY;
  private describeCache: { at: number; value: Promise<ExecutionInfo> } | undefined;
  private unsubscribe: Promise<Unsubscribe> | undefined;
  private tailTimer: ReturnType<typeof setTimeout> | undefined;
  private tailDelay: number;
  private disposed = false;
  /** The epoch of the log this feed holds (see `UpdatesPage.epoch`), once a read said it. */
  private epoch: string | undefined;
  /** Set once a read met another epoch: the feed has sent its clients away; a fresh one takes over. */
  private superseded = false;
  readonly channelName: string;
  private readonly metrics: FeedTelemetry;

  constructor(
    readonly taskId: string,
    private readonly source: FeedSource,
    private readonly bus: UpdateBus,
    private readonly channels: StreamChannels,
    private readonly options: TaskFeedOptions,
  ) {
    this.channelName = `task:${taskId}`;
    this.tailDelay = options.tailCheckMs;
    this.metrics = (options.telemetry ?? NO_TELEMETRY).feed(taskId);
  }

  /** Number of clients on this feed. */
  get clientCount(): number {
    return this.catchingUp.size + this.attached.size + this.waiting.size;
  }

  /** The highest contiguous sequence this feed knows, or -1 before its first read. */
  get lastSequence(): number {
    return this.high;
  }

  /** The workflow's status as the last log read said it ('' before any read). */
  get workflowStatus(): string {
    return this.status;
  }

  /** The epoch of the log this feed holds, once a read said it. */
  get logEpoch(): string | undefined {
    return this.epoch;
  }

  /**
   * Makes sure the feed is live on the bus and knows the log up to at least `since`,
   * and whether the workflow has closed. Throws the wire error for an unknown task
   * or an unavailable Temporal. Returns whether a client at `since` has nothing
   * more to get (closed and fully delivered: answer 204), or that the feed is
   * `stale`: it holds a closed run, and the workflow id has started another since
   * (a reused id), or a read found another log (epoch) than the one it held; the
   * caller then takes a fresh feed.
   */
  async prepare(since: number): Promise<{ finished: boolean; stale?: true }> {
    if (this.superseded) return { finished: false, stale: true };
    await this.subscribe();
    if (this.closed && (await this.newRunStarted())) return { finished: false, stale: true };
    try {
      if (!this.closed) {
        const info = await this.describe();
        if (!info.running) await this.finish(since, info);
        else if (info.taskFailing) this.failing = true;
      }
      if (!this.failing || this.covers(since)) await this.cover(since);
      // A read confirming what the bus announced is under way: let it land first, so
      // the stream's `connected` tells where the log really ends (the catch-up's end).
      // Not while the task fails: such reads wait for Temporal and confirm nothing.
      if (this.confirming && !this.failing) await this.confirming;
    } catch (error) {
      if (error instanceof EpochChanged) return { finished: false, stale: true };
      // A failing task: the stream opens anyway and serves what is known; the rest
      // follows once a retry of the task succeeds.
      if (!this.noteFailing(error)) throw error;
    }
    return { finished: this.closed && since >= this.high };
  }

  /**
   * The workflow has closed: one last read of the log (shared by every caller): the
   * closed run's whole log when the source has it, else the tail; then the feed is
   * final and attached clients get `end`.
   */
  private finish(since: number, info: ExecutionInfo): Promise<void> {
    const { runId } = info;
    const read =
      runId && this.source.closedLog
        ? () => this.source.closedLog!(this.taskId, runId).then((log) => this.adopt(log))
        : () => this.readTail(since);
    this.finishing ??= read().then(() => {
      this.closed = true;
      this.closedRun = runId;
      this.execution = info.executionStatus;
      this.endAttached();
    });
    this.finishing.catch(() => {
      this.finishing = undefined;
    });
    return this.finishing;
  }

  /**
   * True when the task's latest run is not the closed run this feed holds. When
   * Temporal cannot say, the feed serves what it holds: a closed log stays true.
   */
  private async newRunStarted(): Promise<boolean> {
    if (this.closedRun === undefined) return false;
    const now = Date.now();
    if (!this.runCheck || now - this.runCheck.at > this.options.describeTtlMs) {
      const value = this.source.describe(this.taskId).then(
        (info) => info.runId,
        () => undefined,
      );
      this.runCheck = { at: now, value };
    }
    const latest = await this.runCheck.value;
    return latest !== undefined && latest !== this.closedRun;
  }

  /** Adds a client whose stream resumes after `since`; with `filter`, it gets only those types. */
  add(connection: StreamConnection, since: number, filter?: TypeFilter): void {
    // The route's `connected` event, sent just before, told this client `this.status`.
    const client: Client = { connection, cursor: since, status: this.status, filter };
    this.catchingUp.add(client);
    this.byConnection.set(connection.id, client);
    const timing = this.metrics.catchUp();
    void this.catchUp(client).then(
      () => timing.end(client.cursor - since),
      (error) => {
        timing.end(client.cursor - since, error);
        this.fail(client, error);
      },
    );
  }

  /**
   * Re-sends everything after `since` down a client's connection, in order, each
   * update once (POST recovery). The connection leaves the live channel meanwhile
   * and rejoins once caught up, so live updates never interleave.
   */
  async replay(connectionId: string, since: number): Promise<{ recovered: number; lastSequence: number } | undefined> {
    const client = this.find(connectionId);
    if (!client) return undefined;
    const current = this.cursorOf(client);
    if (since >= current) return { recovered: 0, lastSequence: current };
    this.detach(client);
    this.waiting.delete(client);
    this.catchingUp.add(client);
    client.cursor = since;
    await this.catchUp(client);
    return { recovered: Math.max(0, this.cursorOf(client) - since), lastSequence: this.cursorOf(client) };
  }

  /** Attached clients are always at `high`; the others carry their own cursor. */
  private cursorOf(client: Client): number {
    return this.attached.has(client) ? this.high : client.cursor;
  }

  /** Forgets a closed connection. */
  remove(connection: StreamConnection): void {
    const client = this.byConnection.get(connection.id);
    if (client?.connection !== connection) return;
    this.byConnection.delete(connection.id);
    this.detach(client);
    this.catchingUp.delete(client);
    this.waiting.delete(client);
  }

  /** The channel a client's live updates come on: one per distinct type filter. */
  private channelOf(filter: TypeFilter | undefined): string {
    return filter ? `${this.channelName}?types=${filter.key}` : this.channelName;
  }

  private attach(client: Client): void {
    this.attached.add(client);
    const { filter } = client;
    if (filter) {
      const entry = this.filters.get(filter.key);
      if (entry) entry.clients++;
      else this.filters.set(filter.key, { filter, clients: 1 });
    }
    client.connection.attach(this.channelOf(filter));
    // Where each running activity stands now, rather than nothing until its next report.
    for (const frame of this.liveProgress.frames()) client.connection.send(frame);
  }

  /**
   * Live progress from an activity: forwarded to attached clients as it comes (it is
   * not a claim about the log, so there is nothing to confirm), newest per attempt.
   */
  private receiveProgress(progress: ActivityProgress): void {
    if (this.disposed || this.superseded) return;
    const frame = this.liveProgress.offer(progress);
    if (!frame) return;
    this.channels.channel(this.channelName).broadcast(frame);
    for (const { filter } of this.filters.values()) this.channels.channel(this.channelOf(filter)).broadcast(frame);
  }

  private detach(client: Client): void {
    if (!this.attached.delete(client)) return;
    const { filter } = client;
    const entry = filter && this.filters.get(filter.key);
    if (entry && --entry.clients === 0) this.filters.delete(entry.filter.key);
    client.connection.detach(this.channelOf(filter));
  }

  /**
   * Sends updates just appended (contiguous, with their frames) to attached clients:
   * joined into one frame per channel, so a burst costs each connection one write.
   * Filtered channels get their types and `skipped` for the rest.
   */
  private publish(updates: readonly WorkflowUpdate[], frames: readonly PreparedEvent[]): void {
    if (frames.length === 0) return;
    this.liveProgress.settle(updates);
    if (this.attached.size > 0) this.metrics.sent(updates);
    this.channels.channel(this.channelName).broadcast(frames.length === 1 ? frames[0]! : joinEvents(frames));
    for (const { filter } of this.filters.values()) {
      this.channels.channel(this.channelOf(filter)).broadcast(joinEvents(filterFrames(updates, frames, filter)));
    }
  }

  /** Stops listening; the registry calls this once no client is left for a while. */
  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.tailTimer);
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    if (unsubscribe) await (await unsubscribe)();
  }

  private find(connectionId: string): Client | undefined {
    return this.byConnection.get(connectionId);
  }

  private subscribe(): Promise<Unsubscribe> {
    this.unsubscribe ??= this.bus.subscribe(taskTopic(this.taskId), (message) => {
      if (message.taskId !== this.taskId) return;
      if (message.kind === 'update') this.receive(message.update);
      else if (message.kind === 'progress') this.receiveProgress(message.progress);
    });
    return this.unsubscribe;
  }

  /** `fresh`: ask Temporal now, not a cached answer (e.g. right after a read returned). */
  private describe(fresh = false): Promise<ExecutionInfo> {
    if (this.closed) return Promise.resolve({ running: false, executionStatus: 'CLOSED' });
    const now = Date.now();
    const cached = this.describeCache;
    if (fresh || !cached || now - cached.at > this.options.describeTtlMs) {
      const value = this.source.describe(this.taskId).then((info) => {
        this.failing = info.taskFailing === true;
        return info;
      });
      this.describeCache = { at: now, value };
      value.catch(() => {
        if (this.describeCache?.value === value) this.describeCache = undefined;
      });
      return value;
    }
    return cached.value;
  }

  /** Records a "task failing" error; true when `error` was one (an expected state, not a fault). */
  private noteFailing(error: unknown): boolean {
    if (!ResumableError.is(error) || error.code !== 'WORKFLOW_TASK_FAILING') return false;
    this.failing = true;
    this.scheduleTailCheck(false);
    return true;
  }

  // ---- the log ------------------------------------------------------------

  private covers(since: number): boolean {
    return this.high >= 0 && (since >= this.low - 1 || this.low <= this.logStart);
  }

  /** Reads the log until the cache reaches down to `since` (shared by concurrent callers). */
  private async cover(since: number): Promise<void> {
    if (this.covers(since)) return;
    this.lowestWanted = Math.min(this.lowestWanted, since);
    await this.serialise(async () => {
      if (this.covers(since)) return;
      const from = Math.min(this.lowestWanted, since);
      this.lowestWanted = Number.POSITIVE_INFINITY;
      if (this.high < 0) await this.readFirst(from);
      else await this.readBelow(from);
    });
  }

  private serialise(step: () => Promise<void>): Promise<void> {
    const next = this.readChain.then(step);
    this.readChain = next.catch(() => undefined);
    return next;
  }

  private async readPage(since: number): Promise<UpdatesPage> {
    const page = await this.source.readUpdates(this.taskId, since, MAX_UPDATES_PAGE);
    this.failing = false;
    this.checkEpoch(page.epoch);
    if (page.status) this.status = page.status;
    return page;
  }

  /**
   * A log read names its epoch. Another one than the feed holds means the log began
   * again (a reset, or a new run under the same id): every sequence may now mean
   * something else, so nothing held may be sent. Each client is told (`reset`, base
   * 0, which is also its new resume point) and closed; its reconnect finds a fresh
   * feed, which reads the new log from the start. Throws `EpochChanged` to stop the
   * read under way.
   */
  private checkEpoch(epoch: string | undefined): void {
    if (epoch === undefined || epoch === this.epoch) return;
    if (this.epoch === undefined) {
      this.epoch = epoch;
      return;
    }
    this.superseded = true;
    const data: ResetEventData = { epoch, base: 0, reason: 'epoch' };
    const reset = { id: 0, event: TASK_EVENTS.reset, data: JSON.stringify(data) };
    for (const client of [...this.catchingUp, ...this.attached, ...this.waiting]) {
      client.connection.send(reset);
      client.connection.close('closed');
      this.remove(client.connection);
    }
    clearTimeout(this.tailTimer);
    throw new EpochChanged();
  }

  /** First read: everything after `since`, to the end of the log. */
  private async readFirst(since: number): Promise<void> {
    let page = await this.readPage(since);
    // A resume point beyond the log (a client ahead of us): start at the log's end.
    let cursor = since > page.lastSequence ? page.lastSequence : since;
    const first = page.updates[0];
    if (first && first.sequence > cursor + 1) {
      // Compacted: nothing below `first` can be read any more.
      this.logStart = first.sequence;
      cursor = first.sequence - 1;
    }
    const start = cursor;
    const collected: WorkflowUpdate[] = [];
    for (;;) {
      const before = cursor;
      for (const update of page.updates) {
        if (update.sequence === cursor + 1) {
          collected.push(update);
          cursor++;
        }
      }
      if (!page.hasMore || cursor === before) break;
      page = await this.readPage(cursor);
    }
    if (this.high >= 0) {
      this.acceptAll(collected);
      return;
    }
    this.updates = collected;
    this.liveProgress.settle(collected);
    this.frames = collected.map(updateFrame);
    this.low = start + 1;
    this.high = cursor;
    this.advanced();
  }

  /**
   * Takes a closed run's whole log (read once, shared): the feed then holds all of it,
   * with the frames already encoded. What the feed held came from the same log, so
   * only what lies beyond `high` is new to attached clients.
   */
  private adopt(log: ClosedLog): Promise<void> | void {
    if (this.disposed) return;
    this.checkEpoch(log.epoch);
    if (log.lastSequence < this.high) {
      // Not the run this feed followed (a reused id started and ended another): read on as before.
      return this.readTail(this.high);
    }
    const before = this.high;
    // Copies: the log is shared and never changes; this feed's arrays may grow or be trimmed.
    this.updates = log.updates.slice();
    this.liveProgress.settle(log.updates);
    this.frames = log.frames.slice();
    this.low = log.firstSequence;
    this.logStart = log.firstSequence;
    this.high = log.lastSequence;
    this.status = log.status;
    this.failing = false;
    if (before >= 0) {
      const from = Math.max(before + 1, this.low) - this.low;
      this.publish(this.updates.slice(from), this.frames.slice(from));
    }
    this.advanced();
  }

  /** Reads older updates, from `since` up to the cache's bottom, and prepends them. */
  private async readBelow(since: number): Promise<void> {
    const older: WorkflowUpdate[] = [];
    let cursor = since;
    const start = since;
    while (cursor < this.low - 1) {
      const page = await this.readPage(cursor);
      const first = page.updates[0];
      if (!first || first.sequence > cursor + 1) {
        // The log holds nothing at cursor + 1: it was compacted up to here.
        this.logStart = first ? Math.min(first.sequence, this.low) : this.low;
        return;
      }
      const before = cursor;
      for (const update of page.updates) {
        if (update.sequence === cursor + 1 && update.sequence < this.low) {
          older.push(update);
          cursor++;
        }
      }
      if (!page.hasMore || cursor === before) break;
    }
    if (cursor === this.low - 1 && older.length > 0) {
      this.updates = older.concat(this.updates);
      this.frames = older.map(updateFrame).concat(this.frames);
      this.low = start + 1;
    }
  }

  /** Reads everything after `high` (confirmation, gap fill, tail check); before any read, after `since`. */
  private readTail(since = this.lowestCursor()): Promise<void> {
    // Calls that arrive while a read waits to start share it.
    if (this.tailQueued) return this.tailQueued;
    const read = this.serialise(async () => {
      this.tailQueued = undefined;
      if (this.high < 0) return this.readFirst(since);
      for (;;) {
        const before = this.high;
        const page = await this.readPage(before);
        this.acceptAll(page.updates);
        // Stop when the log has no more, or its answer did not move us on.
        if (!page.hasMore || this.high === before) break;
      }
    });
    this.tailQueued = read;
    return read;
  }

  /** Where a first read should start: the lowest resume point of the waiting clients. */
  private lowestCursor(): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const client of [...this.catchingUp, ...this.waiting]) lowest = Math.min(lowest, client.cursor);
    return Number.isFinite(lowest) ? lowest : 0;
  }

  // ---- the live path -------------------------------------------------------

  /**
   * Takes a message from the bus. Its content is not forwarded: the log's copy is.
   * A sequence above `high` means the log has grown: read it (a confirming read).
   */
  private receive(update: WorkflowUpdate): void {
    if (this.disposed || update.sequence <= this.high) return;
    this.metrics.announced(update.sequence);
    if (this.options.forwardUnconfirmed && this.high >= 0 && update.sequence === this.high + 1) {
      this.accept(update);
    } else {
      this.heard = Math.max(this.heard, update.sequence);
      // Before the first read, prepare() is reading already, unless the task was failing.
      if (this.high >= 0 || this.failing) this.confirm();
    }
    this.scheduleTailCheck(true);
  }

  /** Reads the log's tail for what the bus announced, then checks for the workflow's end. */
  private confirm(): void {
    const confirming = this.readTail()
      .then(() => {
        if (this.heard <= this.high) this.checkClosed();
      })
      .catch((error) => {
        if (!this.noteFailing(error)) this.report(error);
      })
      .finally(() => {
        if (this.confirming === confirming) this.confirming = undefined;
      });
    this.confirming = confirming;
  }

  /**
   * Everything heard is delivered: if the workflow has closed, its streams end now
   * rather than at the next tail check (clients cut meanwhile would get 204 instead).
   */
  private checkClosed(): void {
    if (this.closed || this.disposed) return;
    if (this.closedCheck) {
      this.recheckClosed = true;
      return;
    }
    this.closedCheck = this.describe(true)
      .then((info) => (info.running ? undefined : this.finish(this.high, info)))
      .catch((error) => this.report(error))
      .finally(() => {
        this.closedCheck = undefined;
        if (this.recheckClosed) {
          this.recheckClosed = false;
          this.checkClosed();
        }
      });
  }

  /** Takes an update read from the log: the next one is appended and broadcast. */
  private accept(update: WorkflowUpdate): void {
    if (this.disposed || update.sequence !== this.high + 1) return;
    this.append(update);
    this.advanced();
  }

  /**
   * Takes a page read from the log: the next updates are appended and go out as one
   * joined frame, so a burst of N updates costs each connection one write, not N
   * (at 10,000 connections the per-write cost is most of the fan-out).
   */
  private acceptAll(updates: readonly WorkflowUpdate[]): void {
    const fresh: WorkflowUpdate[] = [];
    const frames: PreparedEvent[] = [];
    for (const update of updates) {
      if (this.disposed || update.sequence !== this.high + 1) continue;
      fresh.push(update);
      frames.push(this.append(update, false));
    }
    if (fresh.length === 0) return;
    this.metrics.confirmed(fresh);
    this.publish(fresh, frames);
    this.advanced();
  }

  private append(update: WorkflowUpdate, broadcast = true): PreparedEvent {
    const frame = updateFrame(update);
    this.updates.push(update);
    this.frames.push(frame);
    this.high = update.sequence;
    if (broadcast) this.publish([update], [frame]);
    this.trim();
    return frame;
  }

  /** Lets catching-up and waiting clients move on after `high` grew. */
  private advanced(): void {
    if (this.status !== this.announced) {
      this.announced = this.status;
      for (const client of this.attached) this.tellStatus(client);
    }
    for (const client of this.waiting) {
      if (client.cursor < this.high) {
        this.waiting.delete(client);
        this.catchingUp.add(client);
        void this.catchUp(client).catch((error) => this.fail(client, error));
      }
    }
    if (this.closed) this.endAttached();
  }

  private trim(): void {
    let keepFrom = this.high - this.options.cacheSize + 1;
    for (const client of this.catchingUp) keepFrom = Math.min(keepFrom, client.cursor + 1);
    const drop = keepFrom - this.low;
    if (drop > 0) {
      this.updates.splice(0, drop);
      this.frames.splice(0, drop);
      this.low += drop;
    }
  }

  // ---- clients -------------------------------------------------------------

  private async catchUp(client: Client): Promise<void> {
    for (;;) {
      if (client.connection.isClosed) return this.remove(client.connection);
      if (!this.covers(client.cursor)) {
        if (this.failing) return this.wait(client);
        try {
          await this.cover(client.cursor);
        } catch (error) {
          if (this.noteFailing(error)) return this.wait(client);
          throw error;
        }
        // A read that could not reach the resume point would loop forever: give up;
        // the client reconnects and tries again.
        if (!this.covers(client.cursor)) throw new Error(`log of ${this.taskId} cannot reach ${client.cursor}`);
        continue;
      }
      // Synchronous from here to attach: nothing can be broadcast in between.
      // Catch-up goes out as pre-encoded slices of about CATCH_UP_SLICE_BYTES, one
      // write each, waiting for the socket to drain between them, so a client far
      // behind is not cut off as a slow consumer.
      if (client.cursor < this.logStart - 1) this.compactedPast(client);
      if (client.cursor < this.high) {
        const from = Math.max(client.cursor + 1, this.low);
        let to = from;
        let bytes = 0;
        while (to <= this.high && bytes < CATCH_UP_SLICE_BYTES) {
          const frame = this.frames[to - this.low];
          if (!frame) throw new Error(`cache of ${this.taskId} lost sequence ${to}`);
          bytes += frame.byteLength;
          to++;
        }
        const frames = this.frames.slice(from - this.low, to - this.low);
        const slice = client.filter
          ? filterFrames(this.updates.slice(from - this.low, to - this.low), frames, client.filter)
          : frames;
        if (!client.connection.send(joinEvents(slice))) {
          return this.remove(client.connection);
        }
        client.cursor = to - 1;
        if (client.cursor < this.high) {
          await drained(client.connection);
          continue;
        }
      }
      this.catchingUp.delete(client);
      if (this.closed && client.cursor >= this.high) return this.end(client);
      if (client.cursor > this.high) {
        // Resumed beyond the log we know (e.g. a client ahead of a lagging bus): wait.
        this.waiting.add(client);
      } else {
        this.tellStatus(client);
        this.attach(client);
      }
      this.scheduleTailCheck(false);
      return;
    }
  }

  /**
   * The log no longer holds what follows this client's position (compacted into the
   * snapshot): say so (`reset`, reason `compacted`, with where the log now starts as
   * the resume point) rather than send a run of updates with a hole the client could
   * never fill.
   */
  private compactedPast(client: Client): void {
    const base = this.logStart - 1;
    const data: ResetEventData = { ...(this.epoch !== undefined && { epoch: this.epoch }), base, reason: 'compacted' };
    client.connection.send({ id: base, event: TASK_EVENTS.reset, data: JSON.stringify(data) });
    client.cursor = base;
  }

  /**
   * Sends the workflow's status when this client was told another one. After the
   * updates it goes with, so a client never sees a status ahead of the log it has.
   */
  private tellStatus(client: Client): void {
    if (client.status === this.status || this.status === '') return;
    client.status = this.status;
    const data: StatusEventData = { status: this.status, lastSequence: this.cursorOf(client) };
    client.connection.send({ event: TASK_EVENTS.status, data: JSON.stringify(data) });
  }

  /** The log cannot be read now: the client stays connected and waits for the next read. */
  private wait(client: Client): void {
    this.catchingUp.delete(client);
    this.waiting.add(client);
    this.scheduleTailCheck(false);
  }

  private end(client: Client): void {
    const data: EndEventData = {
      status: this.status,
      lastSequence: this.high,
      ...(this.execution && { execution: this.execution }),
    };
    client.connection.send({ event: TASK_EVENTS.end, data: JSON.stringify(data) });
    client.connection.close('closed');
    this.remove(client.connection);
  }

  private endAttached(): void {
    for (const client of [...this.attached, ...this.waiting]) {
      if (this.cursorOf(client) >= this.high) {
        client.cursor = this.cursorOf(client);
        this.end(client);
      }
    }
  }

  /** Reports a fault to the server's `onError`; a change of epoch is not one (its clients were told). */
  private report(error: unknown): void {
    if (!(error instanceof EpochChanged)) this.options.onError?.(error, { source: 'task-feed', taskId: this.taskId });
  }

  private fail(client: Client, error: unknown): void {
    this.report(error);
    // The client reconnects with its Last-Event-ID and resumes exactly there.
    client.connection.close('error');
    this.remove(client.connection);
  }

  // ---- tail checks -----------------------------------------------------------

  private scheduleTailCheck(activity: boolean): void {
    if (this.disposed || this.closed || this.superseded) return;
    if (activity) this.tailDelay = this.options.tailCheckMs;
    else if (this.tailTimer) return;
    clearTimeout(this.tailTimer);
    this.tailTimer = setTimeout(() => void this.tailCheck(), this.tailDelay);
    this.tailTimer.unref?.();
  }

  private async tailCheck(): Promise<void> {
    this.tailTimer = undefined;
    if (this.disposed || this.clientCount === 0) return;
    try {
      // Describe first: a read that starts after "closed" holds the final tail.
      const info = await this.describe();
      if (!info.running) return await this.finish(this.high, info);
      if (!info.taskFailing) await this.readTail();
    } catch (error) {
      if (error instanceof EpochChanged) return;
      if (!this.noteFailing(error)) this.report(error);
    }
    this.tailDelay = Math.min(this.tailDelay * 2, this.options.maxTailCheckMs);
    this.scheduleTailCheck(false);
  }
}

/** A read met another epoch than the feed's: the feed stops; its clients were sent away. */
class EpochChanged extends Error {
  constructor() {
    super('the log began again under another epoch');
  }
}

/** Catch-up is written in slices of about this many bytes. */
const CATCH_UP_SLICE_BYTES = 128 * 1024;

/** Resolves once the connection's unsent bytes fell under a slice (or it closed, or 10 s passed). */
async function drained(connection: StreamConnection): Promise<void> {
  const deadline = Date.now() + 10_000;
  do {
    await new Promise((resolve) => setTimeout(resolve, 1));
  } while (!connection.isClosed && (connection.bufferedBytes ?? 0) > CATCH_UP_SLICE_BYTES && Date.now() < deadline);
}
