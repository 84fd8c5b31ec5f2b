import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { QUERY_NAMES, SEARCH_ATTRIBUTES, type PausedWorkflow } from '@resumable/protocol';
import { createInMemoryBus } from '@resumable/sse-publisher';
import { useServerHarness, type Harness, type ServerInstance } from './harness';
import { orderTask } from './workflows';

const APPROVED = 'order.approved';
const PAID = 'payment-service.payments.trigger.completed';

describe('triggers reach executions the paused list missed', () => {
  let harness: Harness;
  let instance: ServerInstance;
  // The worker publishes to a bus the server never hears: no pause message arrives,
  // no start-up rebuild and no resync repairs the list. Only visibility knows.
  useServerHarness(
    (h, i) => {
      harness = h;
      instance = i;
    },
    { harness: { workerBus: createInMemoryBus() }, server: { recoverPausedOnStart: false, pausedResyncMs: 0 } },
  );

  const run = `${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;

  async function startOrder(name: string): Promise<WorkflowHandle<typeof orderTask>> {
    const workflowId = `fallback-${name}-${run}`;
    return harness.client.workflow.start(orderTask, {
      taskQueue: harness.taskQueue,
      workflowId,
      args: [{ orderId: workflowId }],
    });
  }

  async function pausedNow(handle: WorkflowHandle): Promise<PausedWorkflow> {
    await expect.poll(() => handle.query<PausedWorkflow | null>(QUERY_NAMES.pause), { timeout: 20_000 }).not.toBeNull();
    return (await handle.query<PausedWorkflow | null>(QUERY_NAMES.pause))!;
  }

  /** Waits until visibility lists the execution as waiting for `event` (eventually consistent, not the code under test). */
  async function indexed(handle: WorkflowHandle, event: string): Promise<void> {
    const query = `${SEARCH_ATTRIBUTES.waitingFor.name} = '${event}' AND WorkflowId = '${handle.workflowId}' AND ExecutionStatus = 'Running'`;
    const listed = async () => {
      const ids: string[] = [];
      for await (const info of harness.client.workflow.list({ query })) ids.push(info.workflowId);
      return ids;
    };
    await expect.poll(listed, { timeout: 20_000, interval: 200 }).toEqual([handle.workflowId]);
  }

  async function trigger(token: string, body: Record<string, unknown>) {
    const response = await fetch(`${instance.baseUrl}/workflow/triggers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { delivered: string[]; failed: unknown[] } };
  }

  async function signalsOf(handle: WorkflowHandle): Promise<number> {
    const history = await handle.fetchHistory();
    return history.events?.filter((event) => event.workflowExecutionSignaledEventAttributes).length ?? 0;
  }

  it('delivers at once to a pause whose message was lost, honours the correlation key, and signals each execution once', async () => {
    const lost = await startOrder('lost');
    const known = await startOrder('known');
    const outOfScope = await startOrder('out-of-scope');
    for (const handle of [lost, known, outOfScope]) {
      await pausedNow(handle);
      await indexed(handle, APPROVED);
    }
    // `known` reached the registry as its pause message would have; the others did not.
    instance.server.pausedRegistry.add(await pausedNow(known));
    expect(instance.server.pausedRegistry.has(lost.workflowId)).toBe(false);
    expect(instance.server.pausedRegistry.has(outOfScope.workflowId)).toBe(false);

    const token = await harness.token([lost.workflowId, known.workflowId], ['trigger']);
    // Visibility may match a keyword list loosely (SQLite full-text search): the exact pause decides.
    expect(await trigger(token, { event: 'order' })).toMatchObject({ status: 200, body: { delivered: [] } });
    const approved = await trigger(token, { event: APPROVED, payload: { by: 'ops' } });
    expect(approved.status).toBe(200);
    // Visibility lists `known` too: deduplicated with what the registry delivered.
    expect(approved.body).toEqual({
      event: APPROVED,
      delivered: [known.workflowId, lost.workflowId].sort(),
      failed: [],
    });
    expect(await signalsOf(known)).toBe(1);
    expect(await signalsOf(lost)).toBe(1);
    // The token did not cover it: still waiting, never signalled.
    expect(await signalsOf(outOfScope)).toBe(0);
    expect((await outOfScope.query<PausedWorkflow | null>(QUERY_NAMES.pause))?.pausedAt).toBe('wait-approval');

    // `lost` now waits for payment with its order id as correlation key (not indexed:
    // the exact pause decides). The wrong key reaches nobody, the right one resumes it.
    await expect.poll(async () => (await pausedNow(lost)).pausedAt, { timeout: 20_000 }).toBe('wait-payment');
    await indexed(lost, PAID);
    expect(await trigger(token, { event: PAID, correlation: 'another-order' })).toMatchObject({
      status: 200,
      body: { delivered: [] },
    });
    expect(await trigger(token, { event: PAID })).toMatchObject({ status: 200, body: { delivered: [] } });
    expect(await trigger(token, { event: PAID, correlation: lost.workflowId })).toMatchObject({
      status: 200,
      body: { delivered: [lost.workflowId], failed: [] },
    });
    await expect(lost.result()).resolves.toEqual(['resumed', 'resumed']);

    await known.terminate('test done');
    await outOfScope.terminate('test done');
  });

  it('answers event names that need quoting in a visibility query', async () => {
    const token = await harness.token('*', ['trigger']);
    for (const event of [`it's a \\ test ${run}`, `a "quoted" event ${run}`]) {
      expect(await trigger(token, { event })).toEqual({ status: 200, body: { event, delivered: [], failed: [] } });
    }
  });
});
