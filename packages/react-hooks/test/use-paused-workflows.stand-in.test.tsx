// @vitest-environment jsdom
/**
 * Paused-list behaviour the real recovery server never provokes, shown against the
 * stand-in wire-contract server (test/contract-server.ts): a delta whose id is not
 * above the snapshot's (the real server's cursor never goes back).
 */
import type { PausedWorkflow } from '@resumable/protocol';
import { render, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { PausedApprovals, pausedShown, setupContractServer } from './render-helpers';

const standIn = setupContractServer();

const paused = (executionId: string): PausedWorkflow => ({
  executionId,
  workflowType: 'process-order',
  workflowId: 'process-order',
  workflowName: 'Order Processing',
  pausedAt: 'wait-approval',
  pausedTime: '2026-01-15T10:30:00Z',
  waitingFor: ['approval.granted'],
  timeoutAt: null,
  variables: { orderId: executionId },
});

const expectShown = (ids: string[], label = 'list') => waitFor(() => expect(pausedShown(label)).toEqual(ids));

describe('usePausedWorkflows against the stand-in contract server (deltas out of order)', () => {
  it('ignores a delta the snapshot already holds (id not above the snapshot id)', async () => {
    standIn.server.pause(paused('order-1'));
    standIn.server.pause(paused('order-2')); // snapshot id 2
    render(
      <PausedApprovals
        apiBaseUrl={standIn.server.apiBaseUrl}
        refreshToken={() => 'token'}
        backoff={{ initialDelayMs: 10 }}
      />,
    );
    await expectShown(['order-1', 'order-2']);
    standIn.server.pushPaused('workflow.resumed', { executionId: 'order-1', workflowId: 'w', resumedFrom: 'x' }, 1);
    standIn.server.pushPaused(
      'workflow.timeout',
      { executionId: 'order-2', workflowId: 'w', pausedAt: 'x', timeoutAt: 'y' },
      3,
    );
    await expectShown(['order-1']);
  });
});
