// @vitest-environment jsdom
import { ResumableError, type PausedWorkflow } from '@resumable/protocol';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { StrictMode, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { usePausedWorkflows } from '../src/index';
import { startContractServer, type ContractServer } from './contract-server';
import { sleep } from './render-helpers';

let server: ContractServer;
beforeEach(async () => {
  server = await startContractServer();
});
afterEach(async () => {
  cleanup();
  await server.close();
});

const paused = (executionId: string): PausedWorkflow => ({
  executionId,
  workflowId: 'process-order',
  workflowName: 'Order Processing',
  pausedAt: 'wait-approval',
  pausedTime: '2026-01-15T10:30:00Z',
  waitingFor: ['approval.granted'],
  timeoutAt: null,
  variables: { orderId: executionId },
});

function Approvals({ label = 'list' }: { label?: string }) {
  const { pausedWorkflows, isConnected, resume, cancel } = usePausedWorkflows({
    apiBaseUrl: server.apiBaseUrl,
    refreshToken: () => 'token',
    backoff: { initialDelayMs: 10 },
  });
  const [failure, setFailure] = useState('');
  const act = (work: Promise<unknown>) => work.catch((error: unknown) => setFailure(ResumableError.is(error) ? error.code : 'other'));
  return (
    <section>
      <output data-testid={`${label}-connected`}>{String(isConnected)}</output>
      <output data-testid={`${label}-failure`}>{failure}</output>
      <ul data-testid={label}>
        {pausedWorkflows.map((w) => (
          <li key={w.executionId}>
            {w.executionId}
            <button type="button" onClick={() => act(resume(w.executionId, { approved: true }))}>
              resume {w.executionId}
            </button>
            <button type="button" onClick={() => act(cancel(w.executionId, 'withdrawn'))}>
              cancel {w.executionId}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => act(resume('ghost'))}>
        resume ghost
      </button>
    </section>
  );
}

const shown = (label = 'list') =>
  [...(document.querySelector(`[data-testid="${label}"]`)?.querySelectorAll('li') ?? [])].map((li) => li.firstChild?.textContent);
const expectShown = (ids: string[], label = 'list') => waitFor(() => expect(shown(label)).toEqual(ids));

describe('usePausedWorkflows against a server speaking the wire contract', () => {
  it('shows the snapshot, then applies paused and resumed deltas', async () => {
    server.pause(paused('order-1'));
    render(<Approvals />);
    await expectShown(['order-1']);
    expect(screen.getByTestId('list-connected').textContent).toBe('true');
    server.pause(paused('order-2'));
    await expectShown(['order-1', 'order-2']);

    fireEvent.click(screen.getByText('resume order-1'));
    await expectShown(['order-2']);
    const post = server.requests.find((r) => r.method === 'POST');
    expect(post).toMatchObject({ path: '/api/workflow/executions/order-1/resume', authorization: 'Bearer token' });
    expect(post?.body).toEqual({ payload: { approved: true } });

    fireEvent.click(screen.getByText('cancel order-2'));
    await expectShown([]);
    expect(server.requests.filter((r) => r.method === 'POST').map((r) => r.body)).toEqual([
      { payload: { approved: true } },
      { reason: 'withdrawn' },
    ]);
    expect(server.requests.find((r) => r.path === '/api/workflow/paused-stream')?.authorization).toBe('Bearer token');
  });

  it('ignores a delta the snapshot already holds (id not above the snapshot id)', async () => {
    server.pause(paused('order-1'));
    server.pause(paused('order-2')); // snapshot id 2
    render(<Approvals />);
    await expectShown(['order-1', 'order-2']);
    server.pushPaused('workflow.resumed', { executionId: 'order-1', workflowId: 'w', resumedFrom: 'x' }, 1);
    server.pushPaused('workflow.timeout', { executionId: 'order-2', workflowId: 'w', pausedAt: 'x', timeoutAt: 'y' }, 3);
    await expectShown(['order-1']);
  });

  it('rejects an action on an unknown execution with the server error code', async () => {
    render(<Approvals />);
    await waitFor(() => expect(screen.getByTestId('list-connected').textContent).toBe('true'));
    fireEvent.click(screen.getByText('resume ghost'));
    await waitFor(() => expect(screen.getByTestId('list-failure').textContent).toBe('EXECUTION_NOT_FOUND'));
  });

  it('takes a fresh snapshot after a reconnect', async () => {
    server.pause(paused('order-1'));
    render(<Approvals />);
    await expectShown(['order-1']);
    // The server restarts on the same port with a different list: the client must
    // reconnect and replace its list with the new snapshot, not merge into the old one.
    await server.close();
    const port = Number(new URL(server.apiBaseUrl).port);
    server = await startContractServer({ port });
    server.pause(paused('order-3'));
    await expectShown(['order-3']);
    expect(server.pausedConnections()).toBe(1);
  });

  it('opens one connection for StrictMode and two components', async () => {
    render(
      <StrictMode>
        <Approvals label="a" />
        <Approvals label="b" />
      </StrictMode>,
    );
    server.pause(paused('order-9'));
    await expectShown(['order-9'], 'a');
    await expectShown(['order-9'], 'b');
    await sleep(50);
    expect(server.pausedConnections()).toBe(1);
  });
});
