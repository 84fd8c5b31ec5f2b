import { describe, expect, it } from 'vitest';
import { createTaskStore } from './task-store';

interface Task {
  status: 'IN_PROGRESS' | 'DONE' | 'MERGED';
  title?: string;
}

describe('createTaskStore', () => {
  it('applies a newer sequence and refuses a duplicate or older one', () => {
    const store = createTaskStore<Task>();
    expect(store.updateTaskWithSequence('t1', { status: 'IN_PROGRESS', title: 'a' }, 1, 100)).toBe(true);
    expect(store.updateTaskWithSequence('t1', { status: 'DONE' }, 3, 300)).toBe(true);
    expect(store.updateTaskWithSequence('t1', { status: 'IN_PROGRESS' }, 3, 300)).toBe(false);
    expect(store.updateTaskWithSequence('t1', { status: 'IN_PROGRESS' }, 2, 200)).toBe(false);
    expect(store.getTask('t1')).toEqual({
      taskId: 't1',
      status: 'DONE',
      title: 'a',
      lastSequence: 3,
      lastTimestamp: 300,
    });
  });

  it('notifies subscribers only on a real change, with a new snapshot each time', () => {
    const store = createTaskStore<Task>();
    const snapshots: unknown[] = [];
    const unsubscribe = store.subscribe(() => snapshots.push(store.getSnapshot()));
    store.updateTaskWithSequence('t1', { status: 'IN_PROGRESS' }, 1);
    store.updateTaskWithSequence('t1', { status: 'DONE' }, 1);
    store.updateTaskWithSequence('t1', { status: 'DONE' }, 2);
    expect(snapshots).toHaveLength(2);
    expect(snapshots[0]).not.toBe(snapshots[1]);
    unsubscribe();
    store.updateTaskWithSequence('t1', { status: 'MERGED' }, 3);
    expect(snapshots).toHaveLength(2);
  });

  it('applies a batch in sequence order, skipping what was applied, with one notification', () => {
    const store = createTaskStore<Task>();
    store.updateTaskWithSequence('t1', { status: 'IN_PROGRESS', title: 'one' }, 2);
    let notified = 0;
    store.subscribe(() => notified++);
    const applied = store.applyBatchUpdates('t1', [
      { patch: { status: 'MERGED' }, sequence: 5, timestamp: 5 },
      { patch: { title: 'old' }, sequence: 1 },
      { patch: { status: 'DONE', title: 'three' }, sequence: 3, timestamp: 3 },
      { patch: { status: 'DONE' }, sequence: 2 },
    ]);
    expect(applied).toBe(2);
    expect(notified).toBe(1);
    expect(store.getTask('t1')).toMatchObject({ status: 'MERGED', title: 'three', lastSequence: 5, lastTimestamp: 5 });
    expect(store.applyBatchUpdates('t1', [{ patch: { status: 'DONE' }, sequence: 4 }])).toBe(0);
    expect(notified).toBe(1);
  });

  it('keeps tasks apart', () => {
    const store = createTaskStore<Task>({ t2: { status: 'DONE' } });
    store.updateTaskWithSequence('t1', { status: 'IN_PROGRESS' }, 9);
    expect(store.updateTaskWithSequence('t2', { status: 'MERGED' }, 1)).toBe(true);
    expect(Object.keys(store.getSnapshot()).sort()).toEqual(['t1', 't2']);
    expect(store.getTask('t2')?.status).toBe('MERGED');
  });

  it('setTask replaces fields but keeps the sequence, so replays stay deduplicated', () => {
    const store = createTaskStore<Task>();
    store.updateTaskWithSequence('t1', { status: 'DONE', title: 'x' }, 4);
    store.setTask('t1', { status: 'MERGED' });
    expect(store.getTask('t1')).toMatchObject({ status: 'MERGED', lastSequence: 4 });
    expect(store.getTask('t1')?.title).toBeUndefined();
    expect(store.updateTaskWithSequence('t1', { status: 'DONE' }, 4)).toBe(false);
    store.removeTask('t1');
    expect(store.getTask('t1')).toBeUndefined();
  });
});
