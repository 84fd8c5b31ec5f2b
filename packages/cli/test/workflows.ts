import { createUpdateLog } from '@resumable/workflow-state';
import { ApplicationFailure, condition, defineSignal, setHandler } from '@temporalio/workflow';

/** How `finish` ends the task; `THREW` fails it without writing a final status first. */
type Outcome = 'COMPLETED' | 'FAILED' | 'THREW';
type Status = 'RUNNING' | 'WAITING' | Outcome;
type Updates = { progress: { text: string; percent: number }; result: { text: string } };

export const emitMore = defineSignal<[number]>('emitMore');
export const finish = defineSignal<[Outcome]>('finish');

/**
 * Emits `progress` updates (`percent` of `total`) when told to (`emitMore`), and ends on
 * `finish`: COMPLETED, or FAILED (the log says so, then the workflow fails for Temporal too).
 */
export async function progressTask(input: { total: number }): Promise<number> {
  const log = createUpdateLog<Status, Updates>({ status: 'RUNNING' });
  let pending = 0;
  let outcome: Outcome | undefined;
  setHandler(emitMore, (count) => void (pending += count));
  setHandler(finish, (how) => void (outcome = how));
  for (;;) {
    await condition(() => pending > 0 || outcome !== undefined);
    while (pending > 0) {
      pending--;
      const n = log.lastSequence + 1;
      log.emit('progress', { text: `step ${n} of ${input.total}`, percent: Math.round((n / input.total) * 100) });
    }
    if (outcome) break;
  }
  if (outcome === 'THREW') throw ApplicationFailure.nonRetryable('the task threw before saying how it went');
  log.setStatus(outcome);
  log.emit('result', { text: `finished: ${outcome}` });
  if (outcome === 'FAILED') throw ApplicationFailure.nonRetryable('the task failed on purpose');
  return log.lastSequence;
}

/** Pauses for approval; resumed, it completes; cancelled, it ends CANCELLED. */
export async function approvalTask(input: { orderId: string }): Promise<string> {
  const log = createUpdateLog<Status | 'CANCELLED', { step: { text: string } }>({ status: 'WAITING' });
  log.emit('step', { text: 'waiting for approval' });
  const outcome = await log.pause<{ approvedBy?: string }>({
    name: 'wait-approval',
    waitingFor: ['order.approved'],
    timeout: '1 hour',
    variables: { orderId: input.orderId },
  });
  if (outcome.type !== 'resumed') {
    log.setStatus('CANCELLED');
    log.emit('step', { text: 'stopped' });
    return outcome.type;
  }
  log.setStatus('COMPLETED');
  log.emit('step', { text: `approved by ${outcome.payload?.approvedBy ?? 'nobody'}` });
  return 'approved';
}
