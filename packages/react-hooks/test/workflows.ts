/**
 * Test workflows for the hook tests against the real recovery server. The global
 * setup bundles this file as bundle 'react-hooks'.
 */
import { createUpdateLog } from '@resumable/workflow-state';
import { condition, defineSignal, setHandler, workflowInfo } from '@temporalio/workflow';
import type { TaskStatus, TaskUpdates } from './readme/typed';

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

/** The type of `mixedOnSignal`'s update `n`: every third a milestone, the rest ticks. */
export const mixedType = (n: number) => (n % 3 === 0 ? 'milestone' : 'tick');

/** `tickOnSignal` with two update types (`mixedType`), for type filters. */
export async function mixedOnSignal(): Promise<number> {
  const log = createUpdateLog<Status, { tick: { n: number }; milestone: { n: number } }>({ status: 'IN_PROGRESS' });
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
    for (; pending > 0; pending--) log.emit(mixedType(log.lastSequence + 1), { n: log.lastSequence + 1 });
    if (done) break;
  }
  log.setStatus('DONE');
  return log.lastSequence;
}

/** `tickOnSignal` whose ticks name the run that wrote them: a reset rewrites every one. */
export async function taggedOnSignal(): Promise<number> {
  const log = createUpdateLog<Status, { tick: { n: number; run: string } }>({ status: 'IN_PROGRESS' });
  const run = workflowInfo().runId;
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
    for (; pending > 0; pending--) log.emit('tick', { n: log.lastSequence + 1, run });
    if (done) break;
  }
  log.setStatus('DONE');
  return log.lastSequence;
}

/**
 * The README's typed example (test/readme/typed.tsx): two messages with a percentage,
 * then a status update, then DONE, on the map and statuses that example declares.
 */
export async function reportProgress(): Promise<number> {
  const log = createUpdateLog<TaskStatus, TaskUpdates>({ status: 'IN_PROGRESS' });
  log.emit('message', { text: 'Started', percent: 0 });
  log.emit('message', { text: 'Halfway', percent: 50 });
  log.setStatus('DONE');
  log.emit('status', { status: 'DONE' });
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

/** Lets `stumbleAfterEmit` go on past `first`. */
export const proceed = defineSignal('proceed');
/** The "fix" for `stumbleAfterEmit`'s bug: its next task attempt succeeds. */
export const fix = defineSignal('fix');

/**
 * Issue 17 for the browser test: emits `first`; on `proceed` it emits `second` and
 * then throws a plain Error (a bug, not a Temporal failure), so the workflow task
 * fails after the sink has already pushed `second` live, and `second` never enters
 * the log. Temporal retries the task; once `fix` has arrived the retry emits
 * `fix-received` at that sequence instead: the durable log ends as
 * `[first, fix-received, second, third]`.
 */
export async function stumbleAfterEmit(): Promise<number> {
  const log = createUpdateLog<Status, { step: { label: string } }>({ status: 'IN_PROGRESS' });
  const seen = { proceed: false, fix: false };
  setHandler(proceed, () => void (seen.proceed = true));
  setHandler(fix, () => void (seen.fix = true));
  const step = (label: string) => log.emit('step', { label });
  step('first');
  await condition(() => seen.proceed);
  if (!seen.fix) {
    step('second');
    throw new Error('stumbleAfterEmit: a bug right after log.emit');
  }
  step('fix-received');
  step('second');
  log.setStatus('DONE');
  step('third');
  return log.lastSequence;
}

/** Runs `importFile` through `log.proxyActivities()` (retries 100 ms apart), then completes. */
export async function importTask(input: { key: string }): Promise<string> {
  const log = createUpdateLog<Status, Updates>({ status: 'IN_PROGRESS' });
  const { importFile } = log.proxyActivities<typeof import('./activities')>({
    startToCloseTimeout: '30s',
    retry: { maximumAttempts: 3, initialInterval: '100ms' },
  });
  const result = await importFile(input);
  log.setStatus('DONE');
  return result;
}
