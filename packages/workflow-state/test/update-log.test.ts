import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import {
  MAX_UPDATES_PAGE,
  QUERY_NAMES,
  type UpdatesPage,
  type WorkflowState,
  type WorkflowUpdate,
} from '@resumable/protocol';
import { DEFAULT_LIMITS, updatesSinceQuery, workflowStateQuery } from '../src/index';
import { useWorkflowHarness } from './harness';
import { compacting, emitMany, misuse, proceedSignal } from './workflows';

/** Reads the whole log through getUpdatesSince, page by page, checking each page. */
async function readAllPages(
  handle: WorkflowHandle,
  limit: number,
): Promise<{ updates: WorkflowUpdate[]; pages: UpdatesPage[] }> {
  const updates: WorkflowUpdate[] = [];
  const pages: UpdatesPage[] = [];
  let since = 0;
  for (;;) {
    const page = await handle.query(updatesSinceQuery, since, limit);
    pages.push(page);
    expect(page.updates.length).toBeLessThanOrEqual(Math.min(limit, MAX_UPDATES_PAGE));
    updates.push(...page.updates);
    if (!page.hasMore) break;
    expect(page.updates.length).toBeGreaterThan(0);
    since = page.updates.at(-1)!.sequence;
  }
  return { updates, pages };
}

function expectContiguous(updates: WorkflowUpdate[], from: number, to: number, taskId: string): void {
  expect(updates.map((update) => update.sequence)).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i));
  for (const update of updates) expect(update.id).toBe(`${taskId}:${update.sequence}`);
  for (let i = 1; i < updates.length; i++) {
    expect(updates[i]!.timestamp).toBeGreaterThanOrEqual(updates[i - 1]!.timestamp);
  }
}

describe('the update log on a real worker', () => {
  const harness = useWorkflowHarness();

  it('holds 1,000 emits as sequences 1..1000 and pages them while running and after completion', async () => {
    const workflowId = `emit-many-${Date.now()}`;
    const handle = await harness.client.workflow.start(emitMany, {
      taskQueue: harness.worker.taskQueue,
      workflowId,
      args: [{ count: 1000, batch: 250, holdAfter: 500, holdAtEnd: true }],
    });

    // Half-way, running: the log has 1..500 and says so.
    await expect.poll(async () => (await handle.query(workflowStateQuery)).lastSequence, { timeout: 20_000 }).toBe(500);
    const half = await readAllPages(handle, 128);
    expectContiguous(half.updates, 1, 500, workflowId);
    expect(half.pages.map((page) => page.updates.length)).toEqual([128, 128, 128, 116]);
    expect(half.pages.every((page) => page.status === 'IN_PROGRESS' && page.lastSequence === 500)).toBe(true);
    expect(half.pages.at(-1)!.hasMore).toBe(false);

    await handle.signal(proceedSignal);
    await expect
      .poll(async () => (await handle.query(workflowStateQuery)).lastSequence, { timeout: 20_000 })
      .toBe(1000);

    const running = await handle.query(workflowStateQuery);
    expect(running.taskId).toBe(workflowId);
    expect(running.status).toBe('IN_PROGRESS');
    expect(running.firstSequence).toBe(1);
    expectContiguous(running.updates, 1, 1000, workflowId);
    expect(
      running.updates.every(
        (update) => update.type === 'step' && (update.data as { index: number }).index === update.sequence,
      ),
    ).toBe(true);
    expect(running.startTime).toBeLessThanOrEqual(running.updates[0]!.timestamp);

    // Paging from the middle while running.
    const middle = await handle.query(updatesSinceQuery, 700, 300);
    expect(middle.updates.map((update) => update.sequence)).toEqual(Array.from({ length: 300 }, (_, i) => 701 + i));
    expect(middle.hasMore).toBe(false);
    const partial = await handle.query(updatesSinceQuery, 700, 299);
    expect(partial.hasMore).toBe(true);

    await handle.signal(proceedSignal);
    await expect(handle.result()).resolves.toEqual({ lastSequence: 1000 });

    // After completion: queries still answer, from the closed workflow's state.
    const done = await handle.query<WorkflowState>(QUERY_NAMES.state);
    expect(done.status).toBe('DONE');
    expectContiguous(done.updates, 1, 1000, workflowId);
    const after = await readAllPages(handle, 10_000);
    expect(after.pages.map((page) => page.updates.length)).toEqual([MAX_UPDATES_PAGE, MAX_UPDATES_PAGE]);
    expectContiguous(after.updates, 1, 1000, workflowId);
    expect(after.pages.every((page) => page.status === 'DONE' && page.lastSequence === 1000)).toBe(true);
    expect(after.updates).toEqual(done.updates);

    const beyond = await handle.query(updatesSinceQuery, 1000);
    // The epoch is the run that began the log: this workflow's only run.
    const { runId } = await handle.describe();
    expect(beyond).toEqual({
      taskId: workflowId,
      status: 'DONE',
      lastSequence: 1000,
      updates: [],
      hasMore: false,
      epoch: runId,
    });
    expect(done.epoch).toBe(runId);
  });

  it('refuses bad getUpdatesSince arguments with a clear error and keeps answering', async () => {
    const handle = await harness.client.workflow.start(emitMany, {
      taskQueue: harness.worker.taskQueue,
      workflowId: `bad-args-${Date.now()}`,
      args: [{ count: 3, batch: 10 }],
    });
    await handle.result();
    await expect(handle.query(updatesSinceQuery, -1)).rejects.toThrow(/sinceSequence must be a non-negative integer/);
    await expect(handle.query(QUERY_NAMES.updatesSince, '2')).rejects.toThrow(
      /sinceSequence must be a non-negative integer/,
    );
    await expect(handle.query(updatesSinceQuery, 0, 0)).rejects.toThrow(/limit must be a positive integer/);
    await expect(handle.query(updatesSinceQuery, 0, 1.5)).rejects.toThrow(/limit must be a positive integer/);
    const page = await handle.query(updatesSinceQuery, 1);
    expect(page.updates.map((update) => update.sequence)).toEqual([2, 3]);
  });

  it('keeps getWorkflowState and pages under the byte budget, stating firstSequence', async () => {
    // 3,000 updates of ~1 KiB: ~3 MiB in all, far more than one answer may carry.
    const handle = await harness.client.workflow.start(emitMany, {
      taskQueue: harness.worker.taskQueue,
      workflowId: `big-${Date.now()}`,
      args: [{ count: 3000, batch: 1000, padding: 1000 }],
    });
    await handle.result();
    const state = await handle.query(workflowStateQuery);
    const bytes = Buffer.byteLength(JSON.stringify(state.updates));
    // Under the 384 KiB default (the array's commas aside) and Temporal's 512 KB warning.
    expect(bytes).toBeLessThanOrEqual(DEFAULT_LIMITS.stateBytes + state.updates.length);
    expect(state.lastSequence).toBe(3000);
    expect(state.updates.at(-1)!.sequence).toBe(3000);
    expect(state.firstSequence).toBe(state.updates[0]!.sequence);
    expect(state.firstSequence).toBeGreaterThan(1);
    // What the state left out is still there to page.
    const older = await handle.query(updatesSinceQuery, 0, MAX_UPDATES_PAGE);
    expect(older.updates[0]!.sequence).toBe(1);
    expect(older.hasMore).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(older.updates))).toBeLessThanOrEqual(
      DEFAULT_LIMITS.pageBytes + older.updates.length,
    );
    expect(older.updates.length).toBeLessThan(MAX_UPDATES_PAGE);
  });

  it('compacts old updates into a snapshot and says where the log starts', async () => {
    const handle = await harness.client.workflow.start(compacting, {
      taskQueue: harness.worker.taskQueue,
      workflowId: `compact-${Date.now()}`,
      args: [{ count: 260, keep: 100 }],
    });
    const { firstSequence } = await handle.result();
    const state = await handle.query(workflowStateQuery);
    expect(state.lastSequence).toBe(260);
    expect(state.firstSequence).toBe(firstSequence);
    expect(state.updates[0]!.sequence).toBe(firstSequence);
    expect(state.updates.length).toBeGreaterThanOrEqual(100);
    expect(state.updates.length).toBeLessThanOrEqual(125);
    expect(state.snapshot).toEqual({ folded: firstSequence - 1, lastFolded: firstSequence - 1 });
    const fromZero = await handle.query(updatesSinceQuery, 0, 10);
    expect(fromZero.updates[0]!.sequence).toBe(firstSequence);
  });

  it.each([
    ['reserved-type', /"workflow.paused" is written by the pause helper only/],
    ['bad-timeout', /pause timeout must be a positive number/],
    ['double-pause', /already waits at "first"/],
    ['oversized', /Update "blob" is \d+ bytes as JSON; the limit is 131072/],
    ['oversized-pause', /pause: waitingFor is \d+ bytes as a search attribute; Temporal's limit per value is 2048/],
  ] as const)('misuse %s fails the workflow task with a clear message', async (kind, message) => {
    const handle = await harness.client.workflow.start(misuse, {
      taskQueue: harness.worker.taskQueue,
      workflowId: `misuse-${kind}-${Date.now()}`,
      args: [kind],
    });
    try {
      const failure = async () =>
        (await handle.fetchHistory()).events?.find((event) => event.workflowTaskFailedEventAttributes)
          ?.workflowTaskFailedEventAttributes?.failure?.message ?? null;
      await expect.poll(failure, { timeout: 20_000, interval: 200 }).toMatch(message);
    } finally {
      await handle.terminate('test done');
    }
  });
});
