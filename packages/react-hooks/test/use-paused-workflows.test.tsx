// @vitest-environment jsdom
/**
 * usePausedWorkflows against the real stack: workflows of test/workflows.ts pause
 * for approval on a real worker; `@resumable/recovery-server` serves the paused
 * stream and the resume/cancel actions on a real socket.
 */
import { SIGNAL_NAMES } from '@resumable/protocol';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { uniqueId, until, setupRealStack } from './real-server';
import { PausedApprovals, pausedShown, sleep } from './render-helpers';
import { awaitApproval } from './workflows';

const stack = setupRealStack();
afterEach(cleanup);

const expectShown = (ids: string[], label = 'list') =>
  waitFor(() => expect(pausedShown(label).sort()).toEqual([...ids].sort()), { timeout: 10_000 });

const startApproval = (workflowId: string) =>
  stack.backend.client.workflow.start(awaitApproval, {
    taskQueue: stack.backend.worker.taskQueue,
    workflowId,
    args: [{ orderId: workflowId }],
  });

describe('usePausedWorkflows against the real recovery server', () => {
  it('shows paused workflows as they pause; resume and cancel through the hook remove them', async () => {
    const [approve, reject] = [uniqueId('approve'), uniqueId('reject')];
    const token = await stack.server.token([approve, reject], { actions: ['read', 'resume', 'cancel'] });
    render(<PausedApprovals apiBaseUrl={stack.server.apiBaseUrl} refreshToken={() => token} />);
    await waitFor(() => expect(screen.getByTestId('list-connected').textContent).toBe('true'), { timeout: 10_000 });
    expect(pausedShown()).toEqual([]);

    const [approving, rejecting] = [await startApproval(approve), await startApproval(reject)];
    await expectShown([approve, reject]);
    expect(document.querySelector('li')?.getAttribute('data-paused-at')).toBe('wait-approval');

    fireEvent.click(screen.getByText(`resume ${approve}`));
    await expectShown([reject]);
    await expect(approving.result()).resolves.toBe('resumed');

    fireEvent.click(screen.getByText(`cancel ${reject}`));
    await expectShown([]);
    await expect(rejecting.result()).resolves.toBe('cancelled');

    const posts = stack.server.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => [r.path, r.status, r.authorization])).toEqual([
      [`/api/workflow/executions/${approve}/resume`, 202, `Bearer ${token}`],
      [`/api/workflow/executions/${reject}/cancel`, 202, `Bearer ${token}`],
    ]);
    expect(screen.getByTestId('list-failure').textContent).toBe('');
    expect(stack.server.pausedStreamRequests().map((r) => r.authorization)).toEqual([`Bearer ${token}`]);
  });

  it('rejects an action on an execution that is no longer paused with the server error code', async () => {
    const id = uniqueId('done');
    const token = await stack.server.token([id], { actions: ['read', 'resume'] });
    const handle = await startApproval(id);
    render(<PausedApprovals apiBaseUrl={stack.server.apiBaseUrl} refreshToken={() => token} extra={id} />);
    await expectShown([id]);
    fireEvent.click(screen.getByText(`resume ${id}`));
    await expectShown([]);
    await handle.result();
    fireEvent.click(screen.getByText(`resume ${id} again`));
    await waitFor(() => expect(screen.getByTestId('list-failure').textContent).toBe('NOT_PAUSED'), { timeout: 10_000 });
  });

  it('opens one connection for StrictMode and two components', async () => {
    const own = await stack.backend.startServer();
    try {
      const id = uniqueId('strict');
      const token = await own.token([id]);
      render(
        <StrictMode>
          <PausedApprovals apiBaseUrl={own.apiBaseUrl} refreshToken={() => token} label="a" />
          <PausedApprovals apiBaseUrl={own.apiBaseUrl} refreshToken={() => token} label="b" />
        </StrictMode>,
      );
      const handle = await startApproval(id);
      await expectShown([id], 'a');
      await expectShown([id], 'b');
      await sleep(100);
      expect(own.pausedStreamRequests()).toHaveLength(1);
      expect(own.server.publisher.stats().connections).toBe(1);
      await handle.terminate();
    } finally {
      await own.close();
    }
  });

  it('takes a fresh snapshot after a reconnect: a pause that ended meanwhile is gone', async () => {
    const own = await stack.backend.startServer();
    try {
      const [ends, stays] = [uniqueId('ends'), uniqueId('stays')];
      const token = await own.token([ends, stays]);
      render(<PausedApprovals apiBaseUrl={own.apiBaseUrl} refreshToken={() => token} />);
      const [ending, staying] = [await startApproval(ends), await startApproval(stays)];
      await expectShown([ends, stays]);
      await own.stopListening();
      await waitFor(() => expect(screen.getByTestId('list-connected').textContent).toBe('false'));
      // Cancelled while the client cannot hear about it.
      await ending.signal(SIGNAL_NAMES.cancel, { reason: 'while away' });
      await expect(ending.result()).resolves.toBe('cancelled');
      await until(
        () => own.server.pausedRegistry.snapshot().pausedWorkflows.every((p) => p.executionId !== ends),
        10_000,
        'the registry',
      );
      await own.listenAgain();
      await expectShown([stays]);
      expect(own.pausedStreamRequests().filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(2);
      await staying.terminate();
    } finally {
      await own.close();
    }
  });
});
