// @vitest-environment jsdom
/**
 * Client behaviour the real recovery server never provokes, shown against the
 * stand-in wire-contract server (test/contract-server.ts): it can put a hole in a
 * live stream, which the real server repairs before sending, and it says the
 * workflow's status while the stream runs, which the real server does not do yet.
 */
import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { getTaskSubscription, type WorkflowUpdate } from '../src/index';
import { range, renderedSequences, TaskUpdates, setupContractServer } from './render-helpers';

const standIn = setupContractServer();

describe('useTemporalSubscription against the stand-in contract server (a gap inside the live stream)', () => {
  it('on a gap in the live stream, fetches the missing range (page by page) before applying anything later', async () => {
    const seen: number[] = [];
    render(
      <TaskUpdates
        apiBaseUrl={standIn.server.apiBaseUrl}
        recoveryPageSize={2}
        onUpdate={(update: WorkflowUpdate) => seen.push(update.sequence)}
      />,
    );
    await standIn.server.until(() => standIn.server.openStreams('task') === 1);
    standIn.server.emit('task', 2);
    standIn.server.emit('task', 5, { live: false });
    standIn.server.emit('task', 3); // 8, 9, 10 arrive live after a hole of 3..7
    standIn.server.emit('task', 1, { live: false }); // 11 only in the log: recovery reaches it too
    await waitFor(() => expect(renderedSequences()).toEqual(range(11)));
    expect(seen).toEqual(range(11));
    const pages = standIn.server.requests.filter((r) => r.path === '/api/temporal/recovery/task');
    expect(pages.map((r) => r.query.get('sinceSequence'))).toEqual(['2', '4', '6', '8', '10']);
    expect(pages.every((r) => r.query.get('limit') === '2')).toBe(true);
  });

  it('applies a burst that arrives together as one batch: one state change per chunk, not one copy of the list per update', async () => {
    const task = getTaskSubscription({
      apiBaseUrl: standIn.server.apiBaseUrl,
      taskId: 'burst',
      refreshToken: () => 'token',
    });
    const lists = new Set<readonly WorkflowUpdate[]>();
    const stop = task.subscribe(() => lists.add(task.getState().updates));
    try {
      await standIn.server.until(() => standIn.server.openStreams('burst') === 1);
      standIn.server.emit('burst', 200);
      await standIn.server.until(() => task.getState().lastSequence === 200);
      expect(task.getState().updates.map((u) => u.sequence)).toEqual(range(200));
      // 200 frames written in one tick reach the client in a few reads; applied one
      // by one they would make 200 lists.
      expect(lists.size).toBeLessThan(20);
    } finally {
      stop();
    }
  });

  it('fills workflowStatus from the stream while the task runs: connected, then each status event, then end', async () => {
    render(<TaskUpdates apiBaseUrl={standIn.server.apiBaseUrl} taskId="status" />);
    const shown = () => screen.getByTestId('task-workflow').textContent;
    await waitFor(() => expect(shown()).toBe('IN_PROGRESS'));
    standIn.server.emit('status', 2);
    standIn.server.setStatus('status', 'REVIEW');
    await waitFor(() => expect(shown()).toBe('REVIEW'));
    expect(renderedSequences()).toEqual([1, 2]);
    standIn.server.complete('status', 'DONE');
    await waitFor(() => expect(shown()).toBe('DONE'));
    expect(getTaskSubscription({ apiBaseUrl: standIn.server.apiBaseUrl, taskId: 'status' }).getState()).toMatchObject({
      status: 'ended',
      workflowStatus: 'DONE',
    });
  });

  it('never replaces a status with one said at an earlier point of the log', async () => {
    render(<TaskUpdates apiBaseUrl={standIn.server.apiBaseUrl} taskId="late" />);
    await standIn.server.until(() => standIn.server.openStreams('late') === 1);
    standIn.server.emit('late', 3);
    standIn.server.pushTask('late', 'status', { status: 'REVIEW', lastSequence: 3 });
    standIn.server.pushTask('late', 'status', { status: 'IN_PROGRESS', lastSequence: 2 });
    standIn.server.pushTask('late', 'status', { status: 'APPROVED', lastSequence: 3 });
    standIn.server.emit('late', 1);
    await waitFor(() => expect(renderedSequences()).toEqual(range(4)));
    expect(screen.getByTestId('task-workflow').textContent).toBe('APPROVED');
  });
});
