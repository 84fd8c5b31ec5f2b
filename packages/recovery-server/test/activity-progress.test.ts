/**
 * Progress from activities, end to end on the real dev server: an activity run with
 * `log.proxyActivities()` reports progress (live, through the bus, no history), fails
 * its first attempt and is retried. A client following the stream sees every report
 * and every durable fact once; a client that connects while the retry runs gets the
 * durable facts exactly once, then the newest progress of the running attempt only.
 */
import { ACTIVITY_EVENTS, type WorkflowUpdate } from '@resumable/protocol';
import { createActivityProgress } from '@resumable/workflow-state/worker';
import { createInMemoryBus } from '@resumable/sse-publisher';
import { describe, expect, it } from 'vitest';
import * as activities from './activities';
import { useServerHarness, type Harness, type ServerInstance } from './harness';
import { StreamFollower } from './sse-client';
import { importTask } from './workflows';

const bus = createInMemoryBus();

const facts = (updates: readonly WorkflowUpdate[]) =>
  updates
    .filter((u) => u.type.startsWith('activity.'))
    .map((u) => `${u.type}#${(u.data as { attempt: number }).attempt}`);

describe('progress from activities', () => {
  let harness: Harness;
  let instance: ServerInstance;
  useServerHarness(
    (h, i) => {
      harness = h;
      instance = i;
    },
    {
      harness: {
        bus,
        worker: { activities, interceptors: { activity: [createActivityProgress({ bus }).interceptor] } },
      },
    },
  );

  it('streams attempt-aware progress live, and a late client gets the facts once and the running attempt’s newest report', async () => {
    const id = `import-${Date.now()}`;
    const token = await harness.token([id]);
    const handle = await harness.client.workflow.start(importTask, {
      taskQueue: harness.taskQueue,
      workflowId: id,
      args: [{ key: id }],
    });
    const early = new StreamFollower(`${instance.baseUrl}/temporal/stream/${id}`, token);
    await expect.poll(() => early.record.connected.length, { timeout: 10_000 }).toBe(1);
    // Attempt 1 waits for this, so the early client is there for its first report.
    activities.gates.open(id);
    // Attempt 2 is held after its 2nd report.
    await expect.poll(() => early.record.progress.filter((p) => p.attempt === 2).length, { timeout: 15_000 }).toBe(2);
    await expect
      .poll(() => facts(early.record.updates), { timeout: 10_000 })
      .toEqual([`${ACTIVITY_EVENTS.started}#1`, `${ACTIVITY_EVENTS.retrying}#1`, `${ACTIVITY_EVENTS.started}#2`]);
    expect(early.record.progress.map((p) => `${p.attempt}.${p.counter}`)).toEqual(['1.1', '1.2', '1.3', '2.1', '2.2']);
    expect(new Set(early.record.progress.map((p) => p.activityId))).toEqual(new Set(['importFile-1']));

    // A client that arrives now: the durable facts from the log, then where the running attempt stands.
    const late = new StreamFollower(`${instance.baseUrl}/temporal/stream/${id}`, token);
    await expect.poll(() => late.record.progress.length, { timeout: 10_000 }).toBe(1);
    expect(late.record.progress[0]).toMatchObject({
      activityId: 'importFile-1',
      attempt: 2,
      counter: 2,
      data: { step: 2, of: 3 },
    });
    expect(facts(late.record.updates)).toEqual(facts(early.record.updates));

    activities.gates.open(id);
    expect(await handle.result()).toBe('imported on attempt 2');
    const [first, second] = await Promise.all([early.done, late.done]);
    const expected = [
      `${ACTIVITY_EVENTS.started}#1`,
      `${ACTIVITY_EVENTS.retrying}#1`,
      `${ACTIVITY_EVENTS.started}#2`,
      `${ACTIVITY_EVENTS.completed}#2`,
    ];
    expect(facts(first.updates)).toEqual(expected);
    expect(facts(second.updates)).toEqual(expected);
    expect(first.progress.map((p) => `${p.attempt}.${p.counter}`)).toEqual(['1.1', '1.2', '1.3', '2.1', '2.2', '2.3']);
    expect(second.progress.map((p) => `${p.attempt}.${p.counter}`)).toEqual(['2.2', '2.3']);
  });
});
