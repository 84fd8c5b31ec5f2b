/**
 * Activity progress, live: an activity run with `log.proxyActivities()` calls
 * `reportProgress()` 1,000 times (one every 5 ms); each report goes worker → bus →
 * recovery server → SSE. Measured: report → client receipt (the client parses the
 * `progress` event), p50 / p99 / max, every report received in order; and the history
 * each run leaves: the same workflow with 0 and with 1,000 reports, events compared.
 * Worker, bus (in memory), server and client share one process (one clock).
 * Figures go to BENCHMARKS.md (section `activity-progress`).
 *
 *   pnpm --filter @resumable/recovery-server bench:activity-progress
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ActivityProgress } from '@resumable/protocol';
import { machineLine, percentile, writeBenchSection } from '@resumable/kit/bench-report';
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
const SECRET = 'bench-secret-that-is-at-least-32-characters';

/** The activity the benchmark's workflow runs: `reports` reports, `everyMs` apart. */
async function reportMany(input: { reports: number; everyMs: number }): Promise<number> {
  for (let n = 1; n <= input.reports; n++) {
    reportProgress({ n });
    await new Promise((resolve) => setTimeout(resolve, input.everyMs));
  }
  return input.reports;
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
    const server = createRecoveryServer({
      temporal: { client: temporal.temporal.client },
      auth: { secret: SECRET },
      bus,
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

    const rounds: { p50: number; p99: number; max: number; received: number; inOrder: boolean; events: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const handle = await start(REPORTS);
      const token = await server.mintToken({ subject: 'bench', tasks: [handle.workflowId], actions: ['read'] });
      const lags: number[] = [];
      const counters: number[] = [];
      const source = new EventSource(`${http.baseUrl}/temporal/stream/${handle.workflowId}?token=${token}`);
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
      const inOrder = counters.every((counter, index) => index === 0 || counter > (counters[index - 1] as number));
      rounds.push({
        p50: percentile(lags, 50),
        p99: percentile(lags, 99),
        max: Math.max(...lags),
        received: counters.length,
        inOrder,
        events: (await historyOf(handle)).events,
      });
      console.log(`[bench] round ${round}: ${JSON.stringify(rounds.at(-1))}`);
    }
    const quiet = await start(0);
    await quiet.result();
    const quietHistory = await historyOf(quiet);
    const median = (pick: (r: (typeof rounds)[number]) => number) => percentile(rounds.map(pick), 50);
    const extraEvents = median((r) => r.events) - quietHistory.events;

    writeBenchSection(
      'activity-progress',
      `## Activity progress: report → client, and the history it costs

${machineLine()}
One run of \`packages/recovery-server/bench/activity-progress.bench.ts\`, ${ROUNDS} rounds; load average (1 min) ${loadStart} at the start, ${loadAverage()} at the end, on 2 cores.

An activity run with \`log.proxyActivities()\` calls \`reportProgress()\` ${REPORTS.toLocaleString('en')} times, ${EVERY_MS} ms apart. Each report goes from the worker's activity interceptor to an in-memory bus, to the recovery server's task feed (forwarded at once: progress is live only, there is no log to confirm it against), to one SSE client (the \`eventsource\` package), which parses the \`progress\` event. Worker, server and client share one process and one clock: latency is receipt time minus the report's \`timestamp\`. History: the same workflow run with 0 reports and with ${REPORTS.toLocaleString('en')}, its events counted with \`fetchHistory()\`.

| round | report → client p50 | p99 | max | reports received | counters in order | history events |
|---|---|---|---|---|---|---|
${rounds.map((r, i) => `| ${i + 1} | ${r.p50} ms | ${r.p99} ms | ${r.max} ms | ${r.received.toLocaleString('en')} of ${REPORTS.toLocaleString('en')} | ${r.inOrder ? 'yes' : '**no**'} | ${r.events} |`).join('\n')}
| **median** | **${median((r) => r.p50)} ms** | **${median((r) => r.p99)} ms** | ${median((r) => r.max)} ms | | | ${median((r) => r.events)} |

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
