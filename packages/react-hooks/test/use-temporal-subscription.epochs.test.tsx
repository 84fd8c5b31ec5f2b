// @vitest-environment jsdom
/**
 * Epochs in the hook, against the real stack: a workflow reset with the Temporal CLI
 * begins a new log at the same sequences. Whether the hook is connected when it
 * happens (the server's `reset` event) or away (its `connected` event names another
 * epoch), it drops what it showed and ends with exactly the new log, by content.
 */
import { cleanup, render, waitFor } from '@testing-library/react';
import type { WorkflowState, WorkflowUpdate } from '@resumable/protocol';
import { queryPatiently, resetWithCli } from '@resumable/temporal-dev/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { getTaskSubscription } from '../src/index';
import { setupRealStack, until, type RealServer, type TickingTask } from './real-server';
import { renderedSequences, TaskUpdates } from './render-helpers';

const stack = setupRealStack();
afterEach(cleanup);

const runOf = (update: WorkflowUpdate) => (update.data as { run: string }).run;

function renderTask(task: TickingTask, on: RealServer) {
  render(<TaskUpdates apiBaseUrl={on.apiBaseUrl} taskId={task.taskId} refreshToken={() => on.token([task.taskId])} />);
  return getTaskSubscription({ apiBaseUrl: on.apiBaseUrl, taskId: task.taskId });
}

/** The workflow's log now (the latest run's), whole. */
async function durableLog(task: TickingTask): Promise<WorkflowState> {
  const handle = stack.backend.client.workflow.getHandle(task.taskId);
  return queryPatiently<WorkflowState>(handle, 'getWorkflowState');
}

describe('useTemporalSubscription across a workflow reset', () => {
  it('connected when it happens: told by the stream, it ends with exactly the new run', async () => {
    const on = stack.server;
    const task = await stack.backend.startTicking('reset-live', 'tagged');
    const subscription = renderTask(task, on);
    await until(() => on.openStreams(task.taskId) === 1, 10_000, 'the stream');
    await task.emit(4);
    await waitFor(() => expect(renderedSequences()).toEqual([1, 2, 3, 4]), { timeout: 10_000 });
    const oldRun = (await task.handle.describe()).runId;
    expect(subscription.getState().epoch).toBe(oldRun);

    await resetWithCli(task.taskId);
    // A new update makes the server read the log, where it meets the new epoch.
    const handle = stack.backend.client.workflow.getHandle(task.taskId);
    await handle.signal('emitTicks', 2);
    const state = await durableLog(task);
    expect(state.updates.every((update) => runOf(update) !== oldRun)).toBe(true);
    await waitFor(() => expect(subscription.getState().updates).toEqual(state.updates), { timeout: 10_000 });
    expect(subscription.getState().epoch).toBe(state.epoch);
    expect(subscription.getState().epoch).not.toBe(oldRun);
    expect(renderedSequences()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('away when it happens: the connected event names another epoch, and it rebuilds from the new log', async () => {
    const task = await stack.backend.startTicking('reset-away', 'tagged');
    // A server of its own, so it can go away without disturbing the other tests.
    const own = await stack.backend.startServer({ stream: { tailCheckMs: 150, maxTailCheckMs: 1_000, idleMs: 100 } });
    try {
      const subscription = renderTask(task, own);
      await until(() => own.openStreams(task.taskId) === 1, 10_000, 'the stream');
      await task.emit(5);
      await waitFor(() => expect(renderedSequences()).toEqual([1, 2, 3, 4, 5]), { timeout: 10_000 });
      const oldRun = (await task.handle.describe()).runId;

      await own.stopListening();
      await resetWithCli(task.taskId);
      const handle = stack.backend.client.workflow.getHandle(task.taskId);
      await handle.signal('emitTicks', 3);
      // Long enough for the server's feed of the old log to be gone (idleMs 100).
      await new Promise((resolve) => setTimeout(resolve, 500));
      await own.listenAgain();

      const state = await durableLog(task);
      expect(state.updates).toHaveLength(8);
      await waitFor(() => expect(subscription.getState().updates).toEqual(state.updates), { timeout: 15_000 });
      expect(subscription.getState().epoch).toBe(state.epoch);
      expect(subscription.getState().updates.some((update) => runOf(update) === oldRun)).toBe(false);
      // It came back holding 5 of the old log: the stream resumed there, the rest was read from the start.
      const resumed = own.streamRequests(task.taskId).at(-1);
      expect(resumed?.lastEventId).toBe('5');
      const recovery = own.requests.filter((r) => r.path === `/api/temporal/recovery/${task.taskId}`);
      expect(recovery.map((r) => r.query.get('sinceSequence'))).toContain('0');
    } finally {
      await own.close();
    }
  });
});
