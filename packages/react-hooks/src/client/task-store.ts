/**
 * A task as the store holds it: the app's fields plus where its sequence stands.
 *
 * @example
 * const task: StoredTask<{ status: string }> | undefined = store.getTask('task-1');
 * console.log(task?.status, task?.lastSequence);
 */
export type StoredTask<TTask extends object> = TTask & {
  /** The task's id. */
  taskId: string;
  /** The sequence of the latest applied patch (0 when set without one). */
  lastSequence: number;
  /** The timestamp of the latest applied patch, when it had one. */
  lastTimestamp: number | undefined;
};

/**
 * One sequenced change of one task.
 *
 * @example
 * const patches: SequencedPatch<{ status: string }>[] = [{ patch: { status: 'DONE' }, sequence: 8 }];
 * store.applyBatchUpdates('task-1', patches);
 */
export interface SequencedPatch<TTask extends object> {
  /** The fields it changes. */
  patch: Partial<TTask>;
  /** Its sequence: applied only when newer than the task's last. */
  sequence: number;
  /** Its update's timestamp, ms since the epoch. */
  timestamp?: number;
}

/**
 * A store of tasks that applies each sequence at most once, usable with or without React.
 *
 * @example
 * const store: TaskStore<{ status: string }> = createTaskStore();
 * const stop = store.subscribe(() => console.log(store.getSnapshot()));
 */
export interface TaskStore<TTask extends object> {
  /** Every task by id; a new object after every change (for `useSyncExternalStore`). */
  getSnapshot(): Readonly<Record<string, StoredTask<TTask>>>;
  /** One task, if the store holds it. */
  getTask(taskId: string): StoredTask<TTask> | undefined;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Replaces a task's fields without a sequence (e.g. from a REST load); keeps its sequence. */
  setTask(taskId: string, task: TTask): void;
  /** Forgets a task (and its sequence). */
  removeTask(taskId: string): void;
  /**
   * Merges `patch` into the task if `sequence` is newer than the last one applied.
   * Returns false (and changes nothing) for a duplicate or stale sequence.
   */
  updateTaskWithSequence(taskId: string, patch: Partial<TTask>, sequence: number, timestamp?: number): boolean;
  /**
   * Applies many patches of one task in sequence order, skipping those already
   * applied, with a single notification. Returns how many were applied.
   */
  applyBatchUpdates(taskId: string, patches: SequencedPatch<TTask>[]): number;
}

/**
 * Creates a sequence-aware task store: each task remembers the last sequence applied
 * to it, so a duplicate or stale patch changes nothing.
 *
 * @example
 * const store = createTaskStore<{ status: string }>();
 * store.updateTaskWithSequence('task-1', { status: 'DONE' }, 7, Date.now()); // true
 * store.updateTaskWithSequence('task-1', { status: 'IN_PROGRESS' }, 7); // false: seen
 */
export function createTaskStore<TTask extends object = Record<string, unknown>>(
  initial: Record<string, TTask> = {},
): TaskStore<TTask> {
  let tasks: Record<string, StoredTask<TTask>> = {};
  const listeners = new Set<() => void>();
  const commit = (next: Record<string, StoredTask<TTask>>) => {
    tasks = next;
    for (const listener of [...listeners]) listener();
  };
  const merge = (
    current: StoredTask<TTask> | undefined,
    taskId: string,
    patch: Partial<TTask>,
    sequence: number,
    timestamp: number | undefined,
  ): StoredTask<TTask> =>
    ({
      ...current,
      ...patch,
      taskId,
      lastSequence: sequence,
      lastTimestamp: timestamp ?? current?.lastTimestamp,
    }) as StoredTask<TTask>;

  for (const [taskId, task] of Object.entries(initial)) tasks[taskId] = merge(undefined, taskId, task, 0, undefined);

  const store: TaskStore<TTask> = {
    getSnapshot: () => tasks,
    getTask: (taskId) => tasks[taskId],
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setTask(taskId, task) {
      const current = tasks[taskId];
      commit({
        ...tasks,
        [taskId]: merge(undefined, taskId, task, current?.lastSequence ?? 0, current?.lastTimestamp),
      });
    },
    removeTask(taskId) {
      if (!(taskId in tasks)) return;
      const { [taskId]: _removed, ...rest } = tasks;
      commit(rest);
    },
    // One patch is a batch of one: the same sequence check, the same single notification.
    updateTaskWithSequence: (taskId, patch, sequence, timestamp) =>
      store.applyBatchUpdates(taskId, [{ patch, sequence, timestamp }]) > 0,
    applyBatchUpdates(taskId, patches) {
      let task = tasks[taskId];
      let applied = 0;
      for (const { patch, sequence, timestamp } of [...patches].sort((a, b) => a.sequence - b.sequence)) {
        if (sequence <= (task?.lastSequence ?? 0)) continue;
        task = merge(task, taskId, patch, sequence, timestamp);
        applied++;
      }
      if (applied > 0 && task) commit({ ...tasks, [taskId]: task });
      return applied;
    },
  };
  return store;
}
