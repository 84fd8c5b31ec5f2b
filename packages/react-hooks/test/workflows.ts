/**
 * Test workflows for the hook tests against the real recovery server. The global
 * setup bundles this file as bundle 'react-hooks'.
 */
import { createUpdateLog } from '@resumable/workflow-state';
import { condition, defineSignal, setHandler } from '@temporalio/workflow';

type Status = 'IN_PROGRESS' | 'DONE';
type Updates = { tick: { n: number } };

/** Emits that many more ticks. */
export const emitTicks = defineSignal<[number]>('emitTicks');
/** Completes the workflow (status DONE, no further update). */
export const finishTicks = defineSignal('finishTicks');

/**
 * Emits ticks when told to (`emitTicks`) and completes on `finishTicks`, so a test
 * decides exactly which sequences exist and when the stream ends.
 */
export async function tickOnSignal(): Promise<number> {
  const log = createUpdateLog<Status, Updates>({ status: 'IN_PROGRESS' });
  let pending = 0;
  let done = false;
  setHandler(emitTicks, (count) => {
    pending += count;
  });
  setHandler(finishTicks, () => {
    done = true;
  });
  for (;;) {
    await condition(() => pending > 0 || done);
    for (; pending > 0; pending--) log.emit('tick', { n: log.lastSequence + 1 });
    if (done) break;
  }
  log.setStatus('DONE');
  return log.lastSequence;
}

/** Waits for a person's approval (a pause), then records the outcome and completes. */
export async function awaitApproval(input: { orderId: string }): Promise<string> {
  const log = createUpdateLog<'WAITING' | 'APPROVED' | 'STOPPED', { outcome: { type: string } }>({
    status: 'WAITING',
    workflowName: 'Order approval',
  });
  const outcome = await log.pause({
    name: 'wait-approval',
    waitingFor: ['order.approved'],
    timeout: '1 hour',
    variables: { orderId: input.orderId },
  });
  log.setStatus(outcome.type === 'resumed' ? 'APPROVED' : 'STOPPED');
  log.emit('outcome', { type: outcome.type });
  return outcome.type;
}
