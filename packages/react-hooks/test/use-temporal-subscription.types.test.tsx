// @vitest-environment jsdom
/**
 * The `types` option against the real stack (dev server, worker, recovery server on a
 * socket): only the asked types are shown, each once, across a cut connection and a
 * lost live path; the resume point walks past the sequences left out, and the list
 * never waits on a gap that is only a filtered type.
 */
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getTaskSubscription } from '../src/index';
import { setupRealStack, until, type RealServer, type TickingTask } from './real-server';
import { range, renderedSequences, TaskUpdates } from './render-helpers';
import { mixedType } from './workflows';

const stack = setupRealStack();
afterEach(() => {
  cleanup();
  stack.backend.dropLive = undefined;
});

const milestones = (to: number) => range(to).filter((n) => mixedType(n) === 'milestone');
const expectList = (expected: number[], label = 'task') =>
  waitFor(() => expect(renderedSequences(label)).toEqual(expected), { timeout: 10_000 });

function renderTask(task: TickingTask, on: RealServer, label = 'task', types?: string[]) {
  return render(
    <TaskUpdates
      apiBaseUrl={on.apiBaseUrl}
      taskId={task.taskId}
      refreshToken={() => on.token([task.taskId])}
      label={label}
      {...(types ? { types } : {})}
    />,
  );
}

describe('useTemporalSubscription with types', () => {
  it('shows only milestones, resumes past the ticks left out after a cut, and ends', async () => {
    const on = stack.server;
    const task = await stack.backend.startTicking('types', 'mixed');
    renderTask(task, on, 'task', ['milestone']);
    await until(() => on.openStreams(task.taskId) === 1, 10_000, 'the stream');
    await task.emit(10);
    await expectList(milestones(10));
    // The subscription stands at 10 (9 was the last milestone, 10 a tick it was told of).
    const subscription = getTaskSubscription({ apiBaseUrl: on.apiBaseUrl, taskId: task.taskId, types: ['milestone'] });
    expect(subscription.getState().lastSequence).toBe(9);
    const connection = on.server.publisher.getConnection(screen.getByTestId('task-connection').textContent ?? '');
    connection?.close();
    await until(() => on.streamRequests(task.taskId).length === 2, 10_000, 'the reconnect');
    const reconnect = on.streamRequests(task.taskId)[1]!;
    expect(reconnect.query.get('types')).toBe('milestone');
    expect(reconnect.lastEventId).toBe('10');
    await task.emit(8);
    await task.finish();
    await expectList(milestones(18));
    await waitFor(() => expect(screen.getByTestId('task-workflow').textContent).toBe('DONE'), { timeout: 10_000 });
  });

  it('two filters of one task are two subscriptions, each exact', async () => {
    const on = stack.server;
    const task = await stack.backend.startTicking('two-filters', 'mixed');
    renderTask(task, on, 'ticks', ['tick']);
    renderTask(task, on, 'all');
    await until(() => on.openStreams(task.taskId) === 2, 10_000, 'both streams');
    await task.emit(7);
    await expectList(
      range(7).filter((n) => mixedType(n) === 'tick'),
      'ticks',
    );
    await expectList(range(7), 'all');
  });
});

describe('useTemporalSubscription with types when the live path loses updates', () => {
  let lossy: RealServer;
  beforeAll(async () => {
    // Slow tail checks: only the client's recovery can fill what the bus lost.
    lossy = await stack.backend.startServer({ stream: { tailCheckMs: 60_000, maxTailCheckMs: 60_000, idleMs: 2_000 } });
  });
  afterAll(() => lossy?.close());

  it('recoverMissedUpdates() pages the filtered log by throughSequence and ends with exactly its milestones', async () => {
    const task = await stack.backend.startTicking('types-gap', 'mixed');
    renderTask(task, lossy, 'task', ['milestone']);
    await until(() => lossy.openStreams(task.taskId) === 1, 10_000, 'the stream');
    await task.emit(3);
    await expectList(milestones(3));
    stack.backend.dropLive = (message) => message.kind === 'update' && message.taskId === task.taskId;
    await task.emit(9);
    await until(async () => (await task.logLength()) === 12, 10_000, 'the log');
    stack.backend.dropLive = undefined;
    const subscription = getTaskSubscription({
      apiBaseUrl: lossy.apiBaseUrl,
      taskId: task.taskId,
      types: ['milestone'],
      recoveryPageSize: 1,
    });
    expect(await subscription.recoverMissedUpdates()).toBe(3);
    await expectList(milestones(12));
    const pages = lossy.requests.filter((r) => r.path === `/api/temporal/recovery/${task.taskId}`);
    // One milestone per page (limit 1): each page starts where the last one accounted to.
    expect(pages.map((r) => r.query.get('sinceSequence'))).toEqual(['3', '8', '11']);
    expect(pages.every((r) => r.query.get('types') === 'milestone')).toBe(true);
    expect(subscription.getState().isRecovering).toBe(false);
    // Live again: 13 is a tick (skipped), 15 a milestone.
    await task.emit(3);
    await expectList(milestones(15));
  });
});
