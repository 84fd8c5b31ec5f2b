// @vitest-environment jsdom
/**
 * Paused-list behaviour the real recovery server never provokes, shown against the
 * stand-in wire-contract server (test/contract-server.ts): a delta whose id is not
 * above the snapshot's (the real server's cursor never goes back).
 */
import { ResumableError, type PausedWorkflow } from '@resumable/protocol';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { usePausedWorkflows } from '../src/index';
import { startContractServer, type ContractServer } from './contract-server';

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

describe('usePausedWorkflows against the stand-in contract server (deltas out of order)', () => {
  it('ignores a delta the snapshot already holds (id not above the snapshot id)', async () => {
    server.pause(paused('order-1'));
    server.pause(paused('order-2')); // snapshot id 2
    render(<Approvals />);
    await expectShown(['order-1', 'order-2']);
    server.pushPaused('workflow.resumed', { executionId: 'order-1', workflowId: 'w', resumedFrom: 'x' }, 1);
    server.pushPaused('workflow.timeout', { executionId: 'order-2', workflowId: 'w', pausedAt: 'x', timeoutAt: 'y' }, 3);
    await expectShown(['order-1']);
  });
});
