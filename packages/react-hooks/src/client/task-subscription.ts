import type {
  ConnectedEventData,
  ActivityProgress,
  EndEventData,
  ResetEventData,
  SkippedEventData,
  UpdatesPage,
  WorkflowStateOf,
  WorkflowUpdate,
} from '@resumable/protocol';
import { CONNECTED, END, PROGRESS, RESET, SKIPPED, STATUS, UPDATE } from './events';
import { CatchUpPacer, type CatchUpProgress } from './catch-up-pacer';
import { ClientError } from './errors';
import { openEventStream, type ConnectionStatus, type EventStream, type StreamOptions } from './event-stream';
import { liveContext, parseEventData, requestJson } from './http';
import { Sequencer } from './sequencer';
import { apiBase, sharedRegistry, statusPatch } from './shared-stream';
import { shown, snapshotPatch } from './snapshot-state';
import { Subscribable } from './subscribable';
import type { RefreshToken } from './token';

/**
 * Options of a task subscription; the first subscriber's options open the connection.
 *
 * @example
 * const options: TaskSubscriptionOptions = { taskId: 'order-1', apiBaseUrl: '/api', refreshToken, recoveryPageSize: 200 };
 * const task = getTaskSubscription(options);
 */
export interface TaskSubscriptionOptions extends StreamOptions {
  /** The task (Temporal workflow id). */
  taskId: string;
  /** Where the Resumable endpoints are mounted. Default `/api`. */
  apiBaseUrl?: string;
  /** Returns a fresh token; omit only when the server runs without auth. */
  refreshToken?: RefreshToken;
  /** Updates per recovery request (`limit`). Default 100. */
  recoveryPageSize?: number;
  /**
   * Time between steps while applying recovered updates (a recovery, or a reconnect's
   * catch-up), in ms. 0 applies them at once. Default 16.
   */
  recoveryIntervalMs?: number;
  /**
   * Upper bound for applying one recovery or catch-up, in ms: steps grow so it finishes
   * in time, however many updates it has (thousands take no longer). Default 1000.
   */
  recoveryMaxMs?: number;
  /**
   * The task's state as the server read it while rendering the page (`getTaskSnapshot`
   * of `@resumable/recovery-server`): shown from the first render, server and browser
   * alike, and the stream resumes after its `lastSequence`, so nothing is downloaded
   * twice. Counts when it opens the task's connection (the first subscriber's).
   */
  initialSnapshot?: WorkflowStateOf<string, WorkflowUpdate> | undefined;
  /**
   * Only these update types (the server's `?types=`): the others are never sent, and
   * the stream and recovery still account for their sequences, so exactly-once and
   * gap repair hold for the filtered list. Each distinct filter is its own subscription
   * (and connection). Default: every type.
   */
  types?: readonly string[] | undefined;
}

/**
 * Progress of a recovery or catch-up: `recovered` of `total` missed updates are applied.
 *
 * @example
 * const { recoveryProgress } = useTemporalSubscription({ taskId, refreshToken });
 * const percent = recoveryProgress ? (100 * recoveryProgress.recovered) / recoveryProgress.total : 100;
 */
export interface RecoveryProgress {
  /** Missed updates applied so far. */
  recovered: number;
  /** Missed updates in all. */
  total: number;
}

/**
 * Everything a UI shows about one task's stream: `TUpdate` is the update type (a union
 * discriminated by `type`, e.g. `UpdateOf<Map>`), `TStatus` the workflow's statuses.
 *
 * @example
 * const task = getTaskSubscription({ taskId: 'order-1', refreshToken });
 * const state: TaskState = task.getState();
 * console.log(state.status, state.lastSequence, state.latestUpdate?.type);
 */
export interface TaskState<TUpdate extends WorkflowUpdate = WorkflowUpdate, TStatus extends string = string> {
  /** Where the connection stands. */
  status: ConnectionStatus;
  /** True while the stream is open. */
  isConnected: boolean;
  /**
   * True while missed updates are applied: during `recoverMissedUpdates()`, and while
   * a reconnect's catch-up (what the server sends after `Last-Event-ID`, up to the
   * `lastSequence` of its `connected` event) is applied. Not on the first connection:
   * its history is the initial state, applied as it arrives.
   */
  isRecovering: boolean;
  /** Progress of the running recovery or catch-up, or null. */
  recoveryProgress: RecoveryProgress | null;
  /** Every applied update, in sequence order, each once. */
  updates: TUpdate[];
  /** The latest applied update. */
  latestUpdate?: TUpdate | undefined;
  /** `data` of the latest update. */
  latestData?: TUpdate['data'] | undefined;
  /** The sequence of the latest applied update (0 before the first). */
  lastSequence: number;
  /** The timestamp of the latest applied update, ms since the epoch. */
  lastTimestamp?: number | undefined;
  /**
   * The workflow's status (its update log's `status`) as the server last read it: from
   * the stream while it runs (the `connected` and `status` events, when the server
   * sends them), from recovery pages, and from `end` (final). A status said at a lower
   * `lastSequence` than the one shown never replaces it. Undefined until one says it.
   */
  workflowStatus?: TStatus | undefined;
  /**
   * The newest live progress of each running activity, by activity id (`reportProgress`
   * in an activity; live only, never in the log). `useActivities` joins it with the
   * log's `activity.*` updates.
   */
  progress?: Record<string, ActivityProgress> | undefined;
  /** The open stream's connection id (from its `connected` event). */
  connectionId?: string | undefined;
  /**
   * The epoch of the log shown (see `UpdatesPage.epoch` in `@resumable/protocol`). When
   * the server reports another one (the workflow was reset, or its id started again),
   * or a log compacted past what is shown, the list is dropped and rebuilt from the log
   * the server follows now: never two histories mixed, never a gap waited on forever.
   */
  epoch?: string | undefined;
  /** The latest error; connection errors clear once connected again. */
  error?: ClientError | undefined;
}

/**
 * The state before anything is known.
 *
 * @example
 * const [state, setState] = useState<TaskState>(INITIAL_TASK_STATE);
 */
export const INITIAL_TASK_STATE: TaskState<never, never> = {
  status: 'idle',
  isConnected: false,
  isRecovering: false,
  recoveryProgress: null,
  updates: [],
  lastSequence: 0,
};

/**
 * One task's stream, shared by every subscriber: live updates from
 * `GET {apiBaseUrl}/temporal/stream/:taskId`, deduplicated by sequence, with gaps
 * filled from `GET {apiBaseUrl}/temporal/recovery/:taskId` before anything later is
 * applied. A reconnect's catch-up is shown like a recovery (`isRecovering`, progress,
 * paced steps), with live updates queued behind it. Get it with `getTaskSubscription`.
 *
 * ```
 *   subscribe ─► stream opens ─► connected ─┬─ first connection: history applied as it arrives
 *                                           └─ resume below server's lastSequence: catch-up (paced, isRecovering)
 *   update ─► Sequencer ─┬─ next in line ─► (a chunk's worth, next microtask) ─► CatchUpPacer ─► state (one change per batch) ─► onUpdate listeners
 *                        └─ gap ─► recoverMissedUpdates(): pages from the log, held catch-up, then release
 *   connected / status / recovery page ─► workflowStatus (unless the one shown was said later in the log)
 *   end ─► final workflowStatus; missing tail ─► recoverMissedUpdates()     last unsubscribe ─► stream stops
 * ```
 *
 * @example
 * const task = getTaskSubscription({ taskId: 'task-1', refreshToken });
 * const stop = task.subscribe(() => console.log(task.getState().updates.length));
 */
export class TaskSubscription<
  TUpdate extends WorkflowUpdate = WorkflowUpdate,
  TStatus extends string = string,
> extends Subscribable<TaskState<TUpdate, TStatus>> {
  #sequencer = new Sequencer<Item<TUpdate>>();
  readonly #pacer: CatchUpPacer<Item<TUpdate>>;
  readonly #updateListeners = new Set<(update: TUpdate) => void>();
  /** Updates made ready since the last flush: everything one network chunk brought, applied as one batch. */
  #ready: Item<TUpdate>[] = [];
  readonly #context: ReturnType<typeof liveContext>;
  #stream: EventStream | undefined;
  #recovery: Promise<number> | undefined;
  #recoverAgain = false;
  /** The `lastSequence` the shown `workflowStatus` was said at (Infinity once `end` said it). */
  #statusAt: number;
  readonly #release: () => void;

  /** @internal Created by `getTaskSubscription`; `release` forgets it in the registry. */
  constructor(
    /** The newest options; callbacks (`refreshToken`, `fetch`) are read from here at use. */
    public options: TaskSubscriptionOptions,
    release: () => void,
  ) {
    super(INITIAL_TASK_STATE);
    const snapshot = options.initialSnapshot;
    if (snapshot) this.setState({ ...snapshotPatch<TUpdate, TStatus>(snapshot, options.types), epoch: snapshot.epoch });
    // Applied already (the page shows it): the stream resumes after it.
    this.#statusAt = this.#sequencer.head = this.getState().lastSequence;
    this.#release = release;
    this.#context = liveContext(() => this.options);
    this.#pacer = new CatchUpPacer<Item<TUpdate>>(
      (batch, progress) => this.#applyBatch(batch, progress),
      () => ({ intervalMs: this.options.recoveryIntervalMs ?? 16, maxMs: this.options.recoveryMaxMs ?? 1000 }),
      (progress) => this.setState(progress),
    );
  }

  /** Calls `listener` once per applied update, in sequence order. */
  onUpdate(listener: (update: TUpdate) => void): () => void {
    this.#updateListeners.add(listener);
    return () => void this.#updateListeners.delete(listener);
  }

  /**
   * Fetches every update after the last applied one from the durable log (page by
   * page while `hasMore`) and applies them in order, paced. Resolves with how many
   * were new, once they are applied.
   */
  recoverMissedUpdates = (): Promise<number> => {
    if (this.#recovery) {
      this.#recoverAgain = true;
      return this.#recovery;
    }
    this.#recovery = this.#recover().finally(() => {
      this.#recovery = undefined;
      if (this.#recoverAgain || this.#sequencer.hasGap) {
        this.#recoverAgain = false;
        void this.recoverMissedUpdates();
      }
    });
    return this.#recovery;
  };

  protected onSubscribe(): void {
    this.#stream = openEventStream({
      ...this.options,
      ...this.#context(),
      url: this.#path('stream'),
      endEvent: END,
      lastEventId: () => this.#sequencer.head,
      onStatus: (status, error) => {
        // A catch-up belongs to its connection: cut short, it ends with what arrived.
        if (status !== 'open') this.#pacer.cut(this.#sequencer.head);
        this.setState(statusPatch(status, error));
      },
      onEvent: (event) => this.#receive(event),
    });
  }

  protected onUnsubscribe(): void {
    this.#stream?.stop();
    this.#stream = undefined;
    this.#release();
  }

  /** An endpoint's URL; `query` starts with `&` (the type filter, when set, comes first). */
  #path(kind: string, query = ''): string {
    const { taskId, types } = this.options;
    // An array in a template joins with commas: `types=a,b`.
    const search = (types?.length ? `&types=${types.map(encodeURIComponent)}` : '') + query;
    return `${apiBase(this.options)}/temporal/${kind}/${encodeURIComponent(taskId)}${search.replace('&', '?')}`;
  }

  #receive({ event, data: text }: { event?: string | undefined; data: string }): void {
    if (!event || !(TASK_EVENT_NAMES as string[]).includes(event)) return;
    try {
      const data = parseEventData<
        TUpdate & ConnectedEventData<TStatus> & EndEventData<TStatus> & SkippedEventData & ResetEventData
      >({ event, data: text });
      if (event === SKIPPED) return void this.#accept({ from: data.from, sequence: data.to });
      // The log began again, or was compacted past us: start over after `base`.
      if (event === RESET) return this.#rebase(data.base, data.epoch);
      if (event === PROGRESS) return this.#progress(data as unknown as ActivityProgress);
      const known = this.getState().epoch;
      if (event === CONNECTED && known && data.epoch && data.epoch !== known) {
        // Another log than the one shown: it is read from its start while the stream
        // goes on from our old resume point (held until the recovery reaches it).
        this.#rebase(0, data.epoch);
        void this.recoverMissedUpdates();
      }
      const head = this.#sequencer.head;
      if (event !== UPDATE) this.#status(data.status, event === END ? Infinity : data.lastSequence);
      if (event === CONNECTED) {
        this.setState({ connectionId: data.connectionId, epoch: data.epoch ?? known });
        // A resume (something was applied before): the server's catch-up, after
        // `resumeFrom` (our `Last-Event-ID`, the head) up to `lastSequence`, is shown
        // like a recovery. A first connection's history is the initial state:
        // applied as it arrives, unpaced, without the indicator.
        if (head && head < data.lastSequence) this.#pacer.extend(head, data.lastSequence);
      } else if (event === END) {
        if (data.lastSequence > head) void this.recoverMissedUpdates();
      } else if (event === UPDATE) {
        if (!(data.sequence >= 1)) throw new ClientError('INVALID_PARAMETER', 'Update without a sequence');
        this.#accept(data);
        // A gap: fill it from the durable log before anything later is applied.
        if (this.#sequencer.hasGap) void this.recoverMissedUpdates();
      }
    } catch (error) {
      this.setState({ error: ClientError.from(error) });
    }
  }

  /** Drops every update shown or queued: the log (epoch) now continues after `base`. */
  #rebase(base: number, epoch: string | undefined): void {
    this.#sequencer = new Sequencer<Item<TUpdate>>(base);
    this.#ready = [];
    this.#pacer.clear(base);
    this.#statusAt = base;
    this.setState({ ...shown<TUpdate>([]), lastSequence: base, epoch, progress: undefined });
  }

  /** Keeps the newest report per activity: a later attempt, or a higher counter of the same one. */
  #progress(report: ActivityProgress): void {
    const held = this.getState().progress;
    const current = held?.[report.activityId];
    // Attempts and counters both count up: compare them as one number.
    const rank = (p: ActivityProgress) => p.attempt * 2 ** 32 + p.counter;
    if (!current || rank(report) > rank(current)) this.setState({ progress: { ...held, [report.activityId]: report } });
  }

  /** Shows `status`, unless the one shown was said at a later point of the log (or by `end`). */
  #status(status: TStatus | undefined, at: number): void {
    if (status && at >= this.#statusAt) {
      this.#statusAt = at;
      this.setState({ workflowStatus: status });
    }
  }

  /**
   * Sequences an update and queues what became ready; returns how many were queued.
   * The pacer gets them a microtask later, together with whatever else the same
   * chunk or page held: one state change (one copy of the list) per batch, not per update.
   */
  #accept(update: Item<TUpdate>): number {
    const ready = this.#sequencer.accept(update);
    if (ready.length && !this.#ready.length) queueMicrotask(() => this.#flush());
    this.#ready.push(...ready);
    return ready.filter(isUpdate).length;
  }

  #flush(): void {
    const ready = this.#ready;
    this.#ready = [];
    this.#pacer.push(ready);
  }

  #applyBatch(items: Item<TUpdate>[], progress: CatchUpProgress): void {
    const batch = items.filter(isUpdate);
    // Only skipped ranges: nothing new to show, but the catch-up moved on.
    if (!batch.length) return this.setState(progress);
    this.setState({ ...shown(this.getState().updates.concat(batch)), ...progress });
    for (const update of batch) for (const listener of this.#updateListeners) listener(update);
  }

  async #recover(): Promise<number> {
    let since = this.#sequencer.head;
    let fetched = 0;
    this.#pacer.hold(since);
    try {
      for (;;) {
        const page = await requestJson<UpdatesPage<TStatus>>(
          this.#path('recovery', `&sinceSequence=${since}&limit=${this.options.recoveryPageSize ?? 100}`),
          undefined,
          this.#context(),
        );
        this.#status(page.status, page.lastSequence);
        const first = page.updates[0];
        if (first && first.sequence > since + 1 && page.throughSequence === undefined) {
          // Compacted below `since`: what the log holds starts after a hole nothing can fill.
          this.#rebase(first.sequence - 1, page.epoch);
          since = first.sequence - 1;
        }
        this.#pacer.extend(since, page.lastSequence);
        // A filtered page accounts for the sequences it left out up to `throughSequence`.
        const through = page.throughSequence;
        let at = since;
        for (const update of page.updates as TUpdate[]) {
          if (through !== undefined && update.sequence > at + 1)
            this.#accept({ from: at + 1, sequence: update.sequence - 1 });
          fetched += this.#accept(update);
          at = update.sequence;
        }
        if (through !== undefined && through > at) this.#accept({ from: at + 1, sequence: through });
        const next = through ?? page.updates[page.updates.length - 1]?.sequence;
        if (!page.hasMore || next === undefined || next <= since) break;
        since = next;
      }
      this.#flush();
      await this.#pacer.drained();
      this.#pacer.release();
    } catch (error) {
      // What did not arrive will not be applied by this recovery: end it with what did.
      this.setState({ error: ClientError.from(error) });
      this.#flush();
      this.#pacer.release(this.#sequencer.head);
    }
    return fetched;
  }
}

/** The task stream's events this client acts on. */
const TASK_EVENT_NAMES = [CONNECTED, UPDATE, STATUS, END, SKIPPED, RESET, PROGRESS];

/** What the sequencer and pacer carry: updates, and ranges a type filter left out. */
type Item<TUpdate> = TUpdate | { from: number; sequence: number };
const isUpdate = <TUpdate>(item: Item<TUpdate>): item is TUpdate => !('from' in (item as object));

/** One shared subscription per (apiBaseUrl, taskId, type filter). */
const taskRegistry = /* @__PURE__ */ sharedRegistry(
  (options: TaskSubscriptionOptions) => `${apiBase(options)} ${options.taskId} ${options.types ?? ''}`,
  (options, release) => new TaskSubscription(options, release),
);

/**
 * The shared subscription of a task: every caller with the same `apiBaseUrl` and
 * `taskId` gets the same one, so they share one connection. Options passed again
 * replace the ones they set (newest `refreshToken` wins).
 *
 * @example
 * const task = getTaskSubscription({ apiBaseUrl: '/api', taskId, refreshToken });
 * const unsubscribe = task.subscribe(() => render(task.getState()));
 * await task.recoverMissedUpdates();
 */
export function getTaskSubscription<TUpdate extends WorkflowUpdate = WorkflowUpdate, TStatus extends string = string>(
  options: TaskSubscriptionOptions,
): TaskSubscription<TUpdate, TStatus> {
  return taskRegistry.get(options) as unknown as TaskSubscription<TUpdate, TStatus>;
}

/**
 * The shared subscription of a task if one exists; never creates one (safe during render).
 *
 * @example
 * const state = peekTaskSubscription({ taskId })?.getState();
 */
export function peekTaskSubscription<TUpdate extends WorkflowUpdate = WorkflowUpdate, TStatus extends string = string>(
  options: Pick<TaskSubscriptionOptions, 'apiBaseUrl' | 'taskId'>,
): TaskSubscription<TUpdate, TStatus> | undefined {
  return taskRegistry.peek(options as TaskSubscriptionOptions) as unknown as
    TaskSubscription<TUpdate, TStatus> | undefined;
}
