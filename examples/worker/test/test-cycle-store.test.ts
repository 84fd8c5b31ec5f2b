import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIGNAL_NAMES, type WorkflowState } from '@resumable/protocol';
import { connectTestClient, createTestWorker, type TestWorker } from '@resumable/temporal-dev/vitest';
import { createResumableSinks } from '@resumable/workflow-state/worker';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as activities from '../src/activities';
import { createTestCycleActivities } from '../src/activities/test-cycle';
import {
  MANUAL_COMPENSATION_PAUSE,
  MANUAL_INTERVENTION_PAUSE,
  WORKFLOWS,
  type TestCycleInput,
  type TestCycleUpdates,
} from '../src/shared';
import { openTestCycleStore, type RecordRow } from '../src/store';
import { COMPENSATE_INTERRUPTED_PATCH } from '../src/workflows/test-cycle';

// The worker and these checks share one SQLite file: the tests read what the phases and compensations did to it.
const dir = mkdtempSync(join(tmpdir(), 'test-cycle-store-'));
const store = openTestCycleStore(join(dir, 'test-cycle.sqlite'));

let client: Client;
let worker: TestWorker;
let running: Promise<void>;

beforeAll(async () => {
  client = await connectTestClient();
  worker = await createTestWorker('worker', {
    activities: { ...activities, ...createTestCycleActivities({ dbPath: store.path }) },
    // The live push is not under test here; a sink that drops it keeps the worker quiet.
    sinks: createResumableSinks({ bus: { publish: async () => undefined } }),
  });
  running = worker.worker.run();
});

afterAll(async () => {
  worker?.worker.shutdown();
  await running;
  await worker?.close();
  await client?.connection.close();
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
async function startCycle(input: Omit<TestCycleInput, 'cycleId'>): Promise<WorkflowHandle> {
  const cycleId = `store-cycle-${Date.now()}-${counter++}`;
  return client.workflow.start(WORKFLOWS.testCycle, {
    taskQueue: worker.taskQueue,
    workflowId: cycleId,
    args: [{ cycleId, speed: 0.05, ...input } satisfies TestCycleInput],
  });
}

/** The rows of a cycle as `phase:item:status`, in phase order. */
async function rowsOf(cycleId: string): Promise<string[]> {
  return (await store.records(cycleId)).map((row: RecordRow) => `${row.phase}:${row.item}:${row.status}`);
}
const all = (phase: number, kind: string, count: number, status = 'complete') =>
  Array.from({ length: count }, (_, index) => `${phase}:${kind}-${index + 1}:${status}`);

async function ledgerOf(cycleId: string): Promise<string[]> {
  return (await store.ledger(cycleId)).map(
    (entry) =>
      `${entry.phase} ${entry.strategy} ${entry.phaseState} ${entry.outcome} undone=${entry.undone.join(',')} kept=${entry.kept.join(',')}`,
  );
}

const stateOf = (handle: WorkflowHandle) => handle.query<WorkflowState>('getWorkflowState');
const pauseOf = (handle: WorkflowHandle) => handle.query<{ pausedAt: string } | null>('getPauseState');
const typed = <T>(state: WorkflowState, type: string) =>
  state.updates.filter((update) => update.type === type).map((update) => update.data as T);

/** Waits until visibility lists the cycle as paused (what the paused dashboard reads). */
async function expectListedAsPaused(workflowId: string, pausedAt: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const found: string[] = [];
        const query = `ResumablePaused = true AND ResumablePausedAt = '${pausedAt}' AND WorkflowId = '${workflowId}'`;
        for await (const execution of client.workflow.list({ query })) found.push(execution.workflowId);
        return found;
      },
      { timeout: 15_000, interval: 250 },
    )
    .toEqual([workflowId]);
}

describe('test cycle version 3: records in SQLite', () => {
  it('writes each phase’s items once, all complete, though retried attempts wrote before failing; skipped phases write nothing', async () => {
    const handle = await startCycle({ skipPhases: [2] });
    expect(await handle.result()).toBe('COMPLETED');
    const id = handle.workflowId;
    expect(await rowsOf(id)).toEqual([
      ...all(1, 'attribute', 4),
      ...all(3, 'sample', 6),
      ...all(4, 'owner', 3),
      ...all(5, 'rfi', 3),
      ...all(6, 'result', 6),
      ...all(7, 'observation', 2),
      ...all(8, 'report', 1),
    ]);
    // Phases 1, 4 and 5 failed their first attempt after writing: the retry replaced those rows.
    const attempts = new Map((await store.records(id)).map((row) => [row.phase, row.attempt]));
    expect([...attempts]).toEqual([
      [1, 2],
      [3, 1],
      [4, 2],
      [5, 2],
      [6, 1],
      [7, 1],
      [8, 1],
    ]);
    expect(await store.ledger(id)).toEqual([]);
    expect(await store.notifications(id)).toEqual([]);

    const state = await stateOf(handle);
    expect(typed<{ version: number }>(state, 'version')).toEqual([expect.objectContaining({ version: 3 })]);
    expect(await handle.query('getTestCycleVersion')).toBe(3);
    expect(typed<{ phase: number; state: string }>(state, 'phase').filter((phase) => phase.phase === 2)).toEqual([
      expect.objectContaining({ state: 'skipped' }),
    ]);
    // Retries ran through the log: each attempt of phase 1 is an update.
    const planning = state.updates
      .filter((update) => update.type.startsWith('activity.'))
      .map((update) => `${update.type}#${(update.data as { attempt: number }).attempt}`)
      .slice(0, 3);
    expect(planning).toEqual(['activity.started#1', 'activity.retrying#1', 'activity.started#2']);
  });

  it('rollback deletes, partial rollback keeps the complete rows, notify keeps the rows and writes a notification (failure at phase 3)', async () => {
    const handle = await startCycle({ failAtPhase: 3 });
    await expect(handle.result()).rejects.toThrow();
    const id = handle.workflowId;
    // 1 (rollback) and 4 (rollback) are gone; 2 (notify) stays; 3 failed part-way and keeps its complete half.
    expect(await rowsOf(id)).toEqual([...all(2, 'scope', 3), ...all(3, 'sample', 3)]);
    expect(await ledgerOf(id)).toEqual([
      '3 partial-rollback failed partially-rolled-back undone=sample-4,sample-5,sample-6 kept=sample-1,sample-2,sample-3',
      '4 rollback completed rolled-back undone=owner-1,owner-2,owner-3 kept=',
      '2 notify completed notified undone= kept=scope-1,scope-2,scope-3',
      '1 rollback completed rolled-back undone=attribute-1,attribute-2,attribute-3,attribute-4 kept=',
    ]);
    const notifications = await store.notifications(id);
    expect(notifications).toEqual([expect.objectContaining({ cycle_id: id, phase: 2, name: 'Scoping' })]);
    expect(notifications[0]?.message).toContain('3 record(s) are kept');

    const state = await stateOf(handle);
    expect(state.status).toBe('FAILED');
    expect(
      typed<{ phase: number; outcome: string }>(state, 'compensation').map((c) => `${c.phase}:${c.outcome}`),
    ).toEqual(['3:partially-rolled-back', '4:rolled-back', '2:notified', '1:rolled-back']);
    expect(typed<{ phase: number }>(state, 'notification').map((n) => n.phase)).toEqual([2]);
  });

  it('skip: a failed skip phase waits for a person; resumed, the cycle passes over it and completes, keeping its rows', async () => {
    const handle = await startCycle({ failAtPhase: 7 });
    const id = handle.workflowId;
    await expect
      .poll(() => pauseOf(handle), { timeout: 20_000 })
      .toMatchObject({ pausedAt: MANUAL_INTERVENTION_PAUSE });
    expect((await stateOf(handle)).status).toBe('WAITING_FOR_PERSON');
    await expectListedAsPaused(id, MANUAL_INTERVENTION_PAUSE);
    // While it waits, phase 7's partial write is in place and nothing is compensated.
    expect((await rowsOf(id)).filter((row) => row.startsWith('7:'))).toEqual([
      '7:observation-1:complete',
      '7:observation-2:pending',
    ]);
    expect(await store.ledger(id)).toEqual([]);

    await handle.signal(SIGNAL_NAMES.resume, { resumedBy: 'reviewer' });
    expect(await handle.result()).toBe('COMPLETED');
    expect(await rowsOf(id)).toEqual([
      ...all(1, 'attribute', 4),
      ...all(2, 'scope', 3),
      ...all(3, 'sample', 6),
      ...all(4, 'owner', 3),
      ...all(5, 'rfi', 3),
      ...all(6, 'result', 6),
      '7:observation-1:complete',
      '7:observation-2:pending',
      ...all(8, 'report', 1),
    ]);
    expect(await ledgerOf(id)).toEqual(['7 skip failed resumed undone= kept=observation-1,observation-2']);
    const phase7 = typed<{ phase: number; state: string }>(await stateOf(handle), 'phase')
      .filter((phase) => phase.phase === 7)
      .map((phase) => phase.state);
    expect(phase7).toEqual(['running', 'failed', 'skipped']);
  });

  it('skip: cancelled at the manual wait, the finished phases are compensated and the cycle ends CANCELLED', async () => {
    const handle = await startCycle({ failAtPhase: 7 });
    const id = handle.workflowId;
    await expect
      .poll(() => pauseOf(handle), { timeout: 20_000 })
      .toMatchObject({ pausedAt: MANUAL_INTERVENTION_PAUSE });
    await handle.signal(SIGNAL_NAMES.cancel, { reason: 'not worth finishing' });
    expect(await handle.result()).toBe('CANCELLED');
    expect((await stateOf(handle)).status).toBe('CANCELLED');
    expect(await rowsOf(id)).toEqual([
      ...all(2, 'scope', 3),
      ...all(3, 'sample', 6),
      ...all(5, 'rfi', 3),
      ...all(6, 'result', 6),
      '7:observation-1:complete',
      '7:observation-2:pending',
    ]);
    expect((await ledgerOf(id)).map((entry) => entry.split(' undone')[0])).toEqual([
      '7 skip failed cancelled',
      '6 partial-rollback completed partially-rolled-back',
      '5 notify completed notified',
      '4 rollback completed rolled-back',
      '3 partial-rollback completed partially-rolled-back',
      '2 notify completed notified',
      '1 rollback completed rolled-back',
    ]);
    expect((await store.notifications(id)).map((row) => row.phase)).toEqual([2, 5]);
  });

  it('skip during compensation: a later failure waits for a person before leaving the skip phase; resumed, the saga goes on', async () => {
    const handle = await startCycle({ failAtPhase: 8 });
    const id = handle.workflowId;
    await expect
      .poll(() => pauseOf(handle), { timeout: 20_000 })
      .toMatchObject({ pausedAt: MANUAL_COMPENSATION_PAUSE });
    // The failed report was rolled back before the saga reached phase 7.
    expect(await ledgerOf(id)).toEqual(['8 rollback failed rolled-back undone=report-1 kept=']);
    await handle.signal(SIGNAL_NAMES.resume, { resumedBy: 'reviewer' });
    await expect(handle.result()).rejects.toThrow();
    expect((await ledgerOf(id)).map((entry) => entry.split(' undone')[0])).toEqual([
      '8 rollback failed rolled-back',
      '7 skip completed resumed',
      '6 partial-rollback completed partially-rolled-back',
      '5 notify completed notified',
      '4 rollback completed rolled-back',
      '3 partial-rollback completed partially-rolled-back',
      '2 notify completed notified',
      '1 rollback completed rolled-back',
    ]);
    expect((await stateOf(handle)).status).toBe('FAILED');
  });

  it('cancelling the workflow mid-phase: the interrupted phase and the finished ones are compensated, the cycle ends CANCELLED', async () => {
    // At half speed, so phase 4 is still at work when phase 3 has finished: Sample Selection
    // takes 3.2 s; Data Owner Identification fails its first 2.6 s attempt (after writing
    // owner-1 complete, owner-2 and -3 pending), waits out its retry delay, and tries again
    // for 2.6 s: the window in which the test cancels.
    const handle = await startCycle({ speed: 2 });
    const id = handle.workflowId;
    const phases = (state: WorkflowState) => typed<TestCycleUpdates['phase']>(state, 'phase');
    /** Phase 4's second attempt: the `activity.started` after its first, under the same activity id. */
    const secondAttemptOfPhase4 = (state: WorkflowState) => {
      const running = state.updates.findIndex(
        (update) => update.type === 'phase' && (update.data as TestCycleUpdates['phase']).phase === 4,
      );
      const first = state.updates.slice(running).find((update) => update.type === 'activity.started');
      const activityId = (first?.data as { activityId?: string } | undefined)?.activityId;
      return state.updates.some(
        (update) =>
          update.type === 'activity.started' &&
          (update.data as { activityId: string; attempt: number }).activityId === activityId &&
          (update.data as { attempt: number }).attempt === 2,
      );
    };
    await expect
      .poll(
        async () => {
          const state = await stateOf(handle);
          return {
            phase3: phases(state).some((phase) => phase.phase === 3 && phase.state === 'completed'),
            phase4: phases(state).some((phase) => phase.phase === 4 && phase.state !== 'running'),
            secondAttempt: secondAttemptOfPhase4(state),
          };
        },
        { timeout: 30_000, interval: 100 },
      )
      .toEqual({ phase3: true, phase4: false, secondAttempt: true });
    // Mid-phase: 1 to 3 are written, 4 holds its first attempt's rows, its second attempt is at work.
    expect((await rowsOf(id)).filter((row) => row.startsWith('4:'))).toEqual([
      '4:owner-1:complete',
      '4:owner-2:pending',
      '4:owner-3:pending',
    ]);

    await handle.cancel();
    const failure = await handle.result().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect((await handle.describe()).status.name).toBe('CANCELLED');

    // The interrupted phase first (as a failed phase), then the finished ones, newest first.
    const ledger = [
      '4 rollback failed rolled-back undone=owner-1,owner-2,owner-3 kept=',
      '3 partial-rollback completed partially-rolled-back undone= kept=sample-1,sample-2,sample-3,sample-4,sample-5,sample-6',
      '2 notify completed notified undone= kept=scope-1,scope-2,scope-3',
      '1 rollback completed rolled-back undone=attribute-1,attribute-2,attribute-3,attribute-4 kept=',
    ];
    const kept = [...all(2, 'scope', 3), ...all(3, 'sample', 6)];
    expect(await ledgerOf(id)).toEqual(ledger);
    expect(await rowsOf(id)).toEqual(kept);
    expect((await store.notifications(id)).map((row) => row.phase)).toEqual([2]);
    // Phase 4's second attempt never learns of the cancellation (it does not heartbeat) and
    // ends its work after the saga: the store drops its write to the compensated phase.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(await rowsOf(id)).toEqual(kept);
    expect(await ledgerOf(id)).toEqual(ledger);

    // The durable log tells the same story.
    const state = await stateOf(handle);
    expect(state.status).toBe('CANCELLED');
    expect(phases(state).map((phase) => `${phase.phase}:${phase.state}`)).toEqual([
      '1:running',
      '1:completed',
      '2:running',
      '2:completed',
      '3:running',
      '4:running',
      '3:completed',
      '4:failed',
    ]);
    expect(
      typed<TestCycleUpdates['compensation']>(state, 'compensation').map(
        (c) => `${c.phase} ${c.phaseState} ${c.outcome} undone=${c.undone?.join(',')} kept=${c.kept?.join(',')}`,
      ),
    ).toEqual(ledger.map((entry) => entry.replace(/ (rollback|partial-rollback|notify)/, '')));
    expect(typed<{ phase: number }>(state, 'notification').map((n) => n.phase)).toEqual([2]);
    expect(typed<TestCycleUpdates['summary']>(state, 'summary').map((s) => s.text)).toEqual([
      'Cancelled during Data Owner Identification; compensated it and the finished phases',
    ]);
    // The change sits behind its patch marker, so cycles cancelled before it replay as they ran.
    const history = await handle.fetchHistory();
    const markers = (history.events ?? []).flatMap((event) => {
      const data = event.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
      return data ? [(JSON.parse(Buffer.from(data).toString()) as { id: string }).id] : [];
    });
    expect(markers).toContain(COMPENSATE_INTERRUPTED_PATCH);
  });
});
