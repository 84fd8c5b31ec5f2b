import type { ConnectedEventData, EndEventData, UpdatesPage, WorkflowUpdate } from '@resumable/protocol';
import { ClientError } from './errors';
import { openEventStream, type ConnectionStatus, type StreamOptions } from './event-stream';
import { liveContext, parseEventData, requestJson } from './http';
import { Sequencer } from './sequencer';
import { apiBase, sharedRegistry, sharedStream, statusPatch, type Subscribable } from './shared-stream';
import type { RefreshToken } from './token';

/** Options of a task subscription; the first subscriber's options open the connection. */
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
}

/** Progress of a recovery or catch-up: `recovered` of `total` missed updates are applied. */
export interface RecoveryProgress {
  recovered: number;
  total: number;
}

/** Everything a UI shows about one task's stream. */
export interface TaskState<TUpdate extends WorkflowUpdate = WorkflowUpdate> {
  status: ConnectionStatus;
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
  latestUpdate?: TUpdate | undefined;
  /** `data` of the latest update. */
  latestData?: TUpdate['data'] | undefined;
  /** The sequence of the latest applied update (0 before the first). */
  lastSequence: number;
  lastTimestamp?: number | undefined;
  /** The workflow's status once the stream has ended or a recovery page said it. */
  workflowStatus?: string | undefined;
  connectionId?: string | undefined;
  /** The latest error; connection errors clear once connected again. */
  error?: ClientError | undefined;
}

/** The state before anything is known. */
export const INITIAL_TASK_STATE: TaskState<never> = {
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
 * @example
 * const task = getTaskSubscription({ taskId: 'task-1', refreshToken });
 * const stop = task.subscribe(() => console.log(task.getState().updates.length));
 */
export interface TaskSubscription<TUpdate extends WorkflowUpdate = WorkflowUpdate> extends Subscribable<TaskState<TUpdate>> {
  /** The newest options; callbacks (`refreshToken`, `fetch`) are read from here at use. */
  options: TaskSubscriptionOptions;
  /** Calls `listener` once per applied update, in sequence order. */
  onUpdate(listener: (update: TUpdate) => void): () => void;
  /**
   * Fetches every update after the last applied one from the durable log (page by
   * page while `hasMore`) and applies them in order, paced. Resolves with how many
   * were new, once they are applied.
   */
  recoverMissedUpdates(): Promise<number>;
}

function createTaskSubscription(initial: TaskSubscriptionOptions, release: () => void): TaskSubscription {
  const sequencer = new Sequencer<WorkflowUpdate>();
  const queue: WorkflowUpdate[] = [];
  const updateListeners = new Set<(update: WorkflowUpdate) => void>();
  // Resolves the running recovery's wait for the queue to empty (one recovery at a time).
  let drained: (() => void) | undefined;
  let pacing: ReturnType<typeof setTimeout> | undefined;
  let stepSize = 1;
  let stepped = 0;
  let recovery: Promise<number> | undefined;
  let recoverAgain = false;
  let recovering = false;
  // The running recovery or catch-up: updates up to `to` are paced; progress counts from `from`.
  let from = 0;
  let to = 0;

  const options = () => self.options;
  const context = liveContext(options);
  const path = (kind: string) => `${apiBase(options())}/temporal/${kind}/${encodeURIComponent(options().taskId)}`;
  const interval = () => options().recoveryIntervalMs ?? 16;

  /**
   * The recovery state after a change: on while recovering or short of `to`. Whenever
   * `to` is 0 the queue is empty (a step waits only while `to` is set), so a new
   * `from` is never above what is applied.
   */
  const progress = (last = store.getState().lastSequence): Partial<TaskState> => {
    if (!recovering && last >= to) to = 0;
    return recovering || to
      ? { isRecovering: true, recoveryProgress: { recovered: last - from, total: to - from } }
      : { isRecovering: false, recoveryProgress: null };
  };

  /** Paces everything up to `until`, with progress from `start` unless one runs already. */
  const extend = (start: number, until: number, patch?: Partial<TaskState>): void => {
    if (!to) from = start;
    to = Math.max(to, until);
    // Steps grow with the backlog, so one recovery takes about recoveryMaxMs at most.
    stepSize = Math.ceil((to - from) / ((options().recoveryMaxMs ?? 1000) / interval())) || 1;
    store.set({ ...patch, ...progress() });
  };

  const store = sharedStream<TaskState>(
    INITIAL_TASK_STATE,
    () =>
      openEventStream({
        ...options(),
        ...context(),
        url: path('stream'),
        endEvent: 'end',
        lastEventId: () => sequencer.head,
        onStatus(status, error) {
          // A catch-up belongs to its connection: cut short, it ends with what arrived.
          if (status !== 'open' && !recovering) to = Math.min(to, sequencer.head);
          store.set({ ...statusPatch(status, error), ...progress() });
        },
        onEvent({ event, data: text }) {
          if (event !== 'connected' && event !== 'update' && event !== 'end') return;
          try {
            const data = parseEventData<WorkflowUpdate & ConnectedEventData & EndEventData>({ event, data: text });
            if (event === 'connected') {
              store.set({ connectionId: data.connectionId });
              // A resume (something was applied before): the server's catch-up, after
              // `resumeFrom` (our `Last-Event-ID`, the head) up to `lastSequence`, is shown
              // like a recovery. A first connection's history is the initial state:
              // applied as it arrives, unpaced, without the indicator.
              if (sequencer.head && sequencer.head < data.lastSequence) extend(sequencer.head, data.lastSequence);
            } else if (event === 'end') {
              store.set({ workflowStatus: data.status });
              if (data.lastSequence > sequencer.head) void recoverMissedUpdates();
            } else {
              if (!(data.sequence >= 1)) throw new ClientError('INVALID_PARAMETER', 'Update without a sequence');
              accept(data);
              // A gap: fill it from the durable log before anything later is applied.
              if (sequencer.hasGap) void recoverMissedUpdates();
            }
          } catch (error) {
            store.set({ error: ClientError.from(error) });
          }
        },
      }),
    release,
  );

  /** Sequences an update and queues what became ready; returns how many were queued. */
  const accept = (update: WorkflowUpdate): number => {
    const ready = sequencer.accept(update);
    queue.push(...ready);
    pump();
    return ready.length;
  };

  /**
   * Applies queued updates in order. Those of a recovery or catch-up go in steps of
   * `stepSize`, one step per interval; whatever queues meanwhile (live ones too) waits.
   * The last one ends the catch-up (`to` = 0), so what queued behind it follows at once.
   */
  const pump = (): void => {
    while (!pacing && queue.length) {
      const update = queue.shift() as WorkflowUpdate;
      store.set({
        updates: [...store.getState().updates, update],
        latestUpdate: update,
        latestData: update.data,
        lastSequence: update.sequence,
        lastTimestamp: update.timestamp,
        ...progress(update.sequence),
      });
      updateListeners.forEach((listener) => listener(update));
      if (update.sequence <= to && interval() && !(++stepped % stepSize)) {
        pacing = setTimeout(() => {
          pacing = undefined;
          pump();
        }, interval());
      }
    }
    if (!queue.length) drained?.();
  };

  const recover = async (): Promise<number> => {
    let since = sequencer.head;
    let fetched = 0;
    recovering = true;
    extend(since, since);
    try {
      for (;;) {
        const page = await requestJson<UpdatesPage>(
          `${path('recovery')}?sinceSequence=${since}&limit=${options().recoveryPageSize ?? 100}`,
          undefined,
          context(),
        );
        extend(since, page.lastSequence, { workflowStatus: page.status });
        for (const update of page.updates) fetched += accept(update);
        const last = page.updates[page.updates.length - 1];
        if (!page.hasMore || !last) break;
        since = last.sequence;
      }
      await new Promise<void>((resolve) => (queue.length ? (drained = resolve) : resolve()));
    } catch (error) {
      // What did not arrive will not be applied by this recovery: end it with what did.
      to = Math.min(to, sequencer.head);
      store.set({ error: ClientError.from(error) });
    }
    recovering = false;
    store.set(progress());
    return fetched;
  };

  const recoverMissedUpdates = (): Promise<number> => {
    if (recovery) return (recoverAgain = true), recovery;
    return (recovery = recover().finally(() => {
      recovery = undefined;
      if (recoverAgain || sequencer.hasGap) {
        recoverAgain = false;
        void recoverMissedUpdates();
      }
    }));
  };
  const self: TaskSubscription = {
    options: initial,
    getState: store.getState,
    subscribe: store.subscribe,
    onUpdate(listener) {
      updateListeners.add(listener);
      return () => updateListeners.delete(listener);
    },
    recoverMissedUpdates,
  };
  return self;
}

/** One shared subscription per (apiBaseUrl, taskId). */
const taskRegistry = sharedRegistry(
  (options: TaskSubscriptionOptions) => `${apiBase(options)} ${options.taskId}`,
  createTaskSubscription,
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
export function getTaskSubscription<TUpdate extends WorkflowUpdate = WorkflowUpdate>(
  options: TaskSubscriptionOptions,
): TaskSubscription<TUpdate> {
  return taskRegistry.get(options) as unknown as TaskSubscription<TUpdate>;
}

/**
 * The shared subscription of a task if one exists; never creates one (safe during render).
 *
 * @example
 * const state = peekTaskSubscription({ taskId })?.getState();
 */
export function peekTaskSubscription<TUpdate extends WorkflowUpdate = WorkflowUpdate>(
  options: Pick<TaskSubscriptionOptions, 'apiBaseUrl' | 'taskId'>,
): TaskSubscription<TUpdate> | undefined {
  return taskRegistry.peek(options as TaskSubscriptionOptions) as unknown as TaskSubscription<TUpdate> | undefined;
}
