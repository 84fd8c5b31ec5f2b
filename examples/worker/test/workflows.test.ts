import type { BusMessage, WorkflowState } from '@resumable/protocol';
import { connectTestClient, createTestWorker, type TestWorker } from '@resumable/temporal-dev/vitest';
import { createActivityProgress, createResumableSinks } from '@resumable/workflow-state/worker';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as activities from '../src/activities';
import { PAYMENT_COMPLETED_EVENT, WORKFLOWS, type OrderInput, type TestCycleInput } from '../src/shared';

let client: Client;
let worker: TestWorker;
let running: Promise<void>;
const live: BusMessage[] = [];

beforeAll(async () => {
  client = await connectTestClient();
  // Sinks into a list: what the app's bus would receive.
  const bus = { publish: async (message: BusMessage) => void live.push(message) };
  worker = await createTestWorker('worker', {
    activities,
    sinks: createResumableSinks({ bus }),
    interceptors: { activity: [createActivityProgress({ bus }).interceptor] },
  });
  running = worker.worker.run();
});

afterAll(async () => {
  // Let the worker finish polling before its connection closes.
  worker?.worker.shutdown();
  await running;
  await worker?.close();
  await client?.connection.close();
});

const state = (id: string) => client.workflow.getHandle(id).query<WorkflowState>('getWorkflowState');
let counter = 0;
const id = (prefix: string) => `${prefix}-${Date.now()}-${counter++}`;

describe('test cycle', () => {
  it('compensates the finished phases in reverse order when a parallel phase fails, after its sibling settles', async () => {
    const workflowId = id('cycle');
    const handle = await client.workflow.start(WORKFLOWS.testCycle, {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [{ cycleId: workflowId, failAtPhase: 3, speed: 0.1 } satisfies TestCycleInput],
    });
    await expect(handle.result()).rejects.toThrow();
    const log = await state(workflowId);
    const phases = log.updates
      .filter((update) => update.type === 'phase')
      .map((update) => update.data as { phase: number; state: string });
    // Phase 4 ran beside phase 3 and finished; phase 3 failed after its database retries.
    expect(phases.filter((phase) => phase.state !== 'running').map((phase) => `${phase.phase}:${phase.state}`)).toEqual(
      ['1:completed', '2:completed', '4:completed', '3:failed'],
    );
    const compensated = log.updates
      .filter((update) => update.type === 'compensation')
      .map((update) => (update.data as { phase: number }).phase);
    // Version 3 compensates the failed phase too (it wrote part of its rows), then the finished ones.
    expect(compensated).toEqual([3, 4, 2, 1]);
    expect(log.status).toBe('FAILED');
    expect((await handle.describe()).status.name).toBe('FAILED');
    // Every update also went out live, with the same sequence.
    const pushed = live.filter((message) => message.kind === 'update' && message.taskId === workflowId);
    expect(new Set(pushed.map((message) => (message.kind === 'update' ? message.update.sequence : 0)))).toEqual(
      new Set(log.updates.map((update) => update.sequence)),
    );
  });

  it('replays a completed cycle (with its patched() marker) deterministically', async () => {
    const workflowId = id('cycle');
    const handle = await client.workflow.start(WORKFLOWS.testCycle, {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [{ cycleId: workflowId, speed: 0.1 } satisfies TestCycleInput],
    });
    expect(await handle.result()).toBe('COMPLETED');
    const history = await handle.fetchHistory();
    // The patch markers (versions 2 and 3) are in the history: a cycle started before a change would lack its marker and take the old path.
    const markers = (history.events ?? []).filter(
      (event) => event.markerRecordedEventAttributes?.markerName === 'core_patch',
    );
    expect(markers).toHaveLength(2);
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: inject('workflowBundles').worker as string } },
      history,
      workflowId,
    );
  });
});

describe('order processing', () => {
  it('takes the payment event only with its own correlation key', async () => {
    const workflowId = id('order');
    const handle = await client.workflow.start(WORKFLOWS.order, {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [{ orderId: 'ORD-1', customer: 'Ada', amount: 10 } satisfies OrderInput],
    });
    const pauseOf = () => handle.query<{ pausedAt: string } | null>('getPauseState');
    await expect.poll(pauseOf, { timeout: 10_000 }).toMatchObject({ pausedAt: 'wait-approval' });
    await handle.signal('resumable.resume', { resumedBy: 'test' });
    await expect.poll(pauseOf, { timeout: 10_000 }).toMatchObject({ pausedAt: 'wait-payment' });

    await handle.signal('resumable.trigger', { event: PAYMENT_COMPLETED_EVENT, correlation: 'ORD-2' });
    await handle.signal('resumable.trigger', { event: PAYMENT_COMPLETED_EVENT });
    // Queries see every signal delivered before them: both were ignored.
    expect(await pauseOf()).toMatchObject({ pausedAt: 'wait-payment' });

    await handle.signal('resumable.trigger', { event: PAYMENT_COMPLETED_EVENT, correlation: 'ORD-1' });
    expect(await handle.result()).toBe('COMPLETED');
    const types = (await state(workflowId)).updates.map((update) => update.type);
    expect(types.filter((type) => type.startsWith('workflow.'))).toEqual([
      'workflow.paused',
      'workflow.resumed',
      'workflow.paused',
      'workflow.resumed',
    ]);
  });
});

describe('task', () => {
  it('records the merge attempts in the log and sends their progress live; the retry starts its bar over', async () => {
    const workflowId = id('task');
    const handle = await client.workflow.start(WORKFLOWS.task, {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [{ title: 'docs', steps: 2, stepMs: 20 }],
    });
    expect(await handle.result()).toBe('MERGED');
    const log = await state(workflowId);
    const attempts = log.updates
      .filter((update) => update.type.startsWith('activity.'))
      .map((update) => {
        const data = update.data as { attempt: number; activityType: string; error?: string };
        return `${update.type} ${data.activityType}#${data.attempt}${data.error ? `: ${data.error}` : ''}`;
      });
    expect(attempts).toEqual([
      'activity.started mergeChanges#1',
      'activity.retrying mergeChanges#1: Merge conflict in README.md; rebasing and trying again',
      'activity.started mergeChanges#2',
      'activity.completed mergeChanges#2',
    ]);
    const progress = live
      .filter((message) => message.kind === 'progress' && message.taskId === workflowId)
      .map((message) => (message.kind === 'progress' ? message.progress : undefined))
      .map((report) => `${report?.attempt}:${(report?.data as { percent: number }).percent}`);
    expect(progress).toEqual([
      ...[10, 20, 30, 40, 50, 60].map((percent) => `1:${percent}`),
      ...[10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((percent) => `2:${percent}`),
    ]);
  });
});
