'use client';
import { useCallback, useSyncExternalStore } from './react';
import type { StoredTask, TaskStore } from './client/index';

/**
 * Every task of a task store; re-renders on each change.
 *
 * @example
 * const tasks = useTaskStore(store);
 * return Object.values(tasks).map((t) => <Row key={t.taskId} task={t} />);
 */
export function useTaskStore<TTask extends object>(
  store: TaskStore<TTask>,
): Readonly<Record<string, StoredTask<TTask>>> {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}

/**
 * One task of a task store; re-renders only when that task changes.
 *
 * @example
 * const task = useTask(store, taskId);
 * return <span>{task?.status ?? 'unknown'}</span>;
 */
export function useTask<TTask extends object>(store: TaskStore<TTask>, taskId: string): StoredTask<TTask> | undefined {
  const get = useCallback(() => store.getTask(taskId), [store, taskId]);
  return useSyncExternalStore(store.subscribe, get, get);
}
