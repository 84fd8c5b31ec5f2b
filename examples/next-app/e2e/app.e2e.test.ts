import { WORKFLOWS } from '@resumable/example-worker/shared';
import type { WorkflowState, WorkflowUpdate } from '@resumable/protocol';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { temporalTestServer } from '@resumable/temporal-dev/vitest';
import { E2E_TEMPORAL_UI, startE2e, type E2e } from './harness';

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
});

afterAll(async () => {
  await e2e?.close();
});

/** On failure, show what the app, the worker and the browser said. */
function reportLogsOnFailure(): void {
  onTestFailed(() => {
    console.error(`--- app, worker and browser output (last 80 lines) ---\n${e2e.logs.slice(-80).join('\n')}`);
  });
}

/** The workflow's own log: the durable copy the page must match. */
function logOf(taskId: string): Promise<WorkflowState> {
  return e2e.client.workflow.getHandle(taskId).query<WorkflowState>('getWorkflowState');
}

/** The sequences a task card shows, top to bottom. */
function shownSequences(card: Locator): Promise<number[]> {
  return card
    .locator('li[data-seq]')
    .evaluateAll((items) => items.map((item) => Number((item as HTMLElement).dataset.seq)));
}

const range = (count: number) => Array.from({ length: count }, (_, index) => index + 1);

/** Where the app should link a workflow: its page in Temporal's web UI. */
const uiUrlOf = (workflowId: string) =>
  `${E2E_TEMPORAL_UI}/namespaces/${encodeURIComponent(temporalTestServer().namespace)}/workflows/${encodeURIComponent(workflowId)}`;

/**
 * Watches a task card from inside the page: at every DOM change its list must be
 * 1, 2, … k (nothing twice, nothing out of order), and the recovery indicator's
 * texts are recorded whenever it shows.
 */
async function watchCard(page: Page, taskId: string): Promise<void> {
  await page.evaluate((id) => {
    const seen = { recovering: [] as string[], violations: [] as string[], alarms: [] as string[] };
    const record = (list: string[], text: string | null | undefined) => {
      if (text && list[list.length - 1] !== text) list.push(text);
    };
    (window as unknown as { __watch: typeof seen }).__watch = seen;
    const check = () => {
      const card = document.querySelector(`[data-task-id="${id}"]`);
      if (!card) return;
      const indicator = card.querySelector('[data-testid=recovering]');
      if (indicator?.textContent) seen.recovering.push(indicator.textContent);
      // The connection-error banner, and the reconnecting notice's failure text: nothing in
      // this test (a deliberate cut, then Reconnect) should show either.
      record(seen.alarms, card.querySelector('[data-testid=connection-error]')?.textContent);
      record(seen.alarms, card.querySelector('[data-testid=reconnect-error]')?.textContent);
      const sequences = [...card.querySelectorAll('li[data-seq]')].map((item) =>
        Number((item as HTMLElement).dataset.seq),
      );
      if (sequences.some((sequence, index) => sequence !== index + 1)) seen.violations.push(sequences.join(','));
    };
    new MutationObserver(check).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  }, taskId);
}

interface Watched {
  recovering: string[];
  violations: string[];
  alarms: string[];
}

function watched(page: Page): Promise<Watched> {
  return page.evaluate(() => (window as unknown as { __watch: Watched }).__watch);
}

describe('task board', () => {
  it('shows updates live, keeps going through a cut connection, then shows every update once, in order', async () => {
    reportLogsOnFailure();
    const page = await e2e.newPage('/tasks');
    // An invoice runs beside the task, on its own stream.
    await page.getByTestId('new-invoice').click();
    const invoice = page.locator('[data-testid=task-card][data-task-id^="invoice-"]');
    await invoice.waitFor();
    await page.getByTestId('new-task').click();
    const card = page.locator('[data-testid=task-card][data-task-id^="task-"]');
    await card.waitFor();
    const taskId = (await card.getAttribute('data-task-id')) as string;
    await watchCard(page, taskId);
    const handle = e2e.client.workflow.getHandle(taskId);

    // Live: updates reach the page while the workflow is still running.
    await card.locator('li[data-seq="3"]').waitFor({ timeout: 15_000 });
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(await card.getByTestId('connection').getAttribute('data-status')).toBe('open');

    // Cut the connection: the workflow goes on, its log grows, the page shows nothing new.
    await card.getByTestId('cut').click();
    expect(await card.getByTestId('connection').getAttribute('data-status')).toBe('cut');
    const shownAtCut = await shownSequences(card);
    await expect
      .poll(async () => (await logOf(taskId)).lastSequence, { timeout: 15_000, interval: 100 })
      .toBeGreaterThanOrEqual(shownAtCut.length + 3);
    expect(await shownSequences(card)).toEqual(shownAtCut);
    await e2e.screenshot(page, 'task-board-cut');
    const missedAtReconnect = (await logOf(taskId)).lastSequence - shownAtCut.length;

    // Reconnect: the recovery indicator shows while the missed updates come back from the log.
    await card.getByTestId('reconnect').click();
    await expect.poll(async () => (await watched(page)).recovering.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect
      .poll(() => card.getByTestId('note').textContent(), { timeout: 10_000 })
      .toMatch(/recovered \d+ missed/);
    const recovered = Number(/recovered (\d+) missed/.exec((await card.getByTestId('note').textContent()) ?? '')?.[1]);
    expect(recovered).toBeGreaterThanOrEqual(missedAtReconnect);
    console.info(`[e2e] missed while cut: ${missedAtReconnect} at reconnect, ${recovered} recovered from the log`);

    // The workflow ends (DONE → MERGED) with the page live again.
    await expect.poll(() => card.getAttribute('data-task-status'), { timeout: 30_000 }).toBe('MERGED');
    const log = await logOf(taskId);
    await expect.poll(() => shownSequences(card), { timeout: 5_000 }).toEqual(range(log.lastSequence));

    // Exactly once, in order, and the same updates as the workflow's durable log.
    const shown = await card.locator('li[data-seq]').evaluateAll((items) =>
      items.map((item) => ({
        sequence: Number((item as HTMLElement).dataset.seq),
        type: (item as HTMLElement).dataset.type,
      })),
    );
    expect(shown).toEqual(
      log.updates.map((update: WorkflowUpdate) => ({ sequence: update.sequence, type: update.type })),
    );
    expect(
      log.updates
        .map((update) => update.type === 'status' && (update.data as { status: string }).status)
        .filter(Boolean),
    ).toEqual(['IN_PROGRESS', 'DONE', 'MERGED']);
    const seen = await watched(page);
    expect(seen.violations).toEqual([]);
    expect(seen.recovering.some((text) => /Recovering missed updates/.test(text))).toBe(true);
    // A deliberate cut and Reconnect never raise the "could not reach the server" alarm.
    expect(seen.alarms).toEqual([]);
    // The card links to its workflow in Temporal's web UI.
    expect(await card.getByTestId('temporal-ui-link').getAttribute('href')).toBe(uiUrlOf(taskId));
    expect(await handle.result()).toBe('MERGED');
    await expect.poll(() => card.getByTestId('connection').getAttribute('data-status')).toBe('ended');
    // Refresh: a status sync from `/latest`, then recoverMissedUpdates(); nothing is missing here.
    await card.getByTestId('refresh').click();
    await expect
      .poll(() => card.getByTestId('note').textContent(), { timeout: 10_000 })
      .toBe(`Synced: MERGED, ${log.lastSequence} update(s) in the log; 0 were missing here.`);
    expect(await shownSequences(card)).toEqual(range(log.lastSequence));

    // The invoice's mail service failed twice; the activity retry policy brought it through on attempt 3.
    await expect.poll(() => invoice.getAttribute('data-task-status'), { timeout: 20_000 }).toBe('sent');
    expect(await invoice.locator('li[data-type=attempt]').textContent()).toMatch(/attempt 3/);
    await e2e.screenshot(page, 'task-board');
  });
});

describe('paused workflows', () => {
  it('lists a pausing order within a second; Resume and the payment event complete it; Cancel stops another', async () => {
    reportLogsOnFailure();
    const page = await e2e.newPage('/paused');
    await expect
      .poll(() => page.getByTestId('live-indicator').getAttribute('data-live'), { timeout: 10_000 })
      .toBe('true');

    const startOrder = async (): Promise<{ orderId: string; appearedAfterMs: number }> => {
      const before = new Set(
        await page
          .getByTestId('order-row')
          .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.orderId)),
      );
      await page.getByTestId('new-order').click();
      await expect.poll(() => page.getByTestId('order-row').count()).toBe(before.size + 1);
      const ids = await page
        .getByTestId('order-row')
        .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.orderId));
      const orderId = ids.find((id) => !before.has(id)) as string;
      const card = page.locator(
        `[data-testid=paused-card][data-execution-id="${orderId}"][data-paused-at="wait-approval"]`,
      );
      await card.waitFor({ timeout: 10_000 });
      const seenAt = Date.now();
      // pausedTime is the workflow's own clock at the pause (same machine, same clock).
      return { orderId, appearedAfterMs: seenAt - Date.parse((await card.getAttribute('data-paused-time')) as string) };
    };

    const first = await startOrder();
    const second = await startOrder();
    console.info(`[e2e] pause → on the dashboard: ${first.appearedAfterMs} ms, ${second.appearedAfterMs} ms`);
    expect(first.appearedAfterMs).toBeLessThan(1000);
    expect(second.appearedAfterMs).toBeLessThan(1000);
    await page.locator('[data-testid=countdown]').first().waitFor();
    await e2e.screenshot(page, 'paused-dashboard');

    // A card names the execution by its workflow id and shows its workflow type apart
    // (never the legacy `workflowId` field, which holds the type, as if it were the id).
    const shown = page.locator(`[data-testid=paused-card][data-execution-id="${first.orderId}"]`);
    expect(await shown.getByTestId('execution-id').textContent()).toBe(first.orderId);
    expect(await shown.getByTestId('workflow-type').textContent()).toBe(WORKFLOWS.order);
    expect(await shown.getByTestId('temporal-ui-link').getAttribute('href')).toBe(uiUrlOf(first.orderId));

    // Resume the first at wait-approval: it leaves the list, then pauses again for payment.
    const approval = page.locator(
      `[data-testid=paused-card][data-execution-id="${first.orderId}"][data-paused-at="wait-approval"]`,
    );
    await approval.getByTestId('resume').click();
    await approval.waitFor({ state: 'detached', timeout: 5_000 });
    const payment = page.locator(
      `[data-testid=paused-card][data-execution-id="${first.orderId}"][data-paused-at="wait-payment"]`,
    );
    await payment.waitFor({ timeout: 5_000 });
    expect(await payment.textContent()).toContain('payment-service.payments.trigger.completed');

    // The payment service's event (POST /api/workflow/triggers) resumes it; the order completes.
    await payment.getByTestId('send-payment').click();
    await payment.waitFor({ state: 'detached', timeout: 5_000 });
    expect(await e2e.client.workflow.getHandle(first.orderId).result()).toBe('COMPLETED');
    await expect
      .poll(
        () => page.locator(`[data-testid=order-row][data-order-id="${first.orderId}"]`).getAttribute('data-status'),
        { timeout: 10_000 },
      )
      .toBe('COMPLETED');

    // Cancel the second: it leaves the list and the workflow stops.
    const other = page.locator(`[data-testid=paused-card][data-execution-id="${second.orderId}"]`);
    await other.getByTestId('cancel').click();
    await other.waitFor({ state: 'detached', timeout: 5_000 });
    expect(await e2e.client.workflow.getHandle(second.orderId).result()).toBe('CANCELLED');
  });
});

describe('test cycle', () => {
  type Phase = { phase: number; state: string; startedAt: number; endedAt?: number; attempts?: number };
  const phasesOf = (log: WorkflowState) =>
    new Map(
      log.updates
        .filter((update) => update.type === 'phase' && (update.data as Phase).state !== 'running')
        .map((update) => [(update.data as Phase).phase, update.data as Phase]),
    );

  it('shows phases 3 and 4 running at once, then every phase with its timings', async () => {
    reportLogsOnFailure();
    const page = await e2e.newPage('/test-cycle');
    await page.getByTestId('start-cycle').click();
    await page.waitForFunction(
      () => {
        const state = (phase: number) =>
          document.querySelector(`[data-testid=phase-row][data-phase="${phase}"]`)?.getAttribute('data-state');
        return state(3) === 'running' && state(4) === 'running';
      },
      null,
      { timeout: 20_000, polling: 'raf' },
    );
    // Still both running most of a second later (phase 3 works 1.6 s, phase 4 1.3 s plus a retry).
    await page.waitForTimeout(700);
    expect(
      await page
        .locator('[data-testid=phase-row][data-state=running]')
        .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.phase)),
    ).toEqual(['3', '4']);
    await e2e.screenshot(page, 'test-cycle-running');
    const cycle = page.getByTestId('cycle');
    const cycleId = (await cycle.getAttribute('data-cycle-id')) as string;
    // Each phase links to the workflow whose activities run it: the cycle's own.
    expect(
      await page
        .locator('[data-testid=phase-row][data-phase="3"]')
        .getByTestId('temporal-ui-link')
        .getAttribute('href'),
    ).toBe(uiUrlOf(cycleId));
    await expect.poll(() => cycle.getAttribute('data-cycle-status'), { timeout: 30_000 }).toBe('COMPLETED');
    // The stream ends once the workflow has closed and everything is delivered.
    await expect
      .poll(() => cycle.getByTestId('connection').getAttribute('data-status'), { timeout: 5_000 })
      .toBe('ended');
    await e2e.screenshot(page, 'test-cycle');

    const log = await logOf(cycleId);
    const phases = phasesOf(log);
    expect([...phases.keys()].sort()).toEqual(range(8));
    const [three, four] = [phases.get(3) as Phase, phases.get(4) as Phase];
    // Their intervals overlap: each started before the other ended.
    expect(three.startedAt).toBeLessThan(four.endedAt as number);
    expect(four.startedAt).toBeLessThan(three.endedAt as number);
    // Phases 1, 4 and 5 fail once on purpose; their retry policies bring them through.
    expect([1, 4, 5].map((phase) => phases.get(phase)?.attempts)).toEqual([2, 2, 2]);
    expect(log.updates.find((update) => update.type === 'version')?.data).toMatchObject({ version: 3 });
    const durations = await page.getByTestId('phase-duration').allTextContents();
    expect(durations.every((text) => /^\d+\.\d{2} s$/.test(text))).toBe(true);
  });

  it('compensates the finished phases in reverse order when a phase fails for good', async () => {
    reportLogsOnFailure();
    const page = await e2e.newPage('/test-cycle');
    await page.getByTestId('fail-at').selectOption('6');
    await page.getByTestId('start-cycle').click();
    const cycle = page.getByTestId('cycle');
    await expect.poll(() => cycle.getAttribute('data-cycle-status'), { timeout: 40_000 }).toBe('FAILED');
    const cycleId = (await cycle.getAttribute('data-cycle-id')) as string;
    const compensated = (await logOf(cycleId)).updates
      .filter((update) => update.type === 'compensation')
      .map((update) => (update.data as { phase: number }).phase);
    // The failed phase wrote part of its rows: it is compensated first (version 3).
    expect(compensated).toEqual([6, 5, 4, 3, 2, 1]);
    expect(await page.locator('[data-testid=phase-row][data-phase="6"]').getAttribute('data-state')).toBe('failed');
    expect(await page.locator('[data-testid=compensations] li').count()).toBe(6);
    // Phases 2 and 5 compensate by notifying their owners: both notifications show.
    expect(await page.locator('[data-testid=notifications] li').count()).toBe(2);
    expect((await e2e.client.workflow.getHandle(cycleId).describe()).status.name).toBe('FAILED');
    await expect
      .poll(() => cycle.getByTestId('connection').getAttribute('data-status'), { timeout: 5_000 })
      .toBe('ended');
    await e2e.screenshot(page, 'test-cycle-compensated');
  });
});

describe('POST /api/workflows/:kind', () => {
  it('starts a workflow for the signed-in user and answers its id and run id; refuses what it cannot start', async () => {
    reportLogsOnFailure();
    const page = await e2e.newPage('/');
    // The page's cookie is the sign-in: the route starts the workflow as that user.
    const started = await page.request.post(`${e2e.stack.appUrl}/api/workflows/task`, {
      data: { steps: 2, stepMs: 50 },
    });
    expect(started.status()).toBe(201);
    const body = (await started.json()) as { kind: string; workflowId: string; runId: string; title: string };
    const user = (await page.context().cookies()).find((cookie) => cookie.name === 'resumable-demo-user')?.value;
    expect(body).toMatchObject({ kind: 'task', workflowId: expect.stringMatching(new RegExp(`^task-${user}-`)) });
    const handle = e2e.client.workflow.getHandle(body.workflowId);
    expect((await handle.describe()).runId).toBe(body.runId);
    await handle.result();
    expect((await logOf(body.workflowId)).status).toBe('MERGED');

    const unknown = await page.request.post(`${e2e.stack.appUrl}/api/workflows/rocket`);
    expect(unknown.status()).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    for (const data of ['{"steps":', '[1,2]']) {
      const bad = await page.request.post(`${e2e.stack.appUrl}/api/workflows/task`, {
        data,
        headers: { 'Content-Type': 'application/json' },
      });
      expect(bad.status(), data).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    }
  });
});

describe('home', () => {
  it('links the three pages', async () => {
    const page = await e2e.newPage('/');
    expect(await page.locator('a.tile').count()).toBe(3);
    await e2e.screenshot(page, 'home');
  });
});
