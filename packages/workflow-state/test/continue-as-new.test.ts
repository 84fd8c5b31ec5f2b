import { describe, expect, it } from 'vitest';
import type { WorkflowUpdate } from '@resumable/protocol';
import { updatesSinceQuery, workflowStateQuery } from '../src/index';
import { useWorkflowHarness } from './harness';
import { continuing, lateEmitSignal } from './workflows';

describe('continue-as-new on a real worker', () => {
  const harness = useWorkflowHarness();
  const { bus } = harness;

  it('keeps one contiguous sequence across two continue-as-new, visible by workflow id', async () => {
    const workflowId = `continuing-${Date.now()}`;
    const handle = await harness.client.workflow.start(continuing, {
      taskQueue: harness.worker.taskQueue,
      workflowId,
      args: [{ perRun: 40, runs: 3 }],
    });
    const firstRunId = handle.firstExecutionRunId;
    // result() follows the chain of runs to the last one.
    await expect(handle.result()).resolves.toEqual({ lastSequence: 120, runs: 3 });

    // Three runs of one workflow id (visibility is eventually consistent).
    const runIds = async () => {
      const ids = new Set<string>();
      for await (const execution of harness.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
        ids.add(execution.runId);
      return ids.size;
    };
    await expect.poll(runIds, { timeout: 20_000, interval: 250 }).toBe(3);

    // A handle by workflow id alone reaches the latest run, which holds everything.
    const byId = harness.client.workflow.getHandle(workflowId);
    const state = await byId.query(workflowStateQuery);
    expect(state.taskId).toBe(workflowId);
    expect(state.status).toBe('DONE');
    expect(state.firstSequence).toBe(1);
    expect(state.updates.map((update) => update.sequence)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(state.updates.map((update) => update.id)).toEqual(
      state.updates.map((update) => `${workflowId}:${update.sequence}`),
    );
    expect(state.updates.map((update) => (update.data as { note: string }).note)).toEqual([
      ...Array<string>(40).fill('run 1'),
      ...Array<string>(40).fill('run 2'),
      ...Array<string>(40).fill('run 3'),
    ]);
    for (let i = 1; i < state.updates.length; i++) {
      expect(state.updates[i]!.timestamp).toBeGreaterThanOrEqual(state.updates[i - 1]!.timestamp);
    }

    // One log across the chain: its epoch is the first run's id, carried by every run.
    expect(state.epoch).toBe(firstRunId);
    expect((await byId.query(updatesSinceQuery, 0, 1)).epoch).toBe(firstRunId);

    // The start time is the first run's, not the last run's.
    const first = await harness.client.workflow.getHandle(workflowId, firstRunId).describe();
    expect(state.startTime).toBe(first.startTime.getTime());

    const page = await byId.query(updatesSinceQuery, 70, 20);
    expect(page.updates.map((update) => update.sequence)).toEqual(Array.from({ length: 20 }, (_, i) => 71 + i));
    expect(page.hasMore).toBe(true);

    // The earlier runs answer for the part of the log they held when they closed.
    const firstRunState = await harness.client.workflow.getHandle(workflowId, firstRunId).query(workflowStateQuery);
    expect(firstRunState.lastSequence).toBe(40);

    // The live path saw all 120, numbered the same way.
    expect(new Set(bus.sequencesOf(workflowId))).toEqual(
      new Set(state.updates.map((update: WorkflowUpdate) => update.sequence)),
    );
  });

  it('waits for running handlers before continuing, so their updates are carried', async () => {
    const workflowId = `continuing-late-${Date.now()}`;
    const handle = await harness.client.workflow.start(continuing, {
      taskQueue: harness.worker.taskQueue,
      workflowId,
      args: [{ perRun: 5, runs: 2, lateHandler: true }],
    });
    await handle.signal(lateEmitSignal, 'from handler');
    await expect(handle.result()).resolves.toEqual({ lastSequence: 11, runs: 2 });
    const state = await harness.client.workflow.getHandle(workflowId).query(workflowStateQuery);
    expect(state.updates.map((update) => [update.sequence, (update.data as { note: string }).note])).toEqual([
      [1, 'run 1'],
      [2, 'run 1'],
      [3, 'run 1'],
      [4, 'run 1'],
      [5, 'run 1'],
      [6, 'from handler'],
      [7, 'run 2'],
      [8, 'run 2'],
      [9, 'run 2'],
      [10, 'run 2'],
      [11, 'run 2'],
    ]);
  });
});
