import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '@resumable/kit/example-stack';
import { TEST_CYCLE_PHASES } from '@resumable/example-worker/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { CycleMetrics, FleetSummary, PhaseStats, TrendPoint, VersionCount } from '@/lib/analytics';
import { seedCycles, seedInputs, type SeededCycle } from '../scripts/seed-cycles';
import { startE2e, type E2e } from './harness';

const IMAGES = join(ROOT, 'docs/images');

let e2e: E2e;
let seeded: SeededCycle[];

beforeAll(async () => {
  e2e = await startE2e();
  // Five fast cycles: the fourth fails at phase 2, the second skips phase 2.
  seeded = await seedCycles(e2e.client, e2e.stack.taskQueue, seedInputs(5, 0.05, 'E2E'));
  await Promise.all(
    seeded.map((cycle) =>
      e2e.client.workflow
        .getHandle(cycle.workflowId)
        .result()
        .catch(() => undefined),
    ),
  );
});

afterAll(async () => {
  await e2e?.close();
});

const getJson = async <T>(path: string): Promise<{ status: number; body: T }> => {
  const response = await fetch(`${e2e.stack.appUrl}${path}`);
  return { status: response.status, body: (await response.json()) as T };
};
const percent = (rate: number | null) => (rate === null ? '–' : `${Math.round(rate * 100)}%`);
const failedSeed = () => seeded.find((cycle) => cycle.input.failAtPhase !== undefined) as SeededCycle;

function reportOnFailure() {
  onTestFailed(() => {
    console.error(`--- app, worker and browser output (last 80 lines) ---\n${e2e.logs.slice(-80).join('\n')}`);
  });
}

async function shoot(page: Page, name: string) {
  mkdirSync(IMAGES, { recursive: true });
  await page.screenshot({ path: join(IMAGES, `monitoring-${name}.png`), fullPage: true });
}

describe('workflow analytics API', () => {
  it('answers the documented shapes from the real cycles', async () => {
    reportOnFailure();
    // Visibility indexes closes a moment late: wait until all five count as closed.
    await expect
      .poll(async () => (await getJson<FleetSummary>('/api/workflow-metrics/summary')).body.running, {
        timeout: 20_000,
      })
      .toBe(0);
    const { status, body: summary } = await getJson<FleetSummary & { unreadable: string[] }>(
      '/api/workflow-metrics/summary',
    );
    expect(status).toBe(200);
    expect(summary).toMatchObject({ cycles: 5, running: 0, completed: 4, failed: 1, unreadable: [] });
    expect(summary.successRate).toBe(0.8);
    expect(summary.compensationRate).toBe(0.2);
    expect(summary.durationMs.p50).toBeGreaterThan(0);
    // Phases 1, 4 and 5 fail once on purpose in every cycle that reaches them.
    expect(summary.retries).toBeGreaterThanOrEqual(3);
    expect(summary.bottleneck?.name).toEqual(expect.any(String));

    const { body: phases } = await getJson<{ phases: PhaseStats[] }>('/api/workflow-metrics/phases');
    expect(phases.phases.map((phase) => phase.name)).toEqual(TEST_CYCLE_PHASES.map((phase) => phase.name));
    for (const phase of phases.phases) {
      expect(phase.p95Ms).toBeGreaterThanOrEqual(phase.p50Ms ?? 0);
    }
    // The failing cycle ends phase 2 failed; the skipping one never runs it.
    expect(phases.phases[1]).toMatchObject({ failed: 1 });

    const { body: days } = await getJson<{ by: string; points: TrendPoint[] }>('/api/workflow-metrics/trends?by=day');
    expect(days.points).toEqual([
      expect.objectContaining({ period: new Date().toISOString().slice(0, 10), cycles: 5, completed: 4, failed: 1 }),
    ]);
    expect((await getJson<{ points: TrendPoint[] }>('/api/workflow-metrics/trends?by=week')).body.points).toHaveLength(
      1,
    );
    expect((await getJson('/api/workflow-metrics/trends?by=month')).status).toBe(400);

    const failed = failedSeed();
    const { body: cycle } = await getJson<CycleMetrics>(`/api/workflow-metrics/cycles/${failed.workflowId}`);
    expect(cycle).toMatchObject({
      cycleId: failed.workflowId,
      runId: failed.runId,
      outcome: 'failed',
      compensated: true,
    });
    expect(cycle.phases.find((phase) => phase.phase === 2)?.state).toBe('failed');
    expect((await getJson('/api/workflow-metrics/cycles/cycle-nobody-0')).status).toBe(404);

    const { body: versions } = await getJson<{ versions: VersionCount[] }>('/api/workflow-versions');
    expect(versions.versions.reduce((sum, version) => sum + version.cycles, 0)).toBe(5);

    const { body: compensations } = await getJson<{ entries: { cycleId: string; timestamp: number }[] }>(
      '/api/workflow-compensation',
    );
    expect(compensations.entries.length).toBeGreaterThan(0);
    expect(new Set(compensations.entries.map((entry) => entry.cycleId))).toEqual(new Set([failed.workflowId]));
    const times = compensations.entries.map((entry) => entry.timestamp);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const { body: one } = await getJson<{ entries: unknown[] }>(`/api/workflow-compensation/${failed.workflowId}`);
    expect(one.entries).toEqual(compensations.entries);
  });

  it('starts a cycle with POST /api/workflow/start/:cycleId and refuses bad input with 400', async () => {
    reportOnFailure();
    const post = (cycleId: string, body: string) =>
      fetch(`${e2e.stack.appUrl}/api/workflow/start/${cycleId}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
    const bad = await post('CYCLE-X', '{"skip_phases":[9]}');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: { code: 'BAD_REQUEST', message: 'skip_phases must be an array of phase numbers (1, 2, 3, 4, 5, 6, 7, 8)' },
    });
    const started = await post('CYCLE-API', '{"skip_phases":[7],"speed":0.05}');
    expect(started.status).toBe(201);
    const { workflowId, runId } = (await started.json()) as { workflowId: string; runId: string };
    const description = await e2e.client.workflow.getHandle(workflowId).describe();
    expect(description.runId).toBe(runId);
    expect(description.type).toBe('testCycleWorkflow');
    await e2e.client.workflow.getHandle(workflowId).result();
    seeded.push({ workflowId, runId, input: { cycleId: 'CYCLE-API', skipPhases: [7], speed: 0.05 } });
  });
});

describe('/workflow-monitoring', () => {
  it('charts the cycles, matches the summary endpoint, and shows a failed cycle’s alert live', async () => {
    reportOnFailure();
    const page = await e2e.newPage('/');
    await page.getByRole('link', { name: 'Monitoring' }).click();
    await page.waitForURL('**/workflow-monitoring');
    await page.getByTestId('monitoring').waitFor({ timeout: 20_000 });
    await expect
      .poll(() => page.getByTestId('figure-cycles').textContent(), { timeout: 15_000 })
      .toBe(String(seeded.length));

    // The figures are the summary endpoint's.
    const { body: summary } = await getJson<FleetSummary>('/api/workflow-metrics/summary');
    expect(await page.getByTestId('figure-completed').textContent()).toBe(String(summary.completed));
    expect(await page.getByTestId('figure-failed').textContent()).toBe(String(summary.failed));
    expect(await page.getByTestId('figure-success-rate').textContent()).toBe(percent(summary.successRate));
    expect(await page.getByTestId('figure-retries').textContent()).toBe(String(summary.retries));
    expect(await page.getByTestId('figure-bottleneck').textContent()).toBe(summary.bottleneck?.name);

    // Phase durations: a p50 and a p95 bar per phase, labelled with the phase names.
    const chart = page.getByTestId('phase-chart');
    await expect.poll(() => chart.locator('.recharts-bar-rectangle').count()).toBe(2 * TEST_CYCLE_PHASES.length);
    // Recharts may break a long tick into <tspan>s: compare the words without spaces.
    const squash = (text: string) => text.replace(/\s+/g, '');
    const labels = (await chart.locator('svg text').allTextContents()).map(squash);
    for (const phase of TEST_CYCLE_PHASES) expect(labels).toContain(squash(phase.name));
    // The trend line (one point today) and the bottleneck bar, naming the bottleneck.
    expect(await page.getByTestId('trend-chart').locator('.recharts-line').count()).toBe(3);
    expect(await page.getByTestId('bottleneck').textContent()).toContain(summary.bottleneck?.name);
    expect(await page.getByTestId('bottleneck-bar').locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
    await shoot(page, 'dashboard');

    // A cycle that fails now: its alert arrives on the open feed.
    await page.getByTestId('alert-feed').and(page.locator('[data-open=true]')).waitFor({ timeout: 10_000 });
    const response = await page.evaluate(async () => {
      const answer = await fetch('/api/workflow/start/CYCLE-LIVE', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ fail_at_phase: 3, speed: 0.05 }),
      });
      return { status: answer.status, body: (await answer.json()) as { workflowId: string } };
    });
    expect(response.status).toBe(201);
    const alert = page.locator(
      `[data-testid=alert][data-cycle-id="${response.body.workflowId}"][data-kind=cycle-failed]`,
    );
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain('Cycle failed at phase 3 (Sample Selection)');
    await shoot(page, 'alert');
  });

  it('shows a running cycle’s phases live, and alerts while a phase runs past its threshold', async () => {
    reportOnFailure();
    const page = await e2e.newPage('/workflow-monitoring');
    await page.getByTestId('monitoring').waitFor({ timeout: 20_000 });
    // Eight times slower: Planning alone runs 5.6 s, past the 5 s threshold of the default rules.
    const started = await page.evaluate(async () => {
      const answer = await fetch('/api/workflow/start/CYCLE-SLOW', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ speed: 8 }),
      });
      return (await answer.json()) as { workflowId: string };
    });
    const row = page.locator(`[data-testid=running-cycle][data-cycle-id="${started.workflowId}"]`);
    await row.waitFor({ timeout: 15_000 });
    // The alert comes while the phase still runs, not when it ends.
    const slow = page.locator(`[data-testid=alert][data-alert-id="${started.workflowId}:phase-slow:1"]`);
    await slow.waitFor({ timeout: 15_000 });
    expect(await slow.textContent()).toMatch(/Planning (has run|took) \d+\.\d s \(threshold 5\.0 s\)/);
    // Phases complete one after another on the open stream, while the cycle runs.
    await expect
      .poll(async () => Number(await row.getAttribute('data-phases-done')), { timeout: 30_000 })
      .toBeGreaterThan(1);
    expect(await row.locator('i[data-state=completed]').count()).toBeGreaterThan(1);
    await shoot(page, 'running');
    await e2e.client.workflow.getHandle(started.workflowId).terminate('the e2e has seen enough');
  });
});
