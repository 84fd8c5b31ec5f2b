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
  /** Time between steps while applying recovered updates, in ms. 0 applies them at once. Default 16. */
  recoveryIntervalMs?: number;
  /** Upper bound for applying one recovery, in ms: steps grow so it finishes in time. Default 1000. */
  recoveryMaxMs?: number;
}

/** Progress of a recovery: `recovered` of `total` missed updates are applied. */
export interface RecoveryProgress {
  recovered: number;
  total: number;
}

/** Everything a UI shows about one task's stream. */
export interface TaskState<TUpdate extends WorkflowUpdate = WorkflowUpdate> {
  status: ConnectionStatus;
  isConnected: boolean;
  isRecovering: boolean;
  /** Progress of the running recovery, or null. */
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
 * applied. Get it with `getTaskSubscription`.
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

// [update, recovered?]
type Queued = [WorkflowUpdate, boolean];

function createTaskSubscription(initial: TaskSubscriptionOptions, release: () => void): TaskSubscription {
  const sequencer = new Sequencer<WorkflowUpdate>();
  const queue: Queued[] = [];
  const updateListeners = new Set<(update: WorkflowUpdate) => void>();
  let drained: (() => void)[] = [];
  let pacing: ReturnType<typeof setTimeout> | undefined;
  let stepSize = 1;
  let recovery: Promise<number> | undefined;
  let recoverAgain = false;

  const options = () => self.options;
  const context = liveContext(options);
  const path = (kind: string) => `${apiBase(options())}/temporal/${kind}/${encodeURIComponent(options().taskId)}`;
  const interval = () => options().recoveryIntervalMs ?? 16;

  const store = sharedStream<TaskState>(
    INITIAL_TASK_STATE,
    () =>
      openEventStream({
        ...options(),
        ...context(),
        url: path('stream'),
        endEvent: 'end',
        lastEventId: () => (sequencer.head ? String(sequencer.head) : undefined),
        onStatus: (status, error) => store.set(statusPatch(status, error)),
        onEvent({ event, data: text }) {
          if (event !== 'connected' && event !== 'update' && event !== 'end') return;
          try {
            const data = parseEventData<WorkflowUpdate & ConnectedEventData & EndEventData>({ event, data: text });
            if (event === 'connected') store.set({ connectionId: data.connectionId });
            else if (event === 'end') {
              store.set({ workflowStatus: data.status });
              if (data.lastSequence > sequencer.head) void recoverMissedUpdates();
            } else {
              if (!(data.sequence >= 1)) throw new ClientError('INVALID_PARAMETER', 'Update without a sequence');
              accept(data, false);
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
  const accept = (update: WorkflowUpdate, recovered: boolean): number => {
    const ready = sequencer.accept(update);
    for (const next of ready) queue.push([next, recovered]);
    pump();
    return ready.length;
  };

  /** Applies queued updates in order; recovered ones in paced steps. */
  const pump = (): void => {
    for (let applied = 0; !pacing && queue.length; ) {
      const [update, recovered] = queue[0] as Queued;
      if (recovered && interval() && applied++ >= stepSize) {
        pacing = setTimeout(() => {
          pacing = undefined;
          pump();
        }, interval());
        return;
      }
      queue.shift();
      const { updates, recoveryProgress: progress } = store.getState();
      store.set({
        updates: [...updates, update],
        latestUpdate: update,
        latestData: update.data,
        lastSequence: update.sequence,
        lastTimestamp: update.timestamp,
        ...(recovered && progress && { recoveryProgress: { ...progress, recovered: progress.recovered + 1 } }),
      });
      updateListeners.forEach((listener) => listener(update));
    }
    if (!queue.length) drained = (drained.forEach((resolve) => resolve()), []);
  };

  const recover = async (): Promise<number> => {
    const start = sequencer.head;
    let since = start;
    let fetched = 0;
    store.set({ isRecovering: true, recoveryProgress: { recovered: 0, total: 0 } });
    try {
      for (;;) {
        const page = await requestJson<UpdatesPage>(
          `${path('recovery')}?sinceSequence=${since}&limit=${options().recoveryPageSize ?? 100}`,
          undefined,
          context(),
        );
        const total = Math.max(page.lastSequence - start, 0);
        store.set({ workflowStatus: page.status, recoveryProgress: { recovered: store.getState().recoveryProgress?.recovered ?? 0, total } });
        // Steps grow with the backlog, so one recovery takes about recoveryMaxMs at most.
        stepSize = Math.ceil(total / ((options().recoveryMaxMs ?? 1000) / interval())) || 1;
        for (const update of page.updates) fetched += accept(update, true);
        const last = page.updates[page.updates.length - 1];
        if (!page.hasMore || !last) break;
        since = last.sequence;
      }
      await new Promise<void>((resolve) => (queue.length ? drained.push(resolve) : resolve()));
    } catch (error) {
      store.set({ error: ClientError.from(error) });
    }
    store.set({ isRecovering: false, recoveryProgress: null });
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
