/**
 * Activity progress, live: an activity run with `log.proxyActivities()` calls
 * `reportProgress()` 1,000 times (one every 5 ms); each report goes worker → bus →
 * recovery server → SSE. Measured, per report: to an SSE client in the same process
 * (it parses the `progress` event), and to the screen of a headless Chromium page (a
 * native EventSource writes the figure into the DOM; timed at the next animation frame
 * after the write); p50 / p99 / max, every report received in order. And the history
 * each run leaves: the same workflow with 0 and with 1,000 reports, events compared.
 * Worker, bus (in memory), server and the Node client share one process; all clocks are
 * the machine's (Date.now).
 * Figures go to BENCHMARKS.md (section `activity-progress`).
 *
 *   pnpm --filter @resumable/recovery-server bench:activity-progress
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActivityProgress } from '@resumable/protocol';
import { machineLine, percentile, writeBenchSection } from '@resumable/kit/bench-report';
import { CHROMIUM, CHROMIUM_ARGS } from '@resumable/kit/chromium';
import { chromium } from 'playwright-core';
import { createInMemoryBus } from '@resumable/sse-publisher';
import { createActivityProgress, createResumableSinks, reportProgress } from '@resumable/workflow-state/worker';
import { Worker } from '@temporalio/worker';
import { EventSource } from 'eventsource';
import { createRecoveryServer } from '../src/index';
import { cleanupStack, listen, startTemporal } from './bench-kit';
import type { progressTask } from '../test/workflows';

const REPORTS = 1_000;
const EVERY_MS = 5;
const ROUNDS = 3;
/** How long the activity waits before its first report (the clients connect meanwhile). */
const START_DELAY_MS = 1_000;
const SECRET = 'bench-secret-that-is-at-least-32-characters';

/** The activity the benchmark's workflow runs: `reports` reports, `everyMs` apart. */
async function reportMany(input: { reports: number; everyMs: number }): Promise<number> {
  // The clients connect meanwhile: every report is then one a client could see.
  await new Promise((resolve) => setTimeout(resolve, START_DELAY_MS));
  for (let n = 1; n <= input.reports; n++) {
    reportProgress({ n });
    await new Promise((resolve) => setTimeout(resolve, input.everyMs));
  }
  return input.reports;
}

/**
 * The browser side: a native EventSource; each `progress` event's figure is written into
 * the page, and the time is taken at the next animation frame (when it is painted).
 */
const PAGE = `<!doctype html><meta charset="utf-8"><title>progress</title><p id="bar">0</p><script>
let source, lags = [], counters = [];
window.follow = (url) => {
  lags = []; counters = [];
  source = new EventSource(url);
  source.addEventListener('progress', (event) => {
    const progress = JSON.parse(event.data);
    document.getElementById('bar').textContent = String(progress.data.n);
    requestAnimationFrame(() => { lags.push(Date.now() - progress.timestamp); counters.push(progress.counter); });
  });
};
window.stop = () => { source.close(); return { lags, counters }; };
</script>`;

/** p50 / p99 / max of `lags`, how many arrived, and whether their counters only grew. */
function figures(lags: number[], counters: number[]) {
  return {
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    max: Math.max(...lags),
    received: counters.length,
    inOrder: counters.every((counter, index) => index === 0 || counter > (counters[index - 1] as number)),
  };
}

/** One row of the figures table. */
function row(
  round: string,
  client: string,
  r: { p50: number; p99: number; max: number; received: number; inOrder: boolean },
) {
  return `| ${round} | ${client} | ${r.p50} ms | ${r.p99} ms | ${r.max} ms | ${r.received.toLocaleString('en')} of ${REPORTS.toLocaleString('en')} | ${r.inOrder ? 'yes' : '**no**'} |`;
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?';

async function main(): Promise<void> {
  const loadStart = loadAverage();
  const cleanups = cleanupStack(600_000);
  try {
    const temporal = await startTemporal(cleanups, 'resumable-bench-activity-progress');
    const bus = createInMemoryBus();
    const taskQueue = `activity-progress-${randomUUID()}`;
    const worker = await Worker.create({
      connection: temporal.native,
      namespace: temporal.dev.namespace,
      taskQueue,
      workflowBundle: { codePath: temporal.codePath },
      activities: { reportMany },
      sinks: createResumableSinks({ bus }),
      interceptors: { activity: [createActivityProgress({ bus }).interceptor] },
    });
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await running;
    });
    // The browser's page, on an origin of its own (as an app's would be).
    const pages = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE));
    pages.listen(0, '127.0.0.1');
    await once(pages, 'listening');
    cleanups.push(() => new Promise((resolve) => pages.close(resolve)));
    const pageOrigin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    await page.goto(pageOrigin);
    const server = createRecoveryServer({
      temporal: { client: temporal.temporal.client },
      auth: { secret: SECRET },
      bus,
      cors: { origin: [pageOrigin] },
    });
    await server.start();
    cleanups.push(() => server.close());
    const http = await listen(server);
    cleanups.push(() => http.close());

    const start = (reports: number) =>
      temporal.temporal.client.workflow.start<typeof progressTask>('progressTask', {
        taskQueue,
        workflowId: `progress-${reports}-${randomUUID()}`,
        args: [{ reports, everyMs: EVERY_MS }],
      });
    const historyOf = async (handle: Awaited<ReturnType<typeof start>>) => {
      const history = await handle.fetchHistory();
      return { events: history.events?.length ?? 0, bytes: JSON.stringify(history).length };
    };

    type Round = { p50: number; p99: number; max: number; received: number; inOrder: boolean; events: number };
    const rounds: Round[] = [];
    const screens: Omit<Round, 'events'>[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const handle = await start(REPORTS);
      const token = await server.mintToken({ subject: 'bench', tasks: [handle.workflowId], actions: ['read'] });
      const lags: number[] = [];
      const counters: number[] = [];
      const url = `${http.baseUrl}/temporal/stream/${handle.workflowId}?token=${token}`;
      await page.evaluate(
        (streamUrl) => (globalThis as unknown as { follow(url: string): void }).follow(streamUrl),
        url,
      );
      const source = new EventSource(url);
      source.addEventListener('progress', (event) => {
        const progress = JSON.parse(event.data) as ActivityProgress;
        lags.push(Date.now() - progress.timestamp);
        counters.push(progress.counter);
      });
      await handle.result();
      // The last reports may still be on their way: a moment for them.
      const deadline = Date.now() + 2_000;
      while (counters.length < REPORTS && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      source.close();
      const shown = await page.evaluate(() =>
        (globalThis as unknown as { stop(): { lags: number[]; counters: number[] } }).stop(),
      );
      screens.push(figures(shown.lags, shown.counters));
      const inOrder = counters.every((counter, index) => index === 0 || counter > (counters[index - 1] as number));
      rounds.push({
        p50: percentile(lags, 50),
        p99: percentile(lags, 99),
        max: Math.max(...lags),
        received: counters.length,
        inOrder,
        events: (await historyOf(handle)).events,
      });
      console.log(`[bench] round ${round}: ${JSON.stringify(rounds.at(-1))}, screen ${JSON.stringify(screens.at(-1))}`);
    }
    const quiet = await start(0);
    await quiet.result();
    const quietHistory = await historyOf(quiet);
    const median = (pick: (r: (typeof rounds)[number]) => number) => percentile(rounds.map(pick), 50);
    const extraEvents = median((r) => r.events) - quietHistory.events;

    writeBenchSection(
      'activity-progress',
      `## Activity progress: report → screen, and the history it costs

${machineLine()}
One run of \`packages/recovery-server/bench/activity-progress.bench.ts\`, ${ROUNDS} rounds; load average (1 min) ${loadStart} at the start, ${loadAverage()} at the end, on 2 cores.

An activity run with \`log.proxyActivities()\` calls \`reportProgress()\` ${REPORTS.toLocaleString('en')} times, ${EVERY_MS} ms apart. Each report goes from the worker's activity interceptor to an in-memory bus, to the recovery server's task feed (forwarded at once: progress is live only, there is no log to confirm it against), to two clients: an SSE client in the same Node process (the \`eventsource\` package), which parses the \`progress\` event, and a page in headless Chromium (its own origin, a native \`EventSource\`), which writes the figure into the DOM and takes the time at the next animation frame, when it is painted. Latency is that time minus the report's \`timestamp\` (all on one machine's clock, ms resolution). History: the same workflow run with 0 reports and with ${REPORTS.toLocaleString('en')}, its events counted with \`fetchHistory()\`.

| round | client | p50 | p99 | max | reports received | counters in order |
|---|---|---|---|---|---|---|
${rounds
  .flatMap((r, i) => [
    row(`${i + 1}`, 'Node SSE client, parsed', r),
    row(`${i + 1}`, 'Chromium, on screen', screens[i] as Omit<Round, 'events'>),
  ])
  .join('\n')}
| **median** | Node SSE client | **${median((r) => r.p50)} ms** | **${median((r) => r.p99)} ms** | ${median((r) => r.max)} ms | | |
| **median** | Chromium, on screen | **${percentile(
        screens.map((r) => r.p50),
        50,
      )} ms** | **${percentile(
        screens.map((r) => r.p99),
        50,
      )} ms** | ${percentile(
        screens.map((r) => r.max),
        50,
      )} ms | | |

History events of each round's workflow: ${rounds.map((r) => r.events).join(', ')}.

The same workflow with no report leaves ${quietHistory.events} history events: **${extraEvents} history events per ${REPORTS.toLocaleString('en')} progress reports** (the activity's attempt, its start, its completion and the log's updates are the same events either way). The durable facts about the activity (\`activity.started\`, \`activity.completed\`) are updates in the workflow's log, which add no history event either (queries read them).`,
    );
  } finally {
    await cleanups.run();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
