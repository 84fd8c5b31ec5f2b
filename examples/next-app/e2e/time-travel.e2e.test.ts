/**
 * Issue 12, item 6 in the example app: a task's page has a scrub bar over its log.
 * Dragging it (here: the keyboard, as a person without a mouse would) shows "Viewing
 * sequence N of M" and exactly the durable log's updates up to N, served by
 * `/api/temporal/recovery/:taskId/at/:sequence`; **Live** goes back to the stream.
 */
import type { WorkflowState } from '@resumable/protocol';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startE2e, type E2e } from './harness';

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
});

afterAll(async () => {
  await e2e?.close();
});

/** The sequences and types a list shows, top to bottom. */
function shown(list: Locator): Promise<{ sequence: number; type: string | undefined }[]> {
  return list.locator('li[data-seq]').evaluateAll((items) =>
    items.map((item) => ({
      sequence: Number((item as HTMLElement).dataset.seq),
      type: (item as HTMLElement).dataset.type,
    })),
  );
}

describe('the task page scrub bar (time travel)', () => {
  it('shows the task as of any sequence, and goes back to live', async () => {
    onTestFailed(() => {
      console.error(`--- app, worker and browser output (last 80 lines) ---\n${e2e.logs.slice(-80).join('\n')}`);
    });
    const page = await e2e.newPage('/tasks');
    await page.getByTestId('new-task').click();
    const card = page.locator('[data-testid=task-card][data-task-id^="task-"]');
    await card.waitFor();
    const taskId = (await card.getAttribute('data-task-id')) as string;
    await card.getByTestId('history-link').click();

    const history = page.locator(`[data-testid=task-history][data-task-id="${taskId}"]`);
    await history.waitFor();
    const label = history.getByTestId('time-travel-label');
    const list = history.getByTestId('updates');
    const scrub = history.getByTestId('scrub');
    // The sequence the list shows, or the page's error when the server refused it: a
    // failed poll then says why, not only that it never got there.
    const viewed = async () =>
      (await history.getByTestId('time-travel-error').count())
        ? `error: ${await history.getByTestId('time-travel-error').textContent()}`
        : await list.getAttribute('data-sequence');
    const handle = e2e.client.workflow.getHandle(taskId);

    // Live while the task runs: the page follows the stream.
    await history.locator('li[data-seq="4"]').waitFor({ timeout: 15_000 });
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(await label.textContent()).toMatch(/^Live: sequence \d+$/);

    // To the start: sequence 0, before the first update.
    await scrub.focus();
    await page.keyboard.press('Home');
    await expect.poll(viewed, { timeout: 10_000 }).toBe('0');
    expect(await label.textContent()).toMatch(/^Viewing sequence 0 of \d+$/);
    expect(await shown(list)).toEqual([]);

    // Three steps on: the log's first three updates, whatever the task did since.
    for (let step = 0; step < 3; step++) await page.keyboard.press('ArrowRight');
    await expect.poll(viewed, { timeout: 10_000 }).toBe('3');
    const log = await handle.query<WorkflowState>('getWorkflowState');
    expect(await label.textContent()).toMatch(/^Viewing sequence 3 of \d+$/);
    expect(await shown(list)).toEqual(log.updates.slice(0, 3).map(({ sequence, type }) => ({ sequence, type })));
    await e2e.screenshot(page, 'task-time-travel');

    // Still viewing the past while the task finishes; then the end of the log.
    expect(await handle.result()).toBe('MERGED');
    const final = await handle.query<WorkflowState>('getWorkflowState');
    expect(await list.getAttribute('data-sequence')).toBe('3');
    await expect.poll(() => scrub.getAttribute('max'), { timeout: 10_000 }).toBe(String(final.lastSequence));
    await page.keyboard.press('End');
    await expect.poll(viewed, { timeout: 10_000 }).toBe(String(final.lastSequence));
    expect(await label.textContent()).toBe(`Viewing sequence ${final.lastSequence} of ${final.lastSequence}`);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(viewed, { timeout: 10_000 }).toBe(String(final.lastSequence - 1));
    expect(await shown(list)).toEqual(
      final.updates.slice(0, final.lastSequence - 1).map(({ sequence, type }) => ({ sequence, type })),
    );

    // Live again: the whole log, as the stream delivered it.
    await history.getByTestId('live').click();
    expect(await label.textContent()).toBe(`Live: sequence ${final.lastSequence}`);
    expect(await list.getAttribute('data-sequence')).toBe('live');
    expect(await shown(list)).toEqual(final.updates.map(({ sequence, type }) => ({ sequence, type })));
    expect(await history.getByTestId('time-travel-error').count()).toBe(0);

    // Selective recovery beside it: the `?types=status` subscription shows exactly the
    // log's status updates, under their own sequences.
    const statusSequences = final.updates.filter((u) => u.type === 'status').map((u) => String(u.sequence));
    const changes = history.getByTestId('status-changes').locator('span[data-seq]');
    await expect
      .poll(() => changes.evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.seq)))
      .toEqual(statusSequences);
    // And the log's epoch: the run that began it, this workflow's only run.
    const { runId } = await handle.describe();
    expect(await history.getByTestId('epoch').locator('code').textContent()).toBe(runId);
  });
});
