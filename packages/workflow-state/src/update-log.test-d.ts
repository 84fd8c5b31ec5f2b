import { describe, expectTypeOf, it } from 'vitest';
import type { BusMessage, PausedWorkflow, UpdatesPage, WorkflowState, WorkflowUpdate } from '@resumable/protocol';
import type { WorkerOptions } from '@temporalio/worker';
import { createResumableSinks } from './worker/index';
import { createUpdateLog, type CarriedLog, type LogUpdateMap, type PauseOutcome, type UpdateLog } from './index';

type Status = 'IN_PROGRESS' | 'DONE' | 'MERGED';
type Updates = {
  message: { text: string };
  progress: { percent: number };
};

declare const log: UpdateLog<Status, Updates>;

describe('emit', () => {
  it('type-checks type and data against the app map', () => {
    expectTypeOf(log.emit('message', { text: 'hi' })).toEqualTypeOf<WorkflowUpdate<'message', { text: string }>>();
    log.emit('progress', { percent: 50 });
    // @ts-expect-error data of the wrong shape
    log.emit('message', { text: 1 });
    // @ts-expect-error data belongs to another type
    log.emit('progress', { text: 'hi' });
    // @ts-expect-error an unknown update type
    log.emit('mesage', { text: 'typo' });
    // @ts-expect-error data is required
    log.emit('message');
  });

  it('keeps the pause events for the pause helper', () => {
    type Sneaky = Updates & { 'workflow.paused': { x: number } };
    const sneaky = createUpdateLog<Status, Sneaky>({ status: 'DONE' });
    // @ts-expect-error reserved, even when the app map names it
    sneaky.emit('workflow.paused', { x: 1 });
  });

  it('keeps the activity events for log.proxyActivities()', () => {
    type Sneaky = Updates & { 'activity.started': { x: number } };
    const sneaky = createUpdateLog<Status, Sneaky>({ status: 'DONE' });
    // @ts-expect-error reserved, even when the app map names it
    sneaky.emit('activity.started', { x: 1 });
  });

  it('types activities of log.proxyActivities() like proxyActivities', () => {
    type Activities = { importRows(input: { rows: number }): Promise<number> };
    const { importRows } = log.proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });
    expectTypeOf(importRows).toEqualTypeOf<(input: { rows: number }) => Promise<number>>();
  });

  it('accepts any type with the default map', () => {
    const loose = createUpdateLog({ status: 'RUNNING' });
    expectTypeOf(loose.emit('whatever', [1, 2])).toEqualTypeOf<WorkflowUpdate<'whatever', unknown>>();
    // The initial status does not narrow the status type.
    loose.setStatus('DONE');
    expectTypeOf(loose.status).toEqualTypeOf<string>();
  });
});

describe('status', () => {
  it('takes only the app statuses', () => {
    log.setStatus('MERGED');
    // @ts-expect-error not one of the app statuses
    log.setStatus('FINISHED');
    // @ts-expect-error the initial status must be one too
    createUpdateLog<Status, Updates>({ status: 'STARTED' });
    expectTypeOf(log.status).toEqualTypeOf<Status>();
  });
});

describe('reads', () => {
  it('answers with protocol shapes carrying app and pause updates', () => {
    const state = log.getState();
    expectTypeOf(state).toEqualTypeOf<WorkflowState<Status, LogUpdateMap<Updates>>>();
    expectTypeOf(log.getUpdatesSince(0, 10)).toEqualTypeOf<UpdatesPage<Status, LogUpdateMap<Updates>>>();
    // Every entry is a plain protocol update, as a server or browser reads it.
    const onWire: WorkflowUpdate[] = state.updates;
    expectTypeOf(onWire).toBeArray();
    expectTypeOf(state.status).toEqualTypeOf<Status>();
    const update = state.updates[0]!;
    if (update.type === 'message') expectTypeOf(update.data).toEqualTypeOf<{ text: string }>();
    if (update.type === 'workflow.paused') expectTypeOf(update.data).toEqualTypeOf<PausedWorkflow>();
    if (update.type === 'workflow.cancelled') expectTypeOf(update.data.reason).toEqualTypeOf<string>();
    expectTypeOf(log.currentPause).toEqualTypeOf<PausedWorkflow | null>();
  });
});

describe('pause', () => {
  it('types the payload and the timeout path', async () => {
    const outcome = await log.pause<{ approved: boolean }, 'escalate'>({
      name: 'approve',
      timeout: '1 day',
      onTimeout: 'escalate',
    });
    expectTypeOf(outcome).toEqualTypeOf<PauseOutcome<{ approved: boolean }, 'escalate'>>();
    if (outcome.type === 'resumed') expectTypeOf(outcome.payload).toEqualTypeOf<{ approved: boolean } | undefined>();
    if (outcome.type === 'timeout') expectTypeOf(outcome.path).toEqualTypeOf<'escalate'>();
    if (outcome.type === 'cancelled') expectTypeOf(outcome.reason).toEqualTypeOf<string>();
    const inferred = await log.pause({ name: 'wait', onTimeout: 'remind' });
    if (inferred.type === 'timeout') expectTypeOf(inferred.path).toEqualTypeOf<'remind'>();
    // @ts-expect-error a pause needs a name
    await log.pause({ waitingFor: ['x'] });
    // @ts-expect-error waitingFor is a list of event names
    await log.pause({ name: 'x', waitingFor: 'approved' });
  });
});

describe('continue-as-new', () => {
  it('hands the carried log to a typed workflow input', async () => {
    async function task(input: { carried?: CarriedLog<Status, Updates>; round: number }): Promise<void> {
      const inner = createUpdateLog<Status, Updates>({ status: 'IN_PROGRESS', carried: input.carried });
      await inner.continueAsNew<typeof task>((carried) => [{ carried, round: input.round + 1 }]);
      // @ts-expect-error the arguments must match the workflow's
      await inner.continueAsNew<typeof task>((carried) => [{ carried }]);
    }
    expectTypeOf(task).toBeFunction();
    expectTypeOf(log.carry()).toEqualTypeOf<CarriedLog<Status, Updates, unknown>>();
    expectTypeOf(log.carry().updates[0]!.type).toEqualTypeOf<
      | 'message'
      | 'progress'
      | 'workflow.paused'
      | 'workflow.resumed'
      | 'workflow.cancelled'
      | 'workflow.timeout'
      | 'activity.started'
      | 'activity.retrying'
      | 'activity.completed'
      | 'activity.failed'
    >();
  });

  it('types the snapshot of a compaction policy', () => {
    const compacted = createUpdateLog<Status, Updates, { count: number }>({
      status: 'IN_PROGRESS',
      compaction: { keep: 100, reduce: (snapshot, updates) => ({ count: (snapshot?.count ?? 0) + updates.length }) },
    });
    expectTypeOf(compacted.snapshot).toEqualTypeOf<{ count: number } | undefined>();
    createUpdateLog<Status, Updates, { count: number }>({
      status: 'IN_PROGRESS',
      // @ts-expect-error reduce must return the snapshot type
      compaction: { keep: 100, reduce: () => 'nope' },
    });
  });
});

describe('worker sinks', () => {
  it('fit Worker.create({ sinks }) and take BusMessages', () => {
    const sinks = createResumableSinks({ bus: { publish: async (_message: BusMessage) => undefined } });
    expectTypeOf(sinks).toExtend<NonNullable<WorkerOptions['sinks']>>();
    // @ts-expect-error a bus must publish
    createResumableSinks({ bus: {} });
  });
});

describe('states and pages', () => {
  it('are assignable to the plain protocol types, so servers can pass them on', () => {
    expectTypeOf(log.getState()).toMatchTypeOf<WorkflowState<Status>>();
    expectTypeOf(log.getState()).toMatchTypeOf<WorkflowState>();
    expectTypeOf(log.getUpdatesSince(0)).toMatchTypeOf<UpdatesPage>();
    // @ts-expect-error a status outside the app's statuses
    expectTypeOf(log.getState()).toMatchTypeOf<WorkflowState<'OTHER'>>();
  });
});
