/**
 * Issue 12 in the example app, in Chromium against `next start` and the example worker:
 * the merge activity's attempts and live progress on the task card (a retried attempt
 * starts its bar over), the task page painted on the server (item 4), and a recovery
 * page's size on the wire as the browser measured it (item 3).
 */
import type { WorkflowState } from '@resumable/protocol';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startE2e, type E2e } from './harness';

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
});

afterAll(async () => {
  await e2e?.close();
});

describe('the example task', () => {
  it('shows the merge attempts with a live bar that starts over on the retry, then the page painted on the server', async () => {
    onTestFailed(() => {
      console.error(`--- app, worker and browser output (last 80 lines) ---\n${e2e.logs.slice(-80).join('\n')}`);
    });
    const page = await e2e.newPage('/tasks');
    // Every state the activity line goes through, recorded in the page as it changes.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { activitySeen: string[] }).activitySeen = seen;
      new MutationObserver(() => {
        for (const line of document.querySelectorAll<HTMLElement>('[data-testid=activity]')) {
          const state = `${line.dataset.attempt}:${line.dataset.status}:${line.dataset.percent}`;
          if (seen.at(-1) !== state) seen.push(state);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.getByTestId('new-task').click();
    const card = page.locator('[data-testid=task-card][data-task-id^="task-"]');
    await card.waitFor();
    const taskId = (await card.getAttribute('data-task-id')) as string;
    const handle = e2e.client.workflow.getHandle(taskId);
    expect(await handle.result()).toBe('MERGED');
    await expect.poll(() => card.getAttribute('data-task-status'), { timeout: 30_000 }).toBe('MERGED');
    // Completed: the line is gone.
    await expect.poll(() => card.getByTestId('activity').count()).toBe(0);
    const seen = await page.evaluate(() => (window as unknown as { activitySeen: string[] }).activitySeen);
    const percent = (state: string) => Number(state.split(':')[2]);
    const firstRun = seen.filter((state) => state.startsWith('1:running:'));
    const retry = seen.findIndex((state) => state.startsWith('1:retrying:'));
    const secondRun = seen.slice(retry + 1).filter((state) => state.startsWith('2:running:'));
    // Attempt 1's bar moved, the failure showed, and attempt 2's bar began again below where 1 stopped.
    expect(Math.max(...firstRun.map(percent))).toBeGreaterThanOrEqual(10);
    expect(retry).toBeGreaterThan(-1);
    expect(secondRun.length).toBeGreaterThan(0);
    expect(percent(secondRun[0]!)).toBeLessThan(Math.max(...firstRun.map(percent)));
    const log = await handle.query<WorkflowState>('getWorkflowState');
    expect(
      log.updates
        .filter((u) => u.type.startsWith('activity.'))
        .map((u) => `${u.type}#${(u.data as { attempt: number }).attempt}`),
    ).toEqual(['activity.started#1', 'activity.retrying#1', 'activity.started#2', 'activity.completed#2']);

    // The task's page, in this user's session: its HTML (before any script runs) already holds the whole log.
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const url = `${e2e.stack.appUrl}/tasks/${encodeURIComponent(taskId)}`;
    const html = await (await fetch(url, { headers: { cookie } })).text();
    // Another session's HTML holds none of it.
    const stranger = await (await fetch(url)).text();
    expect(stranger).toContain('Painted in the browser from the stream');
    expect(stranger).not.toContain('data-seq="1"');
    expect(html).toContain(`Painted on the server with ${log.updates.length} update(s) (through #${log.lastSequence})`);
    for (const update of log.updates) expect(html).toContain(`data-seq="${update.sequence}"`);
    // In the same browser session: the app grants tokens for the tasks a session started.
    const history = page;
    await history.goto(`${e2e.stack.appUrl}/tasks/${encodeURIComponent(taskId)}`);
    const list = history.getByTestId('updates');
    await expect.poll(() => list.locator('li[data-seq]').count()).toBe(log.updates.length);

    // A recovery page as the browser measured it: compressed on the wire.
    // The HTML is there before hydration: click until the button answers.
    const wire = history.getByTestId('wire-size');
    await expect
      .poll(
        async () => {
          await history.getByTestId('measure-page').click();
          await history.waitForTimeout(300);
          return wire.textContent();
        },
        { timeout: 20_000 },
      )
      .toMatch(/bytes on the wire/);
    const [, updates, encoded, coding, decoded] =
      /(\d+) update\(s\): ([\d,]+) bytes on the wire \((\w+)\), ([\d,]+) bytes as JSON/.exec(
        (await wire.textContent()) ?? '',
      ) ?? [];
    expect(Number(updates)).toBe(log.updates.length);
    expect(coding).not.toBe('identity');
    expect(Number(encoded?.replace(/,/g, ''))).toBeLessThan(Number(decoded?.replace(/,/g, '')));
    await e2e.screenshot(history, 'task-page');
  });
});
