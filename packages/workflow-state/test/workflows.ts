/**
 * Workflows the integration tests and the benchmark run on a real worker. The global
 * test setup bundles this file once as bundle `workflow-state`.
 */
import { condition, defineSignal, setHandler, sleep } from '@temporalio/workflow';
import { createUpdateLog, type CarriedLog, type PauseOutcome } from '../src/index';
import type * as activities from './activities';

export type Status = 'IN_PROGRESS' | 'DONE';
export type Updates = {
  step: { index: number; note?: string };
  blob: { text: string };
};

/** Lets a held-open workflow go on. */
export const proceedSignal = defineSignal('proceed');
/** An async handler that emits after a delay (continue-as-new must wait for it). */
export const lateEmitSignal = defineSignal<[note: string]>('lateEmit');

export interface EmitManyInput {
  count: number;
  /** Emits per workflow task; a timer between batches moves the clock on (the server fires short timers at about 1 s). */
  batch: number;
  /** Waits for `proceed` after this many emits (paging while running). */
  holdAfter?: number;
  /** Waits for `proceed` once all are emitted, before completing. */
  holdAtEnd?: boolean;
  /** Bytes of filler per update, to exercise the byte budgets. */
  padding?: number;
}

/** Emits `count` updates of type `step`, sequence i carrying index i, then completes as DONE. */
export async function emitMany(input: EmitManyInput): Promise<{ lastSequence: number }> {
  const log = createUpdateLog<Status, Updates>({ status: 'IN_PROGRESS' });
  let proceeds = 0;
  setHandler(proceedSignal, () => {
    proceeds++;
  });
  let waited = 0;
  const hold = async () => {
    waited++;
    await condition(() => proceeds >= waited);
  };
  const note = input.padding ? 'x'.repeat(input.padding) : undefined;
  for (let index = 1; index <= input.count; index++) {
    log.emit('step', note === undefined ? { index } : { index, note });
    if (index === input.holdAfter) await hold();
    else if (index % input.batch === 0) await sleep(1);
  }
  if (input.holdAtEnd) await hold();
  log.setStatus('DONE');
  return { lastSequence: log.lastSequence };
}

export interface ContinuingInput {
  perRun: number;
  runs: number;
  run?: number;
  /** In run 1: wait for a `lateEmit` signal, whose handler emits 300 ms later, then continue as new at once. */
  lateHandler?: boolean;
  carried?: CarriedLog<Status, Updates>;
}

/** Emits `perRun` updates per run and continues as new until `runs` runs are done. */
export async function continuing(input: ContinuingInput): Promise<{ lastSequence: number; runs: number }> {
  const log = createUpdateLog<Status, Updates>({ status: 'IN_PROGRESS', carried: input.carried });
  const run = input.run ?? 1;
  let lateStarted = false;
  setHandler(lateEmitSignal, async (note) => {
    lateStarted = true;
    await sleep(300);
    log.emit('step', { index: log.lastSequence + 1, note });
  });
  for (let count = 0; count < input.perRun; count++) {
    log.emit('step', { index: log.lastSequence + 1, note: `run ${run}` });
  }
  if (run === 1 && input.lateHandler) await condition(() => lateStarted);
  if (run < input.runs) {
    await log.continueAsNew<typeof continuing>((carried) => [{ ...input, run: run + 1, carried }]);
  }
  log.setStatus('DONE');
  return { lastSequence: log.lastSequence, runs: run };
}

export interface PausingInput {
  name: string;
  waitingFor?: string[];
  timeout?: number | string;
  onTimeout?: string;
  correlation?: string;
  variables?: Record<string, unknown>;
  /** Waits for `proceed` after the pause ended, so tests can look at a running workflow. */
  holdAfter?: boolean;
  /** After the first pause ended, pause again at this name (its outcome is returned). */
  thenPause?: string;
}

/** One step, one pause, one step naming the outcome. Returns the outcome. */
export async function pausing(input: PausingInput): Promise<PauseOutcome<unknown, string>> {
  const log = createUpdateLog<Status, Updates>({ status: 'IN_PROGRESS', workflowName: 'Pausing test' });
  let proceeded = false;
  setHandler(proceedSignal, () => {
    proceeded = true;
  });
  log.emit('step', { index: 1, note: 'before pause' });
  let outcome = await log.pause<unknown, string>({
    name: input.name,
    ...(input.waitingFor ? { waitingFor: input.waitingFor } : {}),
    ...(input.timeout === undefined ? {} : { timeout: input.timeout }),
    ...(input.onTimeout ? { onTimeout: input.onTimeout } : {}),
    ...(input.correlation ? { correlation: input.correlation } : {}),
    ...(input.variables ? { variables: input.variables } : {}),
  });
  if (input.thenPause) outcome = await log.pause<unknown, string>({ name: input.thenPause });
  log.emit('step', {
    index: log.lastSequence + 1,
    note: outcome.type === 'timeout' ? `path:${outcome.path}` : outcome.type,
  });
  if (input.holdAfter) await condition(() => proceeded);
  log.setStatus('DONE');
  return outcome;
}

/** Run 1 pauses at `first` and continues as new; run 2 pauses at `second`. Returns run 2's outcome. */
export async function pauseAcrossRuns(input: {
  run?: number;
  carried?: CarriedLog<Status, Updates>;
}): Promise<PauseOutcome<unknown, string>> {
  const log = createUpdateLog<Status, Updates>({ status: 'IN_PROGRESS', carried: input.carried });
  if ((input.run ?? 1) === 1) {
    await log.pause({ name: 'first' });
    await log.continueAsNew<typeof pauseAcrossRuns>((carried) => [{ run: 2, carried }]);
  }
  const outcome = await log.pause<unknown, string>({ name: 'second' });
  log.setStatus('DONE');
  return outcome;
}

/** Emits `count` updates compacting to `keep`, snapshot counting what left. */
export async function compacting(input: { count: number; keep: number }): Promise<{ firstSequence: number }> {
  const log = createUpdateLog<Status, Updates, { folded: number; lastFolded: number }>({
    status: 'IN_PROGRESS',
    compaction: {
      keep: input.keep,
      reduce: (snapshot, updates) => ({
        folded: (snapshot?.folded ?? 0) + updates.length,
        lastFolded: updates.at(-1)?.sequence ?? snapshot?.lastFolded ?? 0,
      }),
    },
  });
  for (let index = 1; index <= input.count; index++) log.emit('step', { index });
  log.setStatus('DONE');
  return { firstSequence: log.firstSequence };
}

/** Emits `count` updates per `emit` signal. */
export const emitSignal = defineSignal<[count: number]>('emit');

/** Emits on demand, one workflow task per signal, until `proceed` (the benchmark's emit → bus latency). */
export async function onDemand(): Promise<{ lastSequence: number }> {
  const log = createUpdateLog<Status, Updates>({ status: 'IN_PROGRESS' });
  let done = false;
  setHandler(emitSignal, (count) => {
    for (let i = 0; i < count; i++) log.emit('step', { index: log.lastSequence + 1 });
  });
  setHandler(proceedSignal, () => {
    done = true;
  });
  await condition(() => done);
  log.setStatus('DONE');
  return { lastSequence: log.lastSequence };
}

/** Misuses the log on purpose, so tests can see the error a developer would. */
export async function misuse(
  kind: 'reserved-type' | 'bad-timeout' | 'double-pause' | 'oversized' | 'oversized-pause',
): Promise<void> {
  const log = createUpdateLog<Status, Record<string, unknown>>({ status: 'IN_PROGRESS' });
  if (kind === 'reserved-type') log.emit('workflow.paused' as never, {} as never);
  if (kind === 'bad-timeout') await log.pause({ name: 'x', timeout: 'soon' });
  if (kind === 'oversized') log.emit('blob', { text: 'x'.repeat(200 * 1024) });
  // 60 event names: 2.5 KiB as the ResumableWaitingFor search attribute.
  if (kind === 'oversized-pause')
    await log.pause({
      name: 'x',
      waitingFor: Array.from({ length: 60 }, (_, i) => `supplier-${i}-reply-received-at-portal`),
    });
  if (kind === 'double-pause') {
    void log.pause({ name: 'first' });
    await log.pause({ name: 'second' });
  }
}

/** Runs `importRows` through `log.proxyActivities()` (3 attempts, 200 ms then 400 ms apart) and completes. */
export async function importWithRetries(input: activities.ImportInput & { key: string }): Promise<string> {
  const log = createUpdateLog<Status, Record<string, never>>({ status: 'IN_PROGRESS' });
  const { importRows } = log.proxyActivities<typeof activities>({
    startToCloseTimeout: '20s',
    retry: { maximumAttempts: 3, initialInterval: '200ms', backoffCoefficient: 2 },
  });
  try {
    return await importRows(input);
  } finally {
    log.setStatus('DONE');
  }
}

/** Holds its log open (for `resumable.publish` batches) until `proceed`, then completes. */
export async function listening(): Promise<number> {
  const log = createUpdateLog<Status, Updates>({ status: 'IN_PROGRESS' });
  let proceeded = false;
  setHandler(proceedSignal, () => void (proceeded = true));
  await condition(() => proceeded);
  log.setStatus('DONE');
  return log.lastSequence;
}
