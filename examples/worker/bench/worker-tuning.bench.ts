/**
 * Worker tuning, measured: the example's task workflow under a fixed load on workers
 * configured differently (sticky cache size, workflow and activity task slots, the
 * sticky queue's schedule-to-start timeout), and the stall after a worker restart with
 * the default and a short sticky timeout. Each worker runs in its own process (its CPU
 * and RSS are its own; it can be killed with SIGKILL) against one Temporal dev server.
 * Writes the `worker-tuning` section of BENCHMARKS.md.
 *
 *   pnpm --filter @resumable/example-worker bench:tuning [--quick]
 *
 * `--quick` runs a tiny load, one configuration and one restart, for a smoke test, and
 * writes nothing.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeBenchSection } from '@resumable/kit/bench-report';
import { freePort } from '@resumable/kit/net';
import { bundleWorkflows, startDevServer } from '@resumable/temporal-dev';
import { Client, Connection } from '@temporalio/client';
import { runRestart, runTaskLoad, type Restart, type TaskLoad } from './load';
import { renderReport, type LoadRow, type RestartRow } from './report';
import type { Tuning, WorkerSpec } from './tuning-worker';
import { forkWorker } from './worker-process';

const QUICK = process.argv.includes('--quick');
const WATCHDOG_MS = QUICK ? 60_000 : 8 * 60_000;

const LOAD: TaskLoad = QUICK
  ? { workflows: 10, steps: 2, stepMs: 20, queryConcurrency: 5, timeoutMs: 15_000 }
  : { workflows: 200, steps: 4, stepMs: 50, queryConcurrency: 20, timeoutMs: 60_000 };
const RESTART: Restart = QUICK
  ? { workflows: 5, everyMs: 500, ticks: 30, runForMs: 1_500, timeoutMs: 15_000 }
  : { workflows: 40, everyMs: 500, ticks: 80, runForMs: 4_000, timeoutMs: 30_000 };

/** The load's configurations: each changes one thing from the SDK's defaults. */
const LOADS: { name: string; question: LoadRow['question']; tuning: Tuning }[] = [
  { name: 'SDK defaults', question: 'all', tuning: {} },
  {
    name: 'the example worker (10 workflow, 10 activity slots)',
    question: 'slots',
    tuning: { maxConcurrentWorkflowTaskExecutions: 10, maxConcurrentActivityTaskExecutions: 10 },
  },
  { name: '`maxCachedWorkflows: 10`', question: 'cache', tuning: { maxCachedWorkflows: 10 } },
  { name: '`maxCachedWorkflows: 1000`', question: 'cache', tuning: { maxCachedWorkflows: 1000 } },
  {
    name: '`maxConcurrentWorkflowTaskExecutions: 2`',
    question: 'slots',
    tuning: { maxConcurrentWorkflowTaskExecutions: 2 },
  },
  {
    name: '`maxConcurrentActivityTaskExecutions: 5`',
    question: 'slots',
    tuning: { maxConcurrentActivityTaskExecutions: 5 },
  },
  {
    name: '`stickyQueueScheduleToStartTimeout: 1s`',
    question: 'sticky',
    tuning: { stickyQueueScheduleToStartTimeout: '1s' },
  }, // The defaults again, last: how far two runs of one configuration differ.
  { name: 'SDK defaults, again', question: 'repeat', tuning: {} },
];
const RESTARTS: { name: string; tuning: Tuning; graceful: boolean }[] = [
  { name: 'kill -9, sticky timeout 10 s (default)', tuning: {}, graceful: false },
  { name: 'kill -9, sticky timeout 1 s', tuning: { stickyQueueScheduleToStartTimeout: '1s' }, graceful: false },
  { name: 'graceful stop (`worker.shutdown()`), sticky timeout 10 s', tuning: {}, graceful: true },
];

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?';
const log = (line: string) => console.log(`[worker-tuning] ${line}`);

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  const dev = await startDevServer({ log: () => undefined });
  const watchdog = setTimeout(() => {
    console.error(`[worker-tuning] over ${WATCHDOG_MS / 1000} s: giving up`);
    void dev.stop().finally(() => process.exit(1));
  }, WATCHDOG_MS);
  const connection = await Connection.connect({ address: dev.address });
  try {
    const client = new Client({ connection, namespace: dev.namespace });
    const bundles = await bundleWorkflows(
      { tuning: resolve(import.meta.dirname, 'workflows.ts') },
      join(tmpdir(), 'resumable-worker-tuning'),
    );
    let round = 0;
    const spec = async (tuning: Tuning): Promise<WorkerSpec> => ({
      address: dev.address,
      namespace: dev.namespace,
      taskQueue: `tuning-${process.pid}-${++round}`,
      codePath: bundles.tuning as string,
      metricsPort: await freePort(),
      tuning,
    });

    const loads: LoadRow[] = [];
    for (const { name, question, tuning } of QUICK ? LOADS.slice(0, 1) : LOADS) {
      const workerSpec = await spec(tuning);
      const worker = await forkWorker(workerSpec);
      const before = await worker.stats();
      const result = await runTaskLoad(client, workerSpec.taskQueue, LOAD);
      const after = await worker.stats();
      await worker.stop();
      loads.push({ name, question, effective: worker.effective, result, before, after });
      log(`${name}: ${result.completed}/${LOAD.workflows} in ${Math.round(result.wallMs)} ms`);
    }

    const restarts: RestartRow[] = [];
    for (const { name, tuning, graceful } of QUICK ? RESTARTS.slice(1, 2) : RESTARTS) {
      const workerSpec = await spec(tuning);
      const first = await forkWorker(workerSpec);
      const result = await runRestart(
        client,
        workerSpec.taskQueue,
        RESTART,
        first,
        (worker) => (graceful ? worker.stop() : worker.kill()),
        async () => forkWorker({ ...workerSpec, metricsPort: await freePort() }),
      );
      restarts.push({ name, result });
      log(`${name}: ${result.stalls.length}/${result.workflows} moved again`);
    }

    const markdown = renderReport({
      load: LOAD,
      restart: RESTART,
      loads,
      restarts,
      loadAtStart,
      loadAtEnd: loadAverage(),
    });
    if (QUICK) console.log(markdown);
    else writeBenchSection('worker-tuning', markdown);
  } finally {
    clearTimeout(watchdog);
    await connection.close();
    await dev.stop();
  }
}

main().catch((error: unknown) => {
  console.error('[worker-tuning] failed:', error);
  process.exit(1);
});
