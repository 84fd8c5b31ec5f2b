// @vitest-environment jsdom
/**
 * `useTaskStore` and `useTask`: components over a shared task store re-render with what
 * the store applied (newer sequences only), and `useTask` leaves a component alone when
 * another task changes.
 */
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createTaskStore, useTask, useTaskStore, type TaskStore } from '../src/index';

interface Task {
  status: 'IN_PROGRESS' | 'DONE';
  title?: string;
}

afterEach(cleanup);

function Board({ store }: { store: TaskStore<Task> }) {
  const tasks = useTaskStore(store);
  return (
    <ul aria-label="board">
      {Object.values(tasks).map((task) => (
        <li key={task.taskId}>{`${task.taskId}:${task.status}@${task.lastSequence}`}</li>
      ))}
    </ul>
  );
}

function Row({ store, taskId, renders }: { store: TaskStore<Task>; taskId: string; renders: string[] }) {
  const task = useTask(store, taskId);
  renders.push(taskId);
  return <output data-testid={taskId}>{task ? `${task.status}@${task.lastSequence}` : 'unknown'}</output>;
}

const boardText = () => screen.getAllByRole('listitem').map((item) => item.textContent);

describe('useTaskStore', () => {
  it('shows every task of the store and re-renders with each applied update, never an older one', () => {
    const store = createTaskStore<Task>();
    render(<Board store={store} />);
    expect(screen.queryAllByRole('listitem')).toEqual([]);
    act(() => void store.updateTaskWithSequence('a', { status: 'IN_PROGRESS', title: 'A' }, 1));
    act(() => void store.updateTaskWithSequence('b', { status: 'IN_PROGRESS' }, 4));
    expect(boardText()).toEqual(['a:IN_PROGRESS@1', 'b:IN_PROGRESS@4']);
    act(() => void store.updateTaskWithSequence('a', { status: 'DONE' }, 2));
    // A duplicate or older sequence changes nothing on screen.
    act(() => void store.updateTaskWithSequence('b', { status: 'DONE' }, 3));
    expect(boardText()).toEqual(['a:DONE@2', 'b:IN_PROGRESS@4']);
  });
});

describe('useTask', () => {
  it('shows one task, and re-renders only when that task changes', () => {
    const store = createTaskStore<Task>();
    const renders: string[] = [];
    render(
      <>
        <Row store={store} taskId="a" renders={renders} />
        <Row store={store} taskId="b" renders={renders} />
      </>,
    );
    expect(screen.getByTestId('a').textContent).toBe('unknown');
    renders.length = 0;
    act(() => void store.updateTaskWithSequence('a', { status: 'IN_PROGRESS' }, 1));
    expect(screen.getByTestId('a').textContent).toBe('IN_PROGRESS@1');
    expect(screen.getByTestId('b').textContent).toBe('unknown');
    expect(renders).toEqual(['a']);
    renders.length = 0;
    act(() => void store.updateTaskWithSequence('b', { status: 'DONE' }, 7));
    expect(screen.getByTestId('b').textContent).toBe('DONE@7');
    expect(renders).toEqual(['b']);
  });
});
