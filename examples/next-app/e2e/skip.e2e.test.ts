import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowState } from '@resumable/protocol';
import type { CycleMetrics } from '@/lib/analytics';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
// The worker's own store module, to read the SQLite file its activities write.
import { openTestCycleStore } from '../../worker/src/store';
import { startE2e, type E2e } from './harness';

// The worker process writes the test cycle's records here (it inherits this environment).
const dir = mkdtempSync(join(tmpdir(), 'skip-e2e-'));
const store = openTestCycleStore(join(dir, 'test-cycle.sqlite'));
let e2e: E2e;

beforeAll(async () => {
  process.env.RESUMABLE_TEST_CYCLE_DB = store.path;
  e2e = await startE2e();
});

afterAll(async () => {
  await e2e?.close();
  delete process.env.RESUMABLE_TEST_CYCLE_DB;
  rmSync(dir, { recursive: true, force: true });
});

/** How long the test leaves the cycle paused before a person resumes it. */
const HOLD_MS = 3_000;

describe('skip strategy', () => {
  it('a failed skip phase waits on the paused dashboard; Resume there lets the cycle pass over it and complete', async () => {
    onTestFailed(() => {
      console.error(`--- app, worker and browser output (last 80 lines) ---\n${e2e.logs.slice(-80).join('\n')}`);
    });
    const page = await e2e.newPage('/test-cycle');
    await page.getByTestId('fail-at').selectOption('7');
    const startedAt = Date.now();
    await page.getByTestId('start-cycle').click();
    const cycle = page.getByTestId('cycle');
    await cycle.waitFor();
    const workflowId = (await cycle.getAttribute('data-cycle-id')) as string;
    const phaseState = (phase: number) =>
      page.locator(`[data-testid=phase-row][data-phase="${phase}"]`).getAttribute('data-state');
    await expect.poll(() => phaseState(7), { timeout: 40_000 }).toBe('failed');
    // The page says the cycle waits for a person (the workflow's own status).
    await expect.poll(() => cycle.getAttribute('data-cycle-status'), { timeout: 15_000 }).toBe('WAITING_FOR_PERSON');

    const dashboard = await e2e.newPage('/paused');
    const card = dashboard.locator(
      `[data-testid=paused-card][data-execution-id="${workflowId}"][data-paused-at="manual-intervention"]`,
    );
    await card.waitFor({ timeout: 15_000 });
    await e2e.screenshot(dashboard, 'test-cycle-skip-paused');
    const handle = e2e.client.workflow.getHandle(workflowId);
    const pause = await handle.query<{ variables: { cycleId: string } }>('getPauseState');
    const { cycleId } = pause.variables;
    // While it waits: phase 7's part-way rows are there, nothing is compensated, phase 8 has not run.
    const rows = async () => (await store.records(cycleId)).map((row) => `${row.item}:${row.status}`);
    expect((await rows()).filter((row) => row.startsWith('observation-') || row.startsWith('report-'))).toEqual([
      'observation-1:complete',
      'observation-2:pending',
    ]);
    expect(await store.ledger(cycleId)).toEqual([]);

    // A person takes a while: the cycle stays paused, measured from when the card was seen to the click.
    const pauseSeenAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
    const resumeClickedAt = Date.now();
    await card.getByTestId('resume').click();
    await card.waitFor({ state: 'detached', timeout: 15_000 });
    const resumeSeenAt = Date.now();
    expect(await handle.result()).toBe('COMPLETED');
    await expect.poll(() => phaseState(8), { timeout: 15_000 }).toBe('completed');
    expect(await phaseState(7)).toBe('skipped');
    await expect.poll(() => cycle.getAttribute('data-cycle-status'), { timeout: 15_000 }).toBe('COMPLETED');
    await e2e.screenshot(page, 'test-cycle-skip-resumed');

    const log = await handle.query<WorkflowState>('getWorkflowState');
    expect(log.status).toBe('COMPLETED');
    // Recorded as resumed by the signed-in user: the subject of the operator token the dashboard sent.
    const user = (await dashboard.context().cookies()).find((cookie) => cookie.name === 'resumable-demo-user')?.value;
    expect(user).toMatch(/^u[0-9a-f]{8}$/);
    const resumed = log.updates.find((update) => update.type === 'workflow.resumed');
    const paused = log.updates.find((update) => update.type === 'workflow.paused');
    expect(resumed?.data).toMatchObject({ resumedFrom: 'manual-intervention', resumedBy: user });

    // Time waiting on people, as the metrics endpoint reads it: the pause in the durable log, …
    const response = await fetch(`${e2e.stack.appUrl}/api/workflow-metrics/cycles/${workflowId}`);
    expect(response.status).toBe(200);
    const metrics = (await response.json()) as CycleMetrics;
    const logged = (resumed?.timestamp ?? Number.NaN) - (paused?.timestamp ?? Number.NaN);
    expect(metrics.waitingMs).toBe(logged);
    console.info(`[e2e] waiting on people: ${metrics.waitingMs} ms (held paused ${resumeClickedAt - pauseSeenAt} ms)`);
    // … at least as long as the test held it paused, and no longer than from the start to the resume seen.
    expect(metrics.waitingMs).toBeGreaterThanOrEqual(resumeClickedAt - pauseSeenAt);
    expect(metrics.waitingMs).toBeLessThanOrEqual(resumeSeenAt - startedAt);
    // The pause began after the cycle was started, and ended between the click and the card going away.
    expect(paused?.timestamp).toBeGreaterThanOrEqual(startedAt);
    expect(paused?.timestamp).toBeLessThanOrEqual(pauseSeenAt);
    expect(resumed?.timestamp).toBeGreaterThanOrEqual(resumeClickedAt);
    expect(resumed?.timestamp).toBeLessThanOrEqual(resumeSeenAt);
    expect(metrics.outcome).toBe('completed');
    // The person's decision is in the ledger; phase 7's rows stayed, and the report was written after it.
    expect(
      (await store.ledger(cycleId)).map((entry) => `${entry.phase} ${entry.strategy} ${entry.outcome} ${entry.kept}`),
    ).toEqual(['7 skip resumed observation-1,observation-2']);
    expect((await rows()).filter((row) => row.startsWith('observation-') || row.startsWith('report-'))).toEqual([
      'observation-1:complete',
      'observation-2:pending',
      'report-1:complete',
    ]);
  });
});
