import { EventSource } from 'eventsource';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PausedInitialData, PausedWorkflow, WorkflowCancelledData } from '@resumable/protocol';
import { startServer, useServerHarness, type Harness, type ServerInstance } from './harness';
import { orderTask } from './workflows';

interface Seen {
  id: number;
  event: string;
  /** `paused.initial` carries the list, the other events one pause. */
  data: PausedInitialData & PausedWorkflow & Partial<WorkflowCancelledData>;
}

/** Follows the paused stream, keeping every event and the list it implies. */
function followPaused(url: string, token: string) {
  const events: Seen[] = [];
  const source = new EventSource(url, {
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), Authorization: `Bearer ${token}` },
      }),
  });
  for (const name of [
    'paused.initial',
    'workflow.paused',
    'workflow.resumed',
    'workflow.cancelled',
    'workflow.timeout',
  ]) {
    source.addEventListener(name, (event) =>
      events.push({ id: Number(event.lastEventId), event: name, data: JSON.parse(event.data) }),
    );
  }
  /** The list: the snapshot, then every later delta applied in order. */
  const list = () => {
    const map = new Map<string, PausedWorkflow>();
    for (const seen of events) {
      if (seen.event === 'paused.initial') {
        map.clear();
        for (const pause of seen.data.pausedWorkflows) map.set(pause.executionId, pause);
      } else if (seen.event === 'workflow.paused') map.set(seen.data.executionId, seen.data);
      else map.delete(seen.data.executionId);
    }
    return [...map.values()].map((pause) => `${pause.executionId}@${pause.pausedAt}`).sort();
  };
  return { events, list, close: () => source.close() };
}

describe('paused workflows', () => {
  let harness: Harness;
  let instance: ServerInstance;
  let token: string;
  const run = Date.now();
  const ids = { a: `order-a-${run}`, b: `order-b-${run}`, c: `order-c-${run}` };

  useServerHarness((h, i) => {
    harness = h;
    instance = i;
  });
  beforeAll(async () => {
    token = await harness.token('*', ['read', 'resume', 'cancel', 'trigger']);
  });

  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${instance.baseUrl}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('an Idempotency-Key makes a redelivered resume or cancel a no-op, answered as a success', async () => {
    const id = `order-key-${run}`;
    const handle = await harness.client.workflow.start(orderTask, {
      taskQueue: harness.taskQueue,
      workflowId: id,
      args: [{ orderId: id }],
    });
    const pauseName = async () =>
      (
        (await (
          await fetch(`${instance.baseUrl}/workflow/paused`, { headers: { Authorization: `Bearer ${token}` } })
        ).json()) as {
          pausedWorkflows: PausedWorkflow[];
        }
      ).pausedWorkflows.find((pause) => pause.executionId === id)?.pausedAt;
    await expect.poll(pauseName, { timeout: 10_000 }).toBe('wait-approval');

    const approve = { 'Idempotency-Key': 'approve-5d1e' };
    const first = await post(`/workflow/executions/${id}/resume`, { payload: 'ok' }, approve);
    expect([first.status, await first.json()]).toEqual([202, { executionId: id, action: 'resume', accepted: true }]);
    await expect.poll(pauseName, { timeout: 10_000 }).toBe('wait-payment');
    // Delivered again while the next pause waits: the workflow drops it, the pause stays.
    expect((await post(`/workflow/executions/${id}/resume`, { payload: 'ok' }, approve)).status).toBe(202);

    const stop = { 'Idempotency-Key': 'stop-77a0' };
    expect((await post(`/workflow/executions/${id}/cancel`, { reason: 'no' }, stop)).status).toBe(202);
    await expect(handle.result()).resolves.toEqual(['resumed', 'cancelled']);
    // The pause is gone because this key ended it: a success, flagged as a duplicate.
    const again = await post(`/workflow/executions/${id}/cancel`, { reason: 'no' }, stop);
    expect([again.status, await again.json()]).toEqual([
      202,
      { executionId: id, action: 'cancel', accepted: true, duplicate: true },
    ]);
    // A key that did nothing here is still a conflict, and a bad key a bad request.
    const fresh = await post(`/workflow/executions/${id}/cancel`, {}, { 'Idempotency-Key': 'never-applied' });
    expect([fresh.status, ((await fresh.json()) as { error: { code: string } }).error.code]).toEqual([
      409,
      'NOT_PAUSED',
    ]);
    const bad = await post(`/workflow/executions/${id}/cancel`, {}, { 'Idempotency-Key': 'bad key' });
    expect([bad.status, ((await bad.json()) as { error: { code: string } }).error.code]).toEqual([
      400,
      'INVALID_PARAMETER',
    ]);

    const history = await handle.fetchHistory();
    const signals = (history.events ?? []).map((event) => event.workflowExecutionSignaledEventAttributes?.signalName);
    expect(signals.filter(Boolean)).toEqual(['resumable.resume', 'resumable.resume', 'resumable.cancel']);
    const state = await harness.client.workflow
      .getHandle(id)
      .query<{ updates: { type: string }[] }>('getWorkflowState');
    expect(state.updates.map((update) => update.type).filter((type) => type.startsWith('workflow.'))).toEqual([
      'workflow.paused',
      'workflow.resumed',
      'workflow.paused',
      'workflow.cancelled',
    ]);
  });

  it('streams pause, resume, trigger, cancel and timeout in order; a late client gets a consistent snapshot', async () => {
    const early = followPaused(`${instance.baseUrl}/workflow/paused-stream`, token);
    await expect.poll(() => early.events.length, { timeout: 5_000 }).toBe(1);
    expect(early.events[0]?.event).toBe('paused.initial');

    const start = (workflowId: string, timeoutMs?: number) =>
      harness.client.workflow.start(orderTask, {
        taskQueue: harness.taskQueue,
        workflowId,
        args: [{ orderId: workflowId, ...(timeoutMs ? { timeoutMs } : {}) }],
      });
    const a = await start(ids.a);
    await expect.poll(early.list, { timeout: 10_000 }).toEqual([`${ids.a}@wait-approval`]);

    // Resume with a payload: A moves on and pauses for payment.
    expect((await post(`/workflow/executions/${ids.a}/resume`, { payload: { approvedBy: 'ada' } })).status).toBe(202);
    await expect.poll(early.list, { timeout: 10_000 }).toEqual([`${ids.a}@wait-payment`]);
    const resumed = early.events.find((e) => e.event === 'workflow.resumed');
    expect(resumed?.data).toMatchObject({
      executionId: ids.a,
      resumedFrom: 'wait-approval',
      payload: { approvedBy: 'ada' },
      // Who resumed it: the token's subject, as the workflow recorded it.
      resumedBy: 'tester',
    });

    const b = await start(ids.b);
    await expect
      .poll(early.list, { timeout: 10_000 })
      .toEqual([`${ids.a}@wait-payment`, `${ids.b}@wait-approval`].sort());

    // A client joining mid-flow.
    const late = followPaused(`${instance.baseUrl}/workflow/paused-stream`, token);
    await expect.poll(() => late.events.length, { timeout: 5_000 }).toBeGreaterThan(0);
    expect(late.list()).toEqual(early.list());
    const list = (await (
      await fetch(`${instance.baseUrl}/workflow/paused`, { headers: { Authorization: `Bearer ${token}` } })
    ).json()) as { pausedWorkflows: PausedWorkflow[] };
    expect(list.pausedWorkflows.map((p: PausedWorkflow) => p.executionId).sort()).toEqual([ids.a, ids.b].sort());

    // A trigger with the wrong correlation reaches nobody; the right one resumes A.
    const miss = (await (
      await post('/workflow/triggers', { event: 'payment-service.payments.trigger.completed', correlation: 'other' })
    ).json()) as { delivered: string[] };
    expect(miss.delivered).toEqual([]);
    const hit = (await (
      await post('/workflow/triggers', {
        event: 'payment-service.payments.trigger.completed',
        correlation: ids.a,
        payload: { paid: 42 },
      })
    ).json()) as { delivered: string[] };
    expect(hit.delivered).toEqual([ids.a]);
    await expect(a.result()).resolves.toEqual(['resumed', 'resumed']);

    expect((await post(`/workflow/executions/${ids.b}/cancel`, { reason: 'customer changed their mind' })).status).toBe(
      202,
    );
    await expect(b.result()).resolves.toEqual(['cancelled']);

    const c = await start(ids.c, 1_500);
    await expect(c.result()).resolves.toEqual(['timeout']);
    await expect.poll(early.list, { timeout: 10_000 }).toEqual([]);
    await expect.poll(late.list, { timeout: 10_000 }).toEqual([]);

    const mine = (seen: Seen[]) =>
      seen
        .filter((e) => e.event !== 'paused.initial' && Object.values(ids).includes(e.data.executionId))
        .map((e) => `${e.event} ${e.data.executionId}`);
    expect(mine(early.events)).toEqual([
      `workflow.paused ${ids.a}`,
      `workflow.resumed ${ids.a}`,
      `workflow.paused ${ids.a}`,
      `workflow.paused ${ids.b}`,
      `workflow.resumed ${ids.a}`,
      `workflow.cancelled ${ids.b}`,
      `workflow.paused ${ids.c}`,
      `workflow.timeout ${ids.c}`,
    ]);
    expect(early.events.find((e) => e.event === 'workflow.cancelled')?.data.reason).toBe('customer changed their mind');
    for (const stream of [early, late]) {
      const streamIds = stream.events.map((e) => e.id);
      expect(streamIds).toEqual([...streamIds].sort((x, y) => x - y));
      expect(new Set(streamIds).size).toBe(streamIds.length);
    }
    early.close();
    late.close();
  }, 60_000);

  it('a fresh server instance rebuilds the paused list from Temporal at start', async () => {
    const id = `order-restart-${Date.now()}`;
    const handle = await harness.client.workflow.start(orderTask, {
      taskQueue: harness.taskQueue,
      workflowId: id,
      args: [{ orderId: id }],
    });
    await expect.poll(() => instance.server.pausedRegistry.has(id), { timeout: 10_000 }).toBe(true);
    // Visibility is eventually consistent: a new instance finds the pause once it is indexed.
    await expect
      .poll(
        async () => {
          const fresh = await startServer(harness.client, { bus: harness.bus });
          try {
            return fresh.server.pausedRegistry.get(id)?.pausedAt ?? null;
          } finally {
            await fresh.close();
          }
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe('wait-approval');
    await handle.terminate('test done');
  });

  it('repairs the list from Temporal when the bus loses every pause message', async () => {
    const { createInMemoryBus } = await import('@resumable/sse-publisher');
    const serverBus = createInMemoryBus();
    // The worker's pause messages never arrive; its task updates do.
    const dropPauses = {
      publish: (message: Parameters<typeof serverBus.publish>[0]) =>
        message.kind === 'pause' ? Promise.resolve() : serverBus.publish(message),
      subscribe: serverBus.subscribe.bind(serverBus),
      close: serverBus.close.bind(serverBus),
    };
    const { startHarness } = await import('./harness');
    const lossy = await startHarness({ bus: serverBus, workerBus: dropPauses });
    const repaired = await startServer(lossy.client, { bus: serverBus, pausedResyncMs: 300 });
    try {
      const token = await lossy.token('*', ['read', 'resume']);
      const follower = followPaused(`${repaired.baseUrl}/workflow/paused-stream`, token);
      const id = `order-lossy-${Date.now()}`;
      const handle = await lossy.client.workflow.start(orderTask, {
        taskQueue: lossy.taskQueue,
        workflowId: id,
        args: [{ orderId: id }],
      });
      await expect.poll(follower.list, { timeout: 20_000, interval: 200 }).toContain(`${id}@wait-approval`);
      await handle.terminate('test done');
      await expect.poll(follower.list, { timeout: 20_000, interval: 200 }).not.toContain(`${id}@wait-approval`);
      expect(follower.events.some((e) => e.event === 'workflow.paused' && e.data.executionId === id)).toBe(true);
      follower.close();
    } finally {
      await repaired.close();
      await lossy.close();
    }
  }, 60_000);
});
