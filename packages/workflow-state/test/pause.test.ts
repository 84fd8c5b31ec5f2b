import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { connectTestClient } from '@resumable/temporal-dev/vitest';
import { SEARCH_ATTRIBUTES, type PausedWorkflow, type WorkflowUpdate } from '@resumable/protocol';
import {
  actionAppliedQuery,
  cancelSignal,
  pauseStateQuery,
  resumeSignal,
  triggerSignal,
  workflowStateQuery,
} from '../src/index';
import { createResumableSinks } from '../src/worker/index';
import { startWorker, type RunningWorker } from './harness';
import { RecordingBus } from './recording-bus';
import { pauseAcrossRuns, pausing, proceedSignal, type PausingInput } from './workflows';

const PAUSE_TYPES = ['workflow.paused', 'workflow.resumed', 'workflow.cancelled', 'workflow.timeout'];

describe('pauses on a real worker', () => {
  let client: Client;
  let worker: RunningWorker;
  // Every test gets a bus of its own (the worker's sinks publish to the current one)
  // and its own workflow ids, so each test runs alone as well as in the file.
  let bus = new RecordingBus();
  beforeAll(async () => {
    client = await connectTestClient();
    worker = await startWorker({
      sinks: createResumableSinks({ bus: { publish: (message) => bus.publish(message) } }),
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
  });
  beforeEach(() => {
    bus = new RecordingBus();
  });

  async function startPausing(prefix: string, input: PausingInput): Promise<WorkflowHandle<typeof pausing>> {
    return client.workflow.start(pausing, {
      taskQueue: worker.taskQueue,
      workflowId: `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      args: [input],
    });
  }

  async function pausedNow(handle: WorkflowHandle): Promise<PausedWorkflow> {
    await expect.poll(() => handle.query(pauseStateQuery), { timeout: 20_000 }).not.toBeNull();
    return (await handle.query(pauseStateQuery))!;
  }

  /** Workflow ids a visibility query lists (eventually consistent). */
  async function listed(query: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
    return ids;
  }

  /** Waits until the worker handled every signal sent so far (`count` of them). */
  async function signalsHandled(handle: WorkflowHandle, count: number): Promise<void> {
    await expect
      .poll(
        async () =>
          (await handle.fetchHistory()).events?.filter((event) => event.workflowExecutionSignaledEventAttributes)
            .length,
        { timeout: 20_000 },
      )
      .toBe(count);
    await expect
      .poll(async () => (await handle.describe()).raw.pendingWorkflowTask ?? null, { timeout: 20_000 })
      .toBeNull();
  }

  async function pauseEvents(handle: WorkflowHandle): Promise<WorkflowUpdate[]> {
    const state = await handle.query(workflowStateQuery);
    return state.updates.filter((update) => PAUSE_TYPES.includes(update.type));
  }

  it('shows the pause through the query and a visibility list query, and resume carries the payload', async () => {
    const handle = await startPausing('pause-resume', {
      name: 'approve-invoice',
      waitingFor: ['invoice.approved'],
      variables: { amount: 42 },
      holdAfter: true,
    });
    const pause = await pausedNow(handle);
    expect(pause).toMatchObject({
      executionId: handle.workflowId,
      workflowType: 'pausing',
      workflowId: 'pausing',
      workflowName: 'Pausing test',
      pausedAt: 'approve-invoice',
      waitingFor: ['invoice.approved'],
      timeoutAt: null,
      variables: { amount: 42 },
    });
    expect(new Date(pause.pausedTime).toISOString()).toBe(pause.pausedTime);

    const pausedQuery = `${SEARCH_ATTRIBUTES.paused.name} = true AND WorkflowId = '${handle.workflowId}'`;
    await expect.poll(() => listed(pausedQuery), { timeout: 20_000, interval: 250 }).toEqual([handle.workflowId]);
    const byEvent = `${SEARCH_ATTRIBUTES.waitingFor.name} = 'invoice.approved' AND ${SEARCH_ATTRIBUTES.pausedAt.name} = 'approve-invoice' AND WorkflowId = '${handle.workflowId}'`;
    await expect.poll(() => listed(byEvent), { timeout: 20_000, interval: 250 }).toEqual([handle.workflowId]);

    await handle.signal(resumeSignal, { payload: { approved: true, by: 'ada' }, resumedBy: 'ada' });
    await expect.poll(() => handle.query(pauseStateQuery), { timeout: 20_000 }).toBeNull();

    // Still running (held after the pause), no longer listed as paused.
    await expect.poll(() => listed(pausedQuery), { timeout: 20_000, interval: 250 }).toEqual([]);
    const notPaused = `${SEARCH_ATTRIBUTES.paused.name} = false AND WorkflowId = '${handle.workflowId}' AND ExecutionStatus = 'Running'`;
    await expect.poll(() => listed(notPaused), { timeout: 20_000, interval: 250 }).toEqual([handle.workflowId]);

    // A second resume once the pause ended changes nothing.
    await handle.signal(resumeSignal, { payload: 'again' });
    await handle.signal(proceedSignal);
    await expect(handle.result()).resolves.toEqual({
      type: 'resumed',
      payload: { approved: true, by: 'ada' },
      resumedBy: 'ada',
    });

    const events = await pauseEvents(handle);
    expect(events.map((update) => update.type)).toEqual(['workflow.paused', 'workflow.resumed']);
    expect(events[0]!.data).toEqual(pause);
    expect(events[1]!.data).toEqual({
      executionId: handle.workflowId,
      workflowId: 'pausing',
      resumedFrom: 'approve-invoice',
      resumedBy: 'ada',
      payload: { approved: true, by: 'ada' },
    });
    const state = await handle.query(workflowStateQuery);
    expect(state.updates.map((update) => update.sequence)).toEqual([1, 2, 3, 4]);
    expect(state.updates.at(-1)!.data).toEqual({ index: 4, note: 'resumed' });
    expect(bus.pauseEventsOf(handle.workflowId)).toEqual(['workflow.paused', 'workflow.resumed']);
  });

  it('cancel carries the reason, once, and late signals are ignored', async () => {
    const handle = await startPausing('pause-cancel', { name: 'wait-payment', waitingFor: ['payment.received'] });
    await pausedNow(handle);
    // Two decisions in quick succession: the first one wins, the second is ignored.
    await handle.signal(cancelSignal, { reason: 'customer withdrew' });
    await handle.signal(resumeSignal, { payload: 'too late' });
    await expect(handle.result()).resolves.toEqual({ type: 'cancelled', reason: 'customer withdrew' });

    const events = await pauseEvents(handle);
    expect(events.map((update) => update.type)).toEqual(['workflow.paused', 'workflow.cancelled']);
    expect(events[1]!.data).toEqual({
      executionId: handle.workflowId,
      workflowId: 'pausing',
      pausedAt: 'wait-payment',
      reason: 'customer withdrew',
    });
    expect(await handle.query(pauseStateQuery)).toBeNull();
    const pausedQuery = `${SEARCH_ATTRIBUTES.paused.name} = true AND WorkflowId = '${handle.workflowId}'`;
    await expect.poll(() => listed(pausedQuery), { timeout: 20_000, interval: 250 }).toEqual([]);
  });

  it('a timeout takes its configured path and writes workflow.timeout once', async () => {
    const handle = await startPausing('pause-timeout', {
      name: 'wait-review',
      waitingFor: ['review.done'],
      timeout: '1500ms',
      onTimeout: 'escalate',
    });
    const pause = await pausedNow(handle);
    expect(Date.parse(pause.timeoutAt!) - Date.parse(pause.pausedTime)).toBe(1500);
    const withDeadline = `${SEARCH_ATTRIBUTES.paused.name} = true AND ${SEARCH_ATTRIBUTES.timeoutAt.name} > '${pause.pausedTime}' AND WorkflowId = '${handle.workflowId}'`;
    await expect.poll(() => listed(withDeadline), { timeout: 20_000, interval: 200 }).toEqual([handle.workflowId]);

    const outcome = await handle.result();
    expect(outcome).toEqual({ type: 'timeout', path: 'escalate', timeoutAt: pause.timeoutAt });
    const events = await pauseEvents(handle);
    expect(events.map((update) => update.type)).toEqual(['workflow.paused', 'workflow.timeout']);
    expect(events[1]!.data).toEqual({
      executionId: handle.workflowId,
      workflowId: 'pausing',
      pausedAt: 'wait-review',
      timeoutAt: pause.timeoutAt,
    });
    expect(events[1]!.timestamp - events[0]!.timestamp).toBeGreaterThanOrEqual(1500);
    const state = await handle.query(workflowStateQuery);
    expect(state.updates.at(-1)!.data).toEqual({ index: 4, note: 'path:escalate' });
  });

  it('a trigger resumes only when the event is awaited and the correlation matches', async () => {
    const handle = await startPausing('pause-trigger', {
      name: 'wait-shipment',
      waitingFor: ['shipment.sent', 'shipment.picked'],
      correlation: 'order-7',
    });
    const pause = await pausedNow(handle);
    expect(pause.correlation).toBe('order-7');
    await handle.signal(triggerSignal, { event: 'invoice.paid', correlation: 'order-7' });
    await handle.signal(triggerSignal, { event: 'shipment.sent', correlation: 'order-8' });
    await handle.signal(triggerSignal, { event: 'shipment.sent' });
    // Wait until the worker processed those three: they must have changed nothing.
    await expect
      .poll(
        async () =>
          (await handle.fetchHistory()).events?.filter((event) => event.workflowExecutionSignaledEventAttributes)
            .length,
        {
          timeout: 20_000,
        },
      )
      .toBe(3);
    await expect
      .poll(async () => (await handle.describe()).raw.pendingWorkflowTask ?? null, { timeout: 20_000 })
      .toBeNull();
    expect(await handle.query(pauseStateQuery)).not.toBeNull();

    await handle.signal(triggerSignal, {
      event: 'shipment.picked',
      payload: { carrier: 'DHL' },
      correlation: 'order-7',
    });
    await expect(handle.result()).resolves.toEqual({
      type: 'resumed',
      payload: { carrier: 'DHL' },
      resumedBy: 'shipment.picked',
    });
    const events = await pauseEvents(handle);
    expect(events.map((update) => update.type)).toEqual(['workflow.paused', 'workflow.resumed']);
    expect(events[1]!.data).toMatchObject({ resumedBy: 'shipment.picked', payload: { carrier: 'DHL' } });
  });

  it('cancelling the workflow while paused ends the pause in the log and clears the search attributes', async () => {
    const handle = await startPausing('pause-wf-cancel', { name: 'wait-forever' });
    await pausedNow(handle);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    const events = await pauseEvents(handle);
    expect(events.map((update) => update.type)).toEqual(['workflow.paused', 'workflow.cancelled']);
    const pausedQuery = `${SEARCH_ATTRIBUTES.paused.name} = true AND WorkflowId = '${handle.workflowId}'`;
    await expect.poll(() => listed(pausedQuery), { timeout: 20_000, interval: 250 }).toEqual([]);
  });

  it('sends every pause event to the bus as a pause message and as the update at the same sequence', async () => {
    const resumed = await startPausing('bus-resume', { name: 'wait-approval', waitingFor: ['order.approved'] });
    const cancelled = await startPausing('bus-cancel', { name: 'wait-approval' });
    const timedOut = await startPausing('bus-timeout', { name: 'wait-approval', timeout: '1s' });
    await Promise.all([pausedNow(resumed), pausedNow(cancelled)]);
    await resumed.signal(resumeSignal, { payload: 'ok' });
    await cancelled.signal(cancelSignal, { reason: 'no' });
    await Promise.all([resumed.result(), cancelled.result(), timedOut.result()]);

    const expected: Record<string, string[]> = {
      [resumed.workflowId]: ['workflow.paused', 'workflow.resumed'],
      [cancelled.workflowId]: ['workflow.paused', 'workflow.cancelled'],
      [timedOut.workflowId]: ['workflow.paused', 'workflow.timeout'],
    };
    const ids = Object.keys(expected);
    // The sink hands a message over once its task completed: the last ones may trail the result.
    await expect
      .poll(() => Object.fromEntries(ids.map((id) => [id, bus.pauseEventsOf(id)])), { timeout: 20_000 })
      .toEqual(expected);

    const pauseMessages = bus.messages
      .map(({ message }) => message)
      .filter((message) => message.kind === 'pause' && ids.includes(message.taskId));
    expect(pauseMessages).toHaveLength(6);
    for (const message of pauseMessages) {
      if (message.kind !== 'pause') continue;
      const asUpdate = bus.messages.find(
        ({ message: other }) =>
          other.kind === 'update' && other.taskId === message.taskId && other.update.sequence === message.sequence,
      );
      expect(asUpdate?.message).toMatchObject({ update: { type: message.event, data: message.data } });
    }
    const events = new Set(pauseMessages.map((message) => (message.kind === 'pause' ? message.event : '')));
    expect([...events].sort()).toEqual([...PAUSE_TYPES].sort());
  });

  it('applies an idempotency key once: a redelivery does not end the next pause', async () => {
    const handle = await startPausing('pause-key', { name: 'approve', thenPause: 'ship' });
    await pausedNow(handle);
    const key = 'key-5f0c1e2a-approve';
    await handle.signal(resumeSignal, { payload: { approved: true }, idempotencyKey: key });
    await expect.poll(async () => (await handle.query(pauseStateQuery))?.pausedAt, { timeout: 20_000 }).toBe('ship');

    // The same approval again (a browser replaying its queue): the second pause stays.
    await handle.signal(resumeSignal, { payload: { approved: true }, idempotencyKey: key });
    await handle.signal(triggerSignal, { event: 'anything', idempotencyKey: key });
    await signalsHandled(handle, 3);
    expect((await handle.query(pauseStateQuery))?.pausedAt).toBe('ship');
    expect(await handle.query(actionAppliedQuery, key)).toBe(true);
    expect(await handle.query(actionAppliedQuery, 'never-sent')).toBe(false);

    await handle.signal(cancelSignal, { reason: 'done', idempotencyKey: 'key-cancel' });
    await expect(handle.result()).resolves.toEqual({ type: 'cancelled', reason: 'done' });
    const events = await pauseEvents(handle);
    expect(events.map((update) => update.type)).toEqual([
      'workflow.paused',
      'workflow.resumed',
      'workflow.paused',
      'workflow.cancelled',
    ]);
    expect(await handle.query(actionAppliedQuery, 'key-cancel')).toBe(true);
  });

  it('remembers applied keys across continue-as-new', async () => {
    const handle = await client.workflow.start(pauseAcrossRuns, {
      taskQueue: worker.taskQueue,
      workflowId: `pause-key-can-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      args: [{}],
    });
    await pausedNow(handle);
    await handle.signal(resumeSignal, { idempotencyKey: 'first-run-key' });
    const latest = client.workflow.getHandle(handle.workflowId);
    await expect
      .poll(async () => (await latest.query(pauseStateQuery).catch(() => null))?.pausedAt, { timeout: 20_000 })
      .toBe('second');
    expect((await latest.describe()).runId).not.toBe(handle.firstExecutionRunId);

    await latest.signal(resumeSignal, { payload: 'replayed', idempotencyKey: 'first-run-key' });
    await signalsHandled(latest, 1);
    expect((await latest.query(pauseStateQuery))?.pausedAt).toBe('second');
    expect(await latest.query(actionAppliedQuery, 'first-run-key')).toBe(true);

    await latest.signal(resumeSignal, { payload: 'fresh', idempotencyKey: 'second-run-key' });
    await expect(latest.result()).resolves.toMatchObject({ type: 'resumed', payload: 'fresh' });
  });
});
