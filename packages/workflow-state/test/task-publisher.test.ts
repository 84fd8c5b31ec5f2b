/**
 * `createTaskPublisher` on a real worker and dev server: updates from outside the
 * workflow land in its log in the order they were published, batched into few
 * signals; a batch delivered twice is appended once; bad updates are skipped, not fatal.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowState } from '@resumable/protocol';
import { describe, expect, it } from 'vitest';
import { createTaskPublisher } from '../src/client/index';
import { publishSignal } from '../src/index';
import { useWorkflowHarness } from './harness';
import { listening, proceedSignal } from './workflows';

describe('createTaskPublisher', () => {
  const harness = useWorkflowHarness();

  async function start() {
    return harness.client.workflow.start(listening, {
      taskQueue: harness.worker.taskQueue,
      workflowId: `listening-${randomUUID()}`,
    });
  }
  const logOf = async (handle: Awaited<ReturnType<typeof start>>) =>
    (await handle.query<WorkflowState>('getWorkflowState')).updates;
  const signalsIn = async (handle: Awaited<ReturnType<typeof start>>) =>
    (await handle.fetchHistory()).events?.filter(
      (event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'resumable.publish',
    ).length;

  it('appends what two tasks were sent, each in publish order, in batches of at most maxBatch', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    const publisher = createTaskPublisher({ client: harness.client, maxBatch: 100 });
    const sent: Promise<void>[] = [];
    for (let n = 1; n <= 250; n++) {
      sent.push(publisher.publish(a.workflowId, 'step', { index: n }));
      if (n % 5 === 0) sent.push(publisher.publish(b.workflowId, 'step', { index: n / 5 }));
    }
    await Promise.all(sent);
    const logA = await logOf(a);
    const logB = await logOf(b);
    expect(logA.map((u) => (u.data as { index: number }).index)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(logA.map((u) => u.sequence)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(logB.map((u) => (u.data as { index: number }).index)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // 250 updates of one task: three signals (100, 100, 50), not 250.
    expect(await signalsIn(a)).toBe(3);
    expect(await signalsIn(b)).toBe(1);
    await Promise.all([a.signal(proceedSignal), b.signal(proceedSignal)]);
  });

  it('appends a batch delivered twice once, and skips what the log refuses', async () => {
    const handle = await start();
    const batch = {
      key: 'webhook-1',
      updates: [
        { type: 'step', data: { index: 1 } },
        { type: 'workflow.paused', data: { sneaky: true } },
        { type: 'step', data: { index: 2 } },
      ],
    };
    await handle.signal(publishSignal, batch);
    await handle.signal(publishSignal, batch);
    await handle.signal(publishSignal, { key: 'webhook-2', updates: [{ type: 'step', data: { index: 3 } }] });
    await expect
      .poll(async () => (await logOf(handle)).map((u) => `${u.type}:${(u.data as { index: number }).index}`))
      .toEqual(['step:1', 'step:2', 'step:3']);
    await handle.signal(proceedSignal);
    expect(await handle.result()).toBe(3);
  });

  it('rejects a publish to a task that does not exist, and bad arguments', async () => {
    const publisher = createTaskPublisher({ client: harness.client });
    await expect(publisher.publish(`missing-${randomUUID()}`, 'step', {})).rejects.toThrow(/not found/i);
    await expect(publisher.publish('', 'step', {})).rejects.toMatchObject({ code: 'INVALID_PARAMETER' });
    expect(() => createTaskPublisher({} as never)).toThrow(/Temporal Client/);
  });
});
