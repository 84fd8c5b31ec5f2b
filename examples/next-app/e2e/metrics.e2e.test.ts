import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { temporalTestServer } from '@resumable/temporal-dev/vitest';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { FleetSummary, TrendPoint } from '@/lib/analytics';
import type { SeededCycle } from '../scripts/seed-cycles';
import { startE2e, type E2e } from './harness';

const APP_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const run = promisify(execFile);

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

describe('pnpm seed:cycles', () => {
  it('starts the cycles it promises on the given server, namespace and task queue; the summary counts them', async () => {
    onTestFailed(() => {
      console.error(`--- app, worker and browser output (last 80 lines) ---\n${e2e.logs.slice(-80).join('\n')}`);
    });
    const { address, namespace } = temporalTestServer();
    const seed = (args: string[]) =>
      run('pnpm', ['--silent', 'run', 'seed:cycles', ...args], { cwd: APP_DIR, timeout: 60_000 });
    // A bad command line is refused with its reason and the usage, exit code 2, before any connection.
    const refused = await seed(['--count', '0']).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 2 });
    expect((refused as { stderr: string }).stderr).toContain('--count must be an integer from 1 to 500');
    expect((refused as { stderr: string }).stderr).toContain('Usage: seed:cycles');

    // As a user would run it, against this run's dev server and the app's task queue.
    const seededOn = new Date().toISOString().slice(0, 10);
    const { stdout } = await seed([
      ...['--count', '5', '--speed', '0.05'],
      ...['--address', address, '--namespace', namespace, '--task-queue', e2e.stack.taskQueue, '--json'],
    ]);
    const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { cycles: SeededCycle[]; taskQueue: string };
    expect(report.taskQueue).toBe(e2e.stack.taskQueue);
    const { cycles } = report;
    // The varied outcomes it promises: of five, the second skips phase 2, the fourth fails at phase 2.
    expect(cycles.map(({ input }) => ({ skip: input.skipPhases, fail: input.failAtPhase }))).toEqual([
      { skip: undefined, fail: undefined },
      { skip: [2], fail: undefined },
      { skip: undefined, fail: undefined },
      { skip: undefined, fail: 2 },
      { skip: undefined, fail: undefined },
    ]);
    const outcomes = await Promise.all(
      cycles.map((cycle) =>
        e2e.client.workflow
          .getHandle(cycle.workflowId, cycle.runId)
          .result()
          .then(
            () => 'completed',
            () => 'failed',
          ),
      ),
    );
    expect(outcomes).toEqual(['completed', 'completed', 'completed', 'failed', 'completed']);

    // In visibility, on the app's task queue, with those outcomes.
    const listed = async () => {
      const found = new Map<string, string>();
      const query = `TaskQueue = '${e2e.stack.taskQueue}' AND WorkflowType = 'testCycleWorkflow'`;
      for await (const info of e2e.client.workflow.list({ query })) found.set(info.workflowId, info.status.name);
      return Object.fromEntries(found);
    };
    await expect
      .poll(listed, { timeout: 20_000 })
      .toEqual(
        Object.fromEntries(cycles.map((cycle, index) => [cycle.workflowId, index === 3 ? 'FAILED' : 'COMPLETED'])),
      );

    // The summary endpoint reflects exactly these five.
    const summary = async () =>
      (await (await fetch(`${e2e.stack.appUrl}/api/workflow-metrics/summary`)).json()) as FleetSummary;
    await expect.poll(async () => (await summary()).running, { timeout: 20_000 }).toBe(0);
    expect(await summary()).toMatchObject({
      cycles: 5,
      completed: 4,
      failed: 1,
      successRate: 0.8,
      compensationRate: 0.2,
    });
    // The trend has the day(s) they actually ran (today, or both sides of a midnight), not an invented history.
    const trends = (await (await fetch(`${e2e.stack.appUrl}/api/workflow-metrics/trends?by=day`)).json()) as {
      points: TrendPoint[];
    };
    const ran = new Set([seededOn, new Date().toISOString().slice(0, 10)]);
    expect(trends.points.map((point) => point.period).filter((day) => !ran.has(day))).toEqual([]);
    expect(trends.points.reduce((sum, point) => sum + point.cycles, 0)).toBe(5);
    // The dashboard's trend chart says plainly that it shows the days cycles ran.
    const page = await e2e.newPage('/workflow-monitoring');
    const chart = page.getByTestId('trend-chart');
    await chart.waitFor({ timeout: 20_000 });
    await expect.poll(() => chart.getAttribute('data-days'), { timeout: 15_000 }).toBe(String(trends.points.length));
    const note = await page.getByTestId('trend-note').textContent();
    expect(note).toContain('UTC days the cycles actually started on');
    if (trends.points.length === 1) expect(note).toContain(`One day so far (${trends.points[0]?.period})`);
  });
});
