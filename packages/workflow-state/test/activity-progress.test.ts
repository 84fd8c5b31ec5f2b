/**
 * Activities through `log.proxyActivities()` on a real worker and dev server: every
 * attempt, failure and delay is a durable update (each once, in order), and progress
 * reported inside the activity goes live through the bus, attempt-aware, without a
 * single history event.
 */
import { randomUUID } from 'node:crypto';
import {
  ACTIVITY_EVENTS,
  type ActivityProgressMessage,
  type WorkflowState,
  type WorkflowUpdate,
} from '@resumable/protocol';
import { connectTestClient } from '@resumable/temporal-dev/vitest';
import type { Client } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivityProgress, createResumableSinks, reportProgress } from '../src/worker/index';
import * as activities from './activities';
import { startWorker, type RunningWorker } from './harness';
import { RecordingBus } from './recording-bus';
import { importWithRetries } from './workflows';

describe('log.proxyActivities() and reportProgress()', () => {
  const bus = new RecordingBus();
  let client: Client;
  let worker: RunningWorker;

  beforeAll(async () => {
    client = await connectTestClient();
    worker = await startWorker({
      activities,
      sinks: createResumableSinks({ bus }),
      interceptors: { activity: [createActivityProgress({ bus }).interceptor] },
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
  });

  async function run(input: activities.ImportInput) {
    const workflowId = `import-${randomUUID()}`;
    const handle = await client.workflow.start(importWithRetries, {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [{ ...input, key: workflowId }],
    });
    const outcome = await handle.result().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    const state = await handle.query<WorkflowState>('getWorkflowState');
    const history = await handle.fetchHistory();
    const progress = bus.messages
      .map(({ message, receivedAt }) => ({ message, receivedAt }))
      .filter((entry) => entry.message.kind === 'progress' && entry.message.taskId === workflowId)
      .map(({ message, receivedAt }) => ({ ...(message as ActivityProgressMessage).progress, receivedAt }));
    return { workflowId, outcome, updates: state.updates, history, progress };
  }

  const shape = (updates: WorkflowUpdate[]) =>
    updates.map((u) => {
      const data = u.data as { attempt: number; error?: string; nextDelayMs?: number };
      return [u.type, data.attempt, data.error ?? null, data.nextDelayMs ?? null];
    });

  it('records each attempt, its failure and the delay, once, and retries on the policy', async () => {
    const { outcome, updates, progress } = await run({ reports: 6, failOn: [1, 2] });
    expect(outcome).toEqual({ value: 'imported 6 rows on attempt 3' });
    expect(shape(updates)).toEqual([
      [ACTIVITY_EVENTS.started, 1, null, null],
      [ACTIVITY_EVENTS.retrying, 1, 'connection reset at row 3', 200],
      [ACTIVITY_EVENTS.started, 2, null, null],
      [ACTIVITY_EVENTS.retrying, 2, 'connection reset at row 3', 400],
      [ACTIVITY_EVENTS.started, 3, null, null],
      [ACTIVITY_EVENTS.completed, 3, null, null],
    ]);
    // One activity id across the attempts, the sequence of its first update.
    const ids = new Set(updates.map((u) => (u.data as { activityId: string }).activityId));
    expect(ids).toEqual(new Set(['importRows-1']));
    expect(updates.every((u) => (u.data as { activityType: string }).activityType === 'importRows')).toBe(true);
    expect((updates[0]!.data as { maxAttempts: number }).maxAttempts).toBe(3);
    // The workflow waited its durable timers: the next attempt starts no sooner.
    const time = (i: number) => updates[i]!.timestamp;
    expect(time(2) - time(1)).toBeGreaterThanOrEqual(200);
    expect(time(4) - time(3)).toBeGreaterThanOrEqual(400);

    // Progress: per attempt, counters 1, 2, … under the same id; a retry starts over.
    const byAttempt = (attempt: number) => progress.filter((p) => p.attempt === attempt);
    expect(byAttempt(1).map((p) => p.counter)).toEqual([1, 2, 3]);
    expect(byAttempt(2).map((p) => p.counter)).toEqual([1, 2, 3]);
    expect(byAttempt(3).map((p) => p.counter)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(byAttempt(3).map((p) => p.data)).toEqual([1, 2, 3, 4, 5, 6].map((step) => ({ step, of: 6 })));
    expect(new Set(progress.map((p) => p.activityId))).toEqual(new Set(['importRows-1']));
  });

  it('stops at a non-retryable error and records the failure', async () => {
    const { outcome, updates } = await run({ reports: 4, failOn: [1], fatal: true });
    expect((outcome as { error: unknown }).error).toBeInstanceOf(WorkflowFailedError);
    expect(shape(updates)).toEqual([
      [ACTIVITY_EVENTS.started, 1, null, null],
      [ACTIVITY_EVENTS.failed, 1, 'bad file at row 2', null],
    ]);
  });

  it('progress costs no history: the same events with 0 and with 200 reports', async () => {
    const quiet = await run({ reports: 0, failOn: [] });
    const chatty = await run({ reports: 200, failOn: [] });
    expect(chatty.progress).toHaveLength(200);
    const kinds = (history: typeof quiet.history) =>
      history.events?.map((event) => Object.keys(event).find((k) => k.endsWith('EventAttributes')));
    expect(kinds(chatty.history)).toEqual(kinds(quiet.history));
    expect(chatty.history.events?.length).toBe(quiet.history.events?.length);
  });

  it('refuses reportProgress() outside an activity, with what to do', () => {
    expect(() => reportProgress({ step: 1 })).toThrow(/inside an activity/);
  });
});
