/**
 * Epochs: a stream follows one log. When the workflow is reset (a new run re-executes
 * from the start and writes a new log at the same sequences) or its log is compacted
 * past a client's position, the stream says so (`reset`) and the client ends with
 * exactly the log the workflow holds now: never two histories mixed, never a gap it
 * waits on forever. Real dev server, real worker, and the real Temporal CLI for the reset.
 */
import type { ConnectedEventData, UpdatesPage, WorkflowState, WorkflowUpdate } from '@resumable/protocol';
import { queryPatiently, resetWithCli } from '@resumable/temporal-dev/vitest';
import { describe, expect, it } from 'vitest';
import { useServerHarness, type Harness, type ServerInstance } from './harness';
import { StreamFollower, range } from './sse-client';
import { compactingTask, emitMore, finish, runTaggedTask } from './workflows';

let seq = 0;
const taskId = (name: string) => `epoch-${name}-${Date.now()}-${++seq}`;
const runs = (updates: readonly WorkflowUpdate[]) => new Set(updates.map((u) => (u.data as { run: string }).run));

describe('epochs', () => {
  let harness: Harness;
  let instance: ServerInstance;
  useServerHarness((h, i) => {
    harness = h;
    instance = i;
  });

  it('a workflow reset with the Temporal CLI mid-stream: the client is told, and ends with exactly the new log', async () => {
    const id = taskId('reset');
    const handle = await harness.client.workflow.start(runTaggedTask, {
      taskQueue: harness.taskQueue,
      workflowId: id,
      args: [{ initial: 5 }],
    });
    const token = await harness.token([id]);
    const follower = new StreamFollower(`${instance.baseUrl}/temporal/stream/${id}`, token);
    await handle.signal(emitMore, 3);
    await expect.poll(() => follower.record.updates.length, { timeout: 10_000 }).toBe(8);
    const oldRun = (await handle.describe()).runId;
    expect(runs(follower.record.updates)).toEqual(new Set([oldRun]));
    expect(follower.record.connected[0]?.epoch).toBe(oldRun);

    // Reset to the first workflow task: a new run re-executes from the start (the signal
    // is applied again), writing sequences 1 … 8 again, with other content.
    await resetWithCli(id);
    const newRun = (await harness.client.workflow.getHandle(id).describe()).runId;
    expect(newRun).not.toBe(oldRun);
    const byId = harness.client.workflow.getHandle(id);
    await byId.signal(emitMore, 2);
    await byId.signal(finish);
    const record = await follower.done;

    const durable = (await queryPatiently<WorkflowState>(byId, 'getWorkflowState')).updates;
    expect(runs(durable)).toEqual(new Set([newRun]));
    // Exactly the new log, by content; nothing of the old run left.
    expect(record.updates).toEqual(durable);
    expect(record.resets).toEqual([{ epoch: newRun, base: 0, reason: 'epoch' }]);
    expect(record.connected.at(-1)).toMatchObject({
      epoch: newRun,
      resumeFrom: 0,
    } satisfies Partial<ConnectedEventData>);
    expect(record.end).toMatchObject({ status: 'DONE', lastSequence: durable.length });

    // A client that comes back later holding the old run's position is told the new epoch at once.
    const page = (await (
      await fetch(`${instance.baseUrl}/temporal/recovery/${id}?sinceSequence=0&limit=1`, {
        headers: { Authorization: `Bearer ${token}` },
      })
    ).json()) as UpdatesPage;
    expect(page.epoch).toBe(newRun);
  });

  it('a client resuming below a compacted log is told where the log now starts, then gets it whole', async () => {
    const id = taskId('compacted');
    const handle = await harness.client.workflow.start(compactingTask, {
      taskQueue: harness.taskQueue,
      workflowId: id,
      args: [{ keep: 20 }],
    });
    await handle.signal(emitMore, 60);
    const state = async () => queryPatiently<WorkflowState>(handle, 'getWorkflowState');
    await expect.poll(async () => (await state()).lastSequence, { timeout: 10_000 }).toBe(60);
    const { firstSequence = 1 } = await state();
    expect(firstSequence).toBeGreaterThan(4);
    const token = await harness.token([id]);
    // It had 1 … 3 when it left; the log has folded everything below `firstSequence` since.
    const follower = new StreamFollower(`${instance.baseUrl}/temporal/stream/${id}?lastEventId=3`, token);
    await handle.signal(finish);
    const record = await follower.done;
    const durable = await state();
    expect(record.resets).toEqual([{ epoch: durable.epoch, base: firstSequence - 1, reason: 'compacted' }]);
    expect(record.updates.map((u) => u.sequence)).toEqual(range(firstSequence, 61));
    expect(record.updates.slice(-durable.updates.length)).toEqual(durable.updates);
  });
});
