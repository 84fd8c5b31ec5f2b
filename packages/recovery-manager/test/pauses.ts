import type { PausedWorkflow } from '@resumable/protocol';

/**
 * A valid pause for unit tests: a checkout waiting for `payment.completed`, with
 * `variables.orderId` set to the execution id; `overrides` replace any field.
 */
export function pause(executionId: string, overrides: Partial<PausedWorkflow> = {}): PausedWorkflow {
  return {
    executionId,
    workflowType: 'checkout',
    workflowId: 'checkout',
    pausedAt: 'wait-payment',
    pausedTime: '2026-01-15T10:30:00.000Z',
    waitingFor: ['payment.completed'],
    timeoutAt: null,
    variables: { orderId: executionId },
    ...overrides,
  };
}
