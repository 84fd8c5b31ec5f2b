import { createUpdateLog } from '@resumable/workflow-state';
import { condition, defineSignal, setHandler, sleep } from '@temporalio/workflow';

type Status = 'IN_PROGRESS' | 'DONE';
type Updates = { tick: { n: number } };

/** Emits `count` ticks, `batch` at a time with `pauseMs` between batches, then completes. */
export async function tickingTask(input: { count: number; batch?: number; pauseMs?: number }): Promise<number> {
  const log = createUpdateLog<Status, Updates>({ status: 'IN_PROGRESS' });
  const batch = input.batch ?? input.count;
  for (let n = 1; n <= input.count; n++) {
    if (n === input.count) log.setStatus('DONE');
    log.emit('tick', { n });
    if (n % batch === 0 && n < input.count && input.pauseMs) await sleep(input.pauseMs);
  }
  return log.lastSequence;
}

export const emitMore = defineSignal<[number]>('emitMore');
export const finish = defineSignal('finish');

/** Emits ticks when told to (`emitMore`), completes on `finish`: for step-by-step tests. */
export async function steppedTask(): Promise<number> {
  const log = createUpdateLog<Status, Updates>({ status: 'IN_PROGRESS' });
  let pending = 0;
  let done = false;
  setHandler(emitMore, (count) => {
    pending += count;
  });
  setHandler(finish, () => {
    done = true;
  });
  for (;;) {
    await condition(() => pending > 0 || done);
    while (pending > 0) {
      pending--;
      log.emit('tick', { n: log.lastSequence + 1 });
    }
    if (done) break;
  }
  log.setStatus('DONE');
  log.emit('tick', { n: log.lastSequence + 1 });
  return log.lastSequence;
}

/** An order that pauses for approval, then for payment (resumed by an external event). */
export async function orderTask(input: { orderId: string; timeoutMs?: number }): Promise<string[]> {
  const log = createUpdateLog<'WAITING' | 'DONE' | 'CANCELLED', { step: { name: string } }>({
    status: 'WAITING',
    workflowName: 'Order Processing',
  });
  const outcomes: string[] = [];
  const approval = await log.pause({
    name: 'wait-approval',
    waitingFor: ['order.approved'],
    timeout: input.timeoutMs ?? '1 hour',
    variables: { orderId: input.orderId },
  });
  outcomes.push(approval.type);
  if (approval.type !== 'resumed') {
    log.setStatus('CANCELLED');
    log.emit('step', { name: 'stopped' });
    return outcomes;
  }
  log.emit('step', { name: 'approved' });
  const payment = await log.pause({
    name: 'wait-payment',
    waitingFor: ['payment-service.payments.trigger.completed'],
    correlation: input.orderId,
    timeout: '1 hour',
    variables: { orderId: input.orderId },
  });
  outcomes.push(payment.type);
  log.setStatus('DONE');
  log.emit('step', { name: 'paid' });
  return outcomes;
}
