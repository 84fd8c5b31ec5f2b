import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startE2e, type E2e } from './harness';

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
});

afterAll(async () => {
  await e2e?.close();
});

const figure = (text: string | null) => Number(/^\d+/.exec(text ?? '')?.[0] ?? Number.NaN);

describe('metrics page', () => {
  it('shows the open stream and the live lag of a running task', async () => {
    onTestFailed(() => {
      console.error(`--- app, worker and browser output (last 80 lines) ---\n${e2e.logs.slice(-80).join('\n')}`);
    });
    // A task on the board: its stream stays open while the metrics are read in another tab.
    const board = await e2e.newPage('/tasks');
    await board.getByTestId('new-task').click();
    const card = board.locator('[data-testid=task-card][data-task-id^="task-"]');
    await card.waitFor();
    // Updates that arrived live, after the stream was open (not in its catch-up).
    await card.locator('li[data-seq="3"]').waitFor({ timeout: 15_000 });

    const page = await e2e.newPage('/');
    await page.getByRole('link', { name: 'Metrics' }).click();
    await page.waitForURL('**/metrics');
    const value = (key: string) => page.getByTestId(`metric-${key}`).textContent();
    await expect.poll(async () => figure(await value('connections-open')), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(async () => figure(await value('live-lag-count')), { timeout: 10_000 }).toBeGreaterThan(0);
    // "p50 ms / p99 ms": both measured.
    expect(await value('live-lag')).toMatch(/^[\d.]+ ms \/ [\d.]+ ms$/);
    expect(figure(await value('catch-ups'))).toBeGreaterThan(0);
    // Nothing went wrong in this run.
    expect(await value('bus-errors')).toBe('0');
    expect(await value('slow-consumer-cuts')).toBe('0');
    await e2e.screenshot(page, 'metrics');
  });
});
