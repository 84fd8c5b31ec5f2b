import { createUpdateLog } from '@resumable/workflow-state';
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities';
import {
  ORDER_APPROVED_EVENT,
  PAYMENT_COMPLETED_EVENT,
  type OrderInput,
  type OrderStatus,
  type OrderUpdates,
} from '../shared';

const { reserveStock, releaseStock, shipOrder } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200ms', maximumAttempts: 5 },
});

/**
 * Order processing: pauses at `wait-approval` (a person presses Resume,
 * or `order.approved` arrives), then at `wait-payment` until the payment service's
 * `payment-service.payments.trigger.completed` event for this order. Each pause
 * shows on the paused-workflows dashboard while it waits.
 */
export async function orderProcessingWorkflow(input: OrderInput): Promise<OrderStatus> {
  const log = createUpdateLog<OrderStatus, OrderUpdates>({ status: 'RECEIVED', workflowName: 'Order Processing' });
  const timeout = input.pauseTimeout ?? '15 minutes';
  const variables = { orderId: input.orderId, customer: input.customer, amount: input.amount };
  log.emit('step', {
    text: `Order ${input.orderId} received: ${input.amount.toFixed(2)} for ${input.customer}`,
    status: 'RECEIVED',
  });
  log.emit('step', { text: await reserveStock(input), status: 'RECEIVED' });

  log.setStatus('WAITING_APPROVAL');
  const approval = await log.pause({ name: 'wait-approval', waitingFor: [ORDER_APPROVED_EVENT], timeout, variables });
  if (approval.type !== 'resumed') return stop(approval.type);
  log.emit('step', { text: `Approved (${approval.resumedBy})`, status: 'WAITING_PAYMENT' });

  log.setStatus('WAITING_PAYMENT');
  // The correlation key: only the payment event for this order resumes it.
  const payment = await log.pause({
    name: 'wait-payment',
    waitingFor: [PAYMENT_COMPLETED_EVENT],
    correlation: input.orderId,
    timeout,
    variables,
  });
  if (payment.type !== 'resumed') return stop(payment.type);
  log.setStatus('SHIPPING');
  log.emit('step', { text: `Payment received (${payment.resumedBy})`, status: 'SHIPPING' });

  const shipped = await shipOrder(input);
  log.setStatus('COMPLETED');
  log.emit('step', { text: shipped, status: 'COMPLETED' });
  return log.status;

  async function stop(outcome: 'cancelled' | 'timeout'): Promise<OrderStatus> {
    const released = await releaseStock(input);
    log.setStatus(outcome === 'cancelled' ? 'CANCELLED' : 'TIMED_OUT');
    log.emit('step', { text: released, status: log.status });
    return log.status;
  }
}
