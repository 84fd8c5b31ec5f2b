import { createUpdateLog, type CarriedLog } from '@resumable/workflow-state';
import { ApplicationFailure, condition, defineSignal, setHandler, sleep, workflowInfo } from '@temporalio/workflow';

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

/** Emits `count` ticks, then fails for good without writing a final status: Temporal alone says it failed. */
export async function failingTask(input: { count: number }): Promise<never> {
  const log = createUpdateLog<Status, Updates>({ status: 'IN_PROGRESS' });
  for (let n = 1; n <= input.count; n++) log.emit('tick', { n });
  throw ApplicationFailure.nonRetryable('the task gave up', 'GaveUp');
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

/** How `glitchTask` fails its workflow task after emitting, until it is fixed. */
export type GlitchFailure = 'oversized' | 'throw' | 'determinism';

export const proceed = defineSignal('proceed');
export const fix = defineSignal('fix');

/**
 * The hostile case of issue 17: emits `first`; on `proceed` emits `second` and then
 * fails the workflow task (an oversized emit, a plain exception, or a determinism
 * violation), so Temporal retries the task and `second` never enters the log. The
 * retry that runs after `fix` emits `fix-received` at that sequence instead, then
 * `second` and `third`, and completes: durable log `[first, fix-received, second, third]`.
 */
export async function glitchTask(input: { failure: GlitchFailure }): Promise<number> {
  const log = createUpdateLog<Status, { step: { label: string }; blob: { text: string } }>({
    status: 'IN_PROGRESS',
    limits: { updateBytes: 4096 },
  });
  let proceeding = false;
  let fixed = false;
  setHandler(proceed, () => void (proceeding = true));
  setHandler(fix, () => void (fixed = true));
  log.emit('step', { label: 'first' });
  await condition(() => proceeding);
  if (fixed) log.emit('step', { label: 'fix-received' });
  log.emit('step', { label: 'second' });
  if (!fixed) failTask(input.failure, log);
  log.setStatus('DONE');
  log.emit('step', { label: 'third' });
  return log.lastSequence;
}

function failTask(failure: GlitchFailure, log: { emit(type: 'blob', data: { text: string }): unknown }): void {
  // A ResumableError or a plain Error is not a Temporal failure: it fails the workflow
  // task, not the workflow, and Temporal retries the task.
  if (failure === 'oversized') log.emit('blob', { text: 'x'.repeat(8192) });
  else if (failure === 'throw') throw new Error('a bug after an emit');
  // The sandbox refuses WeakRef (GC is not deterministic): a DeterminismViolationError.
  else new WeakRef({});
}

/**
 * Emits `{ n, historyLength }` per `emitMore`: a task that Temporal retries (after a
 * timeout or a failure) has a longer history, so the retry's update differs from the
 * lost attempt's at the same sequence. Completes on `finish`.
 */
export async function attemptTask(): Promise<number> {
  const log = createUpdateLog<Status, { attempt: { n: number; historyLength: number } }>({ status: 'IN_PROGRESS' });
  let pending = 0;
  let done = false;
  setHandler(emitMore, (count) => void (pending += count));
  setHandler(finish, () => void (done = true));
  for (;;) {
    await condition(() => pending > 0 || done);
    while (pending > 0) {
      pending--;
      log.emit('attempt', { n: log.lastSequence + 1, historyLength: workflowInfo().historyLength });
    }
    if (done) break;
  }
  log.setStatus('DONE');
  log.emit('attempt', { n: log.lastSequence + 1, historyLength: workflowInfo().historyLength });
  return log.lastSequence;
}

/**
 * `orderTask`'s first pause with the search attributes turned off (issue 16): it
 * pauses on a namespace that lacks them, found by id and by the bus, not by visibility.
 */
export async function unindexedOrderTask(input: { orderId: string }): Promise<string> {
  const log = createUpdateLog<'WAITING' | 'DONE' | 'CANCELLED', { step: { name: string } }>({
    status: 'WAITING',
    workflowName: 'Order Processing',
    searchAttributes: false,
  });
  const approval = await log.pause({
    name: 'wait-approval',
    waitingFor: ['order.approved'],
    timeout: '1 hour',
    variables: { orderId: input.orderId },
  });
  log.setStatus(approval.type === 'resumed' ? 'DONE' : 'CANCELLED');
  log.emit('step', { name: approval.type });
  return approval.type;
}

type RichStatus = 'IN_PROGRESS' | 'DONE';
type RichUpdates = {
  text: { text: string };
  list: { items: (number | string | null)[] };
  nested: { a: { b: { c: boolean; n: number } } };
};

/**
 * A log with varied content (unicode, escapes, nesting, nulls) across `runs` runs
 * joined by continue-as-new, `count` updates a run: for comparing what a server
 * serves with the durable log, content and all.
 */
export async function richTask(input: {
  count: number;
  runs: number;
  run?: number;
  carried?: CarriedLog<RichStatus, RichUpdates>;
}): Promise<number> {
  const log = createUpdateLog<RichStatus, RichUpdates>({ status: 'IN_PROGRESS', carried: input.carried });
  const run = input.run ?? 1;
  for (let i = 1; i <= input.count; i++) {
    const n = log.lastSequence + 1;
    if (n % 3 === 0) log.emit('text', { text: `ünïcödé ✓ "quoted" \\ line\n${n} ${'😀'.repeat(n % 4)}` });
    else if (n % 3 === 1) log.emit('list', { items: [n, String(n), null] });
    else log.emit('nested', { a: { b: { c: n % 2 === 0, n } } });
    if (i % 50 === 0) await sleep(1);
  }
  if (run < input.runs) {
    await log.continueAsNew<typeof richTask>((carried) => [{ ...input, carried, run: run + 1 }]);
  }
  log.setStatus('DONE');
  log.emit('text', { text: 'done' });
  return log.lastSequence;
}

type MixedUpdates = { progress: { n: number }; log: { n: number }; milestone: { n: number } };

/** The type of the `n`th update of `mixedTask`: every 5th a milestone, other even ones a log line. */
export function mixedType(n: number): keyof MixedUpdates {
  return n % 5 === 0 ? 'milestone' : n % 2 === 0 ? 'log' : 'progress';
}

/** Like `steppedTask`, with three interleaved update types (`mixedType`): for type filters. */
export async function mixedTask(input: { initial: number }): Promise<number> {
  const log = createUpdateLog<Status, MixedUpdates>({ status: 'IN_PROGRESS' });
  let pending = input.initial;
  let done = false;
  setHandler(emitMore, (count) => {
    pending += count;
  });
  setHandler(finish, () => {
    done = true;
  });
  for (;;) {
    while (pending > 0) {
      pending--;
      const n = log.lastSequence + 1;
      log.emit(mixedType(n), { n });
    }
    if (done) break;
    await condition(() => pending > 0 || done);
  }
  log.setStatus('DONE');
  return log.lastSequence;
}

/** What `compactingTask` folds its old ticks into: how many left the log, and their `n`s summed. */
export interface TickSnapshot {
  folded: number;
  sum: number;
}

/**
 * `steppedTask` with a compacting log: it keeps `keep` ticks and folds older ones into
 * a `TickSnapshot`, and its state query answers at most `stateUpdates` of them (so
 * readers page for the rest). The sum of every tick up to `n` is `n(n+1)/2`, whichever
 * part of it the snapshot holds: a check for any state rebuilt from snapshot + updates.
 */
export async function compactingTask(input: { keep: number; stateUpdates?: number }): Promise<number> {
  const log = createUpdateLog<Status, Updates, TickSnapshot>({
    status: 'IN_PROGRESS',
    compaction: {
      keep: input.keep,
      reduce: (snapshot, updates) => ({
        folded: (snapshot?.folded ?? 0) + updates.length,
        sum: updates.reduce((sum, update) => sum + (update.type === 'tick' ? update.data.n : 0), snapshot?.sum ?? 0),
      }),
    },
    ...(input.stateUpdates ? { limits: { stateUpdates: input.stateUpdates } } : {}),
  });
  let pending = 0;
  let done = false;
  setHandler(emitMore, (count) => void (pending += count));
  setHandler(finish, () => void (done = true));
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

/**
 * Emits `initial` ticks, then more on `emitMore`, until `finish`; each tick names the
 * run that wrote it, so a reset (a new run re-executing from the start) writes a log
 * whose content differs from the old one at every sequence.
 */
export async function runTaggedTask(input: { initial: number }): Promise<number> {
  const log = createUpdateLog<Status, { tick: { n: number; run: string } }>({ status: 'IN_PROGRESS' });
  const run = workflowInfo().runId;
  let pending = input.initial;
  let done = false;
  setHandler(emitMore, (count) => {
    pending += count;
  });
  setHandler(finish, () => {
    done = true;
  });
  for (;;) {
    for (; pending > 0; pending--) log.emit('tick', { n: log.lastSequence + 1, run });
    if (done) break;
    await condition(() => pending > 0 || done);
  }
  log.setStatus('DONE');
  log.emit('tick', { n: log.lastSequence + 1, run });
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
  log.emit('tick', { n: log.lastSequence + 1 });
  return result;
}

/** Runs the benchmark's `reportMany` activity once through `log.proxyActivities()` (progress reports only). */
export async function progressTask(input: { reports: number; everyMs: number }): Promise<number> {
  const log = createUpdateLog<Status, Updates>({ status: 'IN_PROGRESS' });
  const { reportMany } = log.proxyActivities<{
    reportMany(input: { reports: number; everyMs: number }): Promise<number>;
  }>({ startToCloseTimeout: '2 minutes', retry: { maximumAttempts: 1 } });
  const sent = await reportMany(input);
  log.setStatus('DONE');
  return sent;
}
