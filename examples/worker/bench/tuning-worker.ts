/**
 * One benchmark worker in a process of its own, so its CPU time and RSS are its own
 * and it can be killed with SIGKILL. It reads a `WorkerSpec` (JSON) from
 * `TUNING_WORKER` and talks over IPC: `ready` once polling, `first` for the first live
 * update of each workflow it runs, `stats` when asked.
 */
import type { BusMessage } from '@resumable/protocol';
import { createActivityProgress, createResumableSinks } from '@resumable/workflow-state/worker';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import * as activities from '../src/activities';

/** The worker options a configuration sets; the rest are the SDK's defaults. */
export type Tuning = Pick<
  WorkerOptions,
  | 'maxCachedWorkflows'
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'maxConcurrentActivityTaskExecutions'
  | 'stickyQueueScheduleToStartTimeout'
>;

export interface WorkerSpec {
  address: string;
  namespace: string;
  taskQueue: string;
  codePath: string;
  metricsPort: number;
  tuning: Tuning;
}

/** The options the SDK settled on (defaults filled in), for the report. */
export interface Effective {
  maxCachedWorkflows: number;
  workflowSlots: number | undefined;
  activitySlots: number | undefined;
  stickyTimeoutMs: number;
}

export interface Stats {
  /** User + system CPU of the whole process (Node and the Rust core), µs. */
  cpuMicros: number;
  rssBytes: number;
  maxRssBytes: number;
  cachedWorkflows: number;
  liveUpdates: number;
  /** Counters and histogram counts of the worker's Prometheus exporter, summed over labels. */
  metrics: Record<string, number>;
}

export type FromWorker =
  | { type: 'ready'; effective: Effective }
  | { type: 'first'; taskId: string; at: number }
  | { type: 'stats'; stats: Stats };

/** The metrics the report reads (names as the Rust core exports them). */
export const METRICS = [
  'temporal_sticky_cache_hit',
  'temporal_sticky_cache_miss',
  'temporal_sticky_cache_total_forced_eviction',
  'temporal_workflow_task_execution_latency_count',
  'temporal_workflow_task_schedule_to_start_latency_sum',
  'temporal_workflow_task_schedule_to_start_latency_count',
] as const;

async function scrape(port: number): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const sums: Record<string, number> = Object.fromEntries(METRICS.map((name) => [name, 0]));
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{[^}]*\})?\s+([0-9.eE+-]+)/.exec(line);
    const name = match?.[1];
    if (name !== undefined && name in sums) sums[name] = (sums[name] ?? 0) + Number(match?.[2]);
  }
  return sums;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.env.TUNING_WORKER ?? '') as WorkerSpec;
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${spec.metricsPort}` } } },
  });
  const send = (message: FromWorker) => process.send?.(message);
  const seen = new Set<string>();
  let liveUpdates = 0;
  const bus = {
    publish: async (message: BusMessage) => {
      if (message.kind !== 'update') return;
      liveUpdates++;
      if (seen.has(message.taskId)) return;
      seen.add(message.taskId);
      send({ type: 'first', taskId: message.taskId, at: Date.now() });
    },
  };
  const connection = await NativeConnection.connect({ address: spec.address });
  const worker = await Worker.create({
    connection,
    namespace: spec.namespace,
    taskQueue: spec.taskQueue,
    workflowBundle: { codePath: spec.codePath },
    activities,
    sinks: createResumableSinks({ bus }),
    interceptors: { activity: [createActivityProgress({ bus }).interceptor] },
    shutdownGraceTime: '1s',
    ...spec.tuning,
  });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'stats') {
      void scrape(spec.metricsPort).then((metrics) => {
        const usage = process.cpuUsage();
        send({
          type: 'stats',
          stats: {
            cpuMicros: usage.user + usage.system,
            rssBytes: process.memoryUsage().rss,
            maxRssBytes: process.resourceUsage().maxRSS * 1024,
            cachedWorkflows: worker.getStatus().numCachedWorkflows,
            liveUpdates,
            metrics,
          },
        });
      });
    } else if (message.type === 'stop') worker.shutdown();
  });
  // The benchmark gone (it failed or was stopped): no worker left polling behind it.
  process.once('disconnect', () => worker.getState() === 'RUNNING' && worker.shutdown());
  const running = worker.run();
  // Fixed-size slot suppliers (no custom tuner here) carry the concurrency as numSlots.
  const slots = (supplier: unknown) => (supplier as { numSlots?: number } | undefined)?.numSlots;
  const { tuner } = worker.options;
  send({
    type: 'ready',
    effective: {
      maxCachedWorkflows: worker.options.maxCachedWorkflows,
      workflowSlots: slots(tuner.workflowTaskSlotSupplier),
      activitySlots: slots(tuner.activityTaskSlotSupplier),
      stickyTimeoutMs: Number(worker.options.stickyQueueScheduleToStartTimeoutMs),
    },
  });
  await running;
  await connection.close();
  process.disconnect?.();
}

main().catch((error: unknown) => {
  console.error('[tuning-worker] failed:', error);
  process.exit(1);
});
