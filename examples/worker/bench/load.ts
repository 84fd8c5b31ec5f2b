/**
 * The two loads: many task workflows started at once (throughput, latency, queries),
 * and tickers across a worker restart (how long until progress resumes).
 */
import { randomUUID } from 'node:crypto';
import { QUERY_NAMES } from '@resumable/protocol';
import type { Client } from '@temporalio/client';
import type { taskWorkflow, tickWorkflow } from './workflows';
import type { WorkerProcess } from './worker-process';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export interface TaskLoad {
  workflows: number;
  steps: number;
  stepMs: number;
  /** Queries in flight at once in the query pass. */
  queryConcurrency: number;
  timeoutMs: number;
}

export interface TaskLoadResult {
  wallMs: number;
  completed: number;
  /** Each completed workflow's start call → result, ms. */
  latencies: number[];
  /** One state query per workflow once all are started, ms each. */
  queries: number[];
  failures: number;
}

/** Starts `workflows` task workflows at once, queries each once, waits for every result. */
export async function runTaskLoad(client: Client, taskQueue: string, load: TaskLoad): Promise<TaskLoadResult> {
  const prefix = `tuning-${randomUUID().slice(0, 8)}`;
  const latencies: number[] = [];
  const queries: number[] = [];
  let failures = 0;
  const t0 = performance.now();
  let last = t0;
  const runs = Array.from({ length: load.workflows }, async (_, i) => {
    const started = performance.now();
    const handle = await client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
      taskQueue,
      workflowId: `${prefix}-${i}`,
      args: [{ title: `load ${i}`, steps: load.steps, stepMs: load.stepMs }],
    });
    return {
      handle,
      done: handle.result().then(
        () => {
          last = performance.now();
          latencies.push(last - started);
        },
        () => void failures++,
      ),
    };
  });
  const handles = await Promise.all(runs);
  // The recovery server's reads, as on a page load: a query per workflow, while they run.
  const queue = handles.map(({ handle }) => handle);
  const querying = Array.from({ length: load.queryConcurrency }, async () => {
    for (let handle = queue.shift(); handle; handle = queue.shift()) {
      const at = performance.now();
      try {
        await handle.query(QUERY_NAMES.state);
        queries.push(performance.now() - at);
      } catch {
        failures++;
      }
    }
  });
  await Promise.race([Promise.all([...handles.map(({ done }) => done), ...querying]), sleep(load.timeoutMs)]);
  return { wallMs: last - t0, completed: latencies.length, latencies, queries, failures };
}

export interface Restart {
  workflows: number;
  everyMs: number;
  ticks: number;
  /** How long the first worker runs them before it goes. */
  runForMs: number;
  /** How long to wait for every workflow to move again on the second worker. */
  timeoutMs: number;
}

export interface RestartResult {
  /** From the first worker's end to the second one polling, ms. */
  startupMs: number;
  /** Per workflow: the first worker's end → its first update from the second worker, ms. */
  stalls: number[];
  workflows: number;
}

/**
 * Runs tickers on `first`, ends it with `end` (a kill or a graceful stop), starts the
 * replacement with `next`, and measures how long each workflow goes without progress.
 */
export async function runRestart(
  client: Client,
  taskQueue: string,
  load: Restart,
  first: WorkerProcess,
  end: (worker: WorkerProcess) => Promise<void>,
  next: () => Promise<WorkerProcess>,
): Promise<RestartResult> {
  const prefix = `tick-${randomUUID().slice(0, 8)}`;
  const handles = await Promise.all(
    Array.from({ length: load.workflows }, (_, i) =>
      client.workflow.start<typeof tickWorkflow>('tickWorkflow', {
        taskQueue,
        workflowId: `${prefix}-${i}`,
        args: [{ ticks: load.ticks, everyMs: load.everyMs }],
      }),
    ),
  );
  await sleep(load.runForMs);
  const endedAt = Date.now();
  await end(first);
  const second = await next();
  const deadline = Date.now() + load.timeoutMs;
  while (second.firsts.size < load.workflows && Date.now() < deadline) await sleep(50);
  const stalls = handles.flatMap(({ workflowId }) => {
    const at = second.firsts.get(workflowId);
    return at === undefined ? [] : [at - endedAt];
  });
  await Promise.allSettled(handles.map((handle) => handle.terminate('benchmark round over')));
  await second.stop();
  return { startupMs: second.readyAt - endedAt, stalls, workflows: load.workflows };
}
