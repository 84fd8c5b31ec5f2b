/** The `worker-tuning` section of BENCHMARKS.md, from the runs' figures. */
import { machineLine, percentile } from '@resumable/kit/bench-report';
import type { Restart, RestartResult, TaskLoad, TaskLoadResult } from './load';
import type { Effective, Stats } from './tuning-worker';

export interface LoadRow {
  name: string;
  /** The table it answers; `all` is the baseline every table repeats, `repeat` its second run. */
  question: 'all' | 'cache' | 'slots' | 'sticky' | 'repeat';
  effective: Effective;
  result: TaskLoadResult;
  before: Stats;
  after: Stats;
}

export interface RestartRow {
  name: string;
  result: RestartResult;
}

const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value).toLocaleString('en')} ms` : '–');
const count = (value: number) => Math.round(value).toLocaleString('en');
const p = (values: number[], at: number) => ms(percentile(values, at));

function loadTable(rows: LoadRow[], workflows: number): string {
  const head =
    '| configuration | cache / workflow slots / activity slots / sticky timeout | wall | workflows/s | start→result p50 / p95 | query p50 / p95 | worker CPU | peak RSS | workflow tasks | cache hits / misses | forced evictions | workflow task queue wait (mean) |\n' +
    '|---|---|---|---|---|---|---|---|---|---|---|---|';
  const lines = rows.map(({ name, effective: e, result: r, before, after }) => {
    const delta = (metric: string) => (after.metrics[metric] ?? 0) - (before.metrics[metric] ?? 0);
    const cpuS = (after.cpuMicros - before.cpuMicros) / 1e6;
    const done = r.completed === workflows ? '' : ` (${r.completed} of ${workflows} done)`;
    const waitCount = delta('temporal_workflow_task_schedule_to_start_latency_count');
    const wait = waitCount > 0 ? delta('temporal_workflow_task_schedule_to_start_latency_sum') / waitCount : Number.NaN;
    return [
      name,
      `${e.maxCachedWorkflows} / ${e.workflowSlots ?? '?'} / ${e.activitySlots ?? '?'} / ${e.stickyTimeoutMs / 1000} s`,
      `**${ms(r.wallMs)}**${done}`,
      (r.completed / (r.wallMs / 1000)).toFixed(1),
      `**${p(r.latencies, 50)}** / ${p(r.latencies, 95)}`,
      `${p(r.queries, 50)} / ${p(r.queries, 95)}`,
      `${cpuS.toFixed(1)} s (${Math.round((cpuS / (r.wallMs / 1000)) * 100)} % of a core)`,
      `${Math.round(after.maxRssBytes / 2 ** 20)} MiB`,
      count(delta('temporal_workflow_task_execution_latency_count')),
      `${count(delta('temporal_sticky_cache_hit'))} / ${count(delta('temporal_sticky_cache_miss'))}`,
      count(delta('temporal_sticky_cache_total_forced_eviction')),
      ms(wait),
    ].join(' | ');
  });
  return `${head}\n${lines.map((line) => `| ${line} |`).join('\n')}`;
}

function restartTable(rows: RestartRow[]): string {
  const head =
    '| restart | new worker polling after | first workflow moving again | per workflow p50 | p95 | max | moved again |\n' +
    '|---|---|---|---|---|---|---|';
  const lines = rows.map(({ name, result: r }) =>
    [
      name,
      ms(r.startupMs),
      ms(Math.min(...r.stalls)),
      `**${p(r.stalls, 50)}**`,
      p(r.stalls, 95),
      ms(Math.max(...r.stalls)),
      `${r.stalls.length} of ${r.workflows}`,
    ].join(' | '),
  );
  return `${head}\n${lines.map((line) => `| ${line} |`).join('\n')}`;
}

export function renderReport(run: {
  load: TaskLoad;
  restart: Restart;
  loads: LoadRow[];
  restarts: RestartRow[];
  loadAtStart: string;
  loadAtEnd: string;
}): string {
  const { load, restart, loads, restarts } = run;
  const pick = (...questions: LoadRow['question'][]) => loads.filter((row) => questions.includes(row.question));
  const [first, again] = [pick('all')[0], pick('repeat')[0]];
  const spread =
    first && again
      ? `The SDK defaults ran first and again last, to show the run-to-run spread: wall ${ms(first.result.wallMs)} and ${ms(again.result.wallMs)}, start→result p50 ${p(first.result.latencies, 50)} and ${p(again.result.latencies, 50)}, p95 ${p(first.result.latencies, 95)} and ${p(again.result.latencies, 95)}.`
      : '';
  return `## Example worker: tuning the Temporal worker

${machineLine()}
One run of \`examples/worker/bench/worker-tuning.bench.ts\`; load average (1 min) ${run.loadAtStart} at the start, ${run.loadAtEnd} at the end, on 2 cores.

Method: one Temporal dev server (SQLite in memory) on this machine; the workflows bundled once; for each configuration a fresh worker in its own process (TypeScript SDK 1.24, its own task queue), so the CPU time (user + system, Node and the Rust core) and peak RSS are the worker's alone. The load: ${load.workflows} of the example's \`taskWorkflow\` (${load.steps} steps of ${load.stepMs} ms, then the merge, whose first attempt fails and is retried after 1 s; an update per step into the log and live over the sinks) started at once; once all are started, one state query per workflow, ${load.queryConcurrency} at a time, as the recovery server reads on a page load. Start→result is from the client's start call to the workflow's result. Workflow tasks, sticky cache hits and misses (a miss: a task for a workflow no longer cached, so the worker fetches its whole history and replays it), forced evictions (a workflow pushed out of a full cache) and the workflow task queue wait (schedule-to-start) come from the worker's Prometheus metrics. Every configuration but the example worker's changes one option from the SDK's defaults. One run each. ${spread}

### Sticky cache size (\`maxCachedWorkflows\`)

${loadTable(pick('all', 'cache'), load.workflows)}

### Task slots (\`maxConcurrentWorkflowTaskExecutions\`, \`maxConcurrentActivityTaskExecutions\`)

${loadTable(pick('all', 'slots'), load.workflows)}

### Sticky queue timeout under load (\`stickyQueueScheduleToStartTimeout\`)

${loadTable(pick('all', 'sticky'), load.workflows)}

### A worker restart: how long workflows go without progress

${restart.workflows} workflows each emit an update every ${restart.everyMs} ms on timers alone (\`tickWorkflow\` in \`bench/workflows.ts\`: no activity whose own timeout would hide the sticky queue's). After ${restart.runForMs / 1000} s the worker is killed with SIGKILL (or stopped with \`worker.shutdown()\`) and a new worker process with the same options is started on the same task queue at once. Per workflow: from the old worker's end to its first live update from the new worker (the new worker's start-up included, as in a real restart).

${restartTable(restarts)}

Run it: \`pnpm --filter @resumable/example-worker bench:tuning\` (about 5 minutes).`;
}
