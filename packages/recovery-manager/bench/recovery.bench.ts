/**
 * Recovery figures for BENCHMARKS.md: the in-memory registry at 10,000 pauses, and a
 * full start-up rebuild of N paused workflows from a real Temporal dev server.
 * Run: pnpm --filter @resumable/recovery-manager bench   (RM_BENCH_WORKFLOWS=N to change N)
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { PausedWorkflow } from '@resumable/protocol';
import { bundleWorkflows, startDevServer } from '@resumable/temporal-dev';
import { machineLine, percentile, writeBenchSection } from '@resumable/kit/bench-report';
import { PausedRegistry, pausedVisibilityQuery, pausedWorkflowsRecoverable, RecoveryManager } from '../src/index';
import { pausingWorkflow, pauseStateQuery } from '../test/workflows';

const WORKFLOWS = Number(process.env.RM_BENCH_WORKFLOWS ?? 300);

function pause(i: number): PausedWorkflow {
  return {
    executionId: `order-${i}`,
    workflowType: 'checkout',
    workflowId: 'checkout',
    pausedAt: 'wait-payment',
    pausedTime: new Date(1_767_225_600_000 + i).toISOString(),
    waitingFor: [`event-${i % 100}`],
    timeoutAt: null,
    variables: { orderId: i },
    correlation: `key-${i}`,
  };
}

function registryFigures(): string[] {
  const size = 10_000;
  const registry = new PausedRegistry();
  let delivered = 0;
  registry.subscribe(() => {
    delivered += 1;
  });
  const addStart = performance.now();
  for (let i = 0; i < size; i += 1) registry.add(pause(i));
  const addMs = performance.now() - addStart;
  const deliveredOnAdd = delivered;

  const lookups: number[] = [];
  for (let i = 0; i < 2_000; i += 1) {
    const start = performance.now();
    registry.routesFor(`event-${i % 100}`, i % 2 === 0 ? `key-${i}` : undefined);
    lookups.push((performance.now() - start) * 1000);
  }

  const sameStart = performance.now();
  const unchanged = registry.beginRebuild().commit(Array.from({ length: size }, (_, i) => pause(i)));
  const sameMs = performance.now() - sameStart;
  const changedStart = performance.now();
  const changed = registry
    .beginRebuild()
    .commit(Array.from({ length: size }, (_, i) => (i % 10 === 0 ? { ...pause(i), pausedAt: 'moved' } : pause(i))));
  const changedMs = performance.now() - changedStart;

  return [
    `| add 10,000 pauses (validated, indexed, 1 listener) | ${addMs.toFixed(1)} ms (${((addMs * 1000) / size).toFixed(1)} µs each, ${deliveredOnAdd} changes delivered) |`,
    `| \`routesFor(event, correlation?)\` with 10,000 paused | p50 ${percentile(lookups, 50).toFixed(1)} µs, p99 ${percentile(lookups, 99).toFixed(1)} µs |`,
    `| rebuild commit, 10,000 unchanged | ${sameMs.toFixed(1)} ms (${unchanged.unchanged} unchanged) |`,
    `| rebuild commit, 10,000 with 10% moved | ${changedMs.toFixed(1)} ms (${changed.updated} updated) |`,
  ];
}

async function temporalFigures(): Promise<string[]> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const server = await startDevServer({ log: () => undefined });
  const bundles = await bundleWorkflows(
    { 'recovery-manager': resolve(import.meta.dirname, '..', 'test', 'workflows.ts') },
    join(tmpdir(), 'resumable-rm-bench'),
  );
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const taskQueue = `rm-bench-${Date.now()}`;
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: server.namespace,
    taskQueue,
    workflowBundle: { codePath: bundles['recovery-manager'] as string },
  });
  const running = worker.run();
  try {
    const ids = Array.from({ length: WORKFLOWS }, (_, i) => `${taskQueue}-${i}`);
    for (let from = 0; from < ids.length; from += 25) {
      await Promise.all(
        ids.slice(from, from + 25).map((workflowId, i) =>
          client.workflow.start(pausingWorkflow, {
            taskQueue,
            workflowId,
            args: [{ pausedAt: 'wait-payment', waitingFor: [`event-${(from + i) % 10}`], variables: { n: from + i } }],
          }),
        ),
      );
    }
    // Every pause is set (first workflow task done) and visible before timing starts.
    for (const id of ids) {
      while ((await client.workflow.getHandle(id).query(pauseStateQuery)) === null)
        await new Promise((r) => setTimeout(r, 50));
    }
    const filter = `TaskQueue = '${taskQueue}'`;
    while ((await client.workflow.count(pausedVisibilityQuery(filter))).count < WORKFLOWS) {
      await new Promise((r) => setTimeout(r, 200));
    }

    const rows: string[] = [];
    for (const concurrency of [1, 8, 32]) {
      const times: number[] = [];
      for (let run = 0; run < 3; run += 1) {
        const registry = new PausedRegistry();
        const manager = new RecoveryManager().register(
          pausedWorkflowsRecoverable({ client, registry, filter, concurrency }),
        );
        const report = await manager.recoverAll();
        if (!report.ok || registry.size !== WORKFLOWS) {
          throw new Error(`rebuild incomplete: ${registry.size}/${WORKFLOWS}, ok=${report.ok}`);
        }
        times.push(report.durationMs);
      }
      const median = percentile(times, 50);
      rows.push(
        `| rebuild ${WORKFLOWS} paused workflows from Temporal (list + one \`getPauseState\` query each), concurrency ${concurrency} | median ${median.toFixed(0)} ms of 3 runs (${((WORKFLOWS * 1000) / median).toFixed(0)} executions/s) |`,
      );
    }
    await Promise.all(ids.map((id) => client.workflow.getHandle(id).terminate('bench done')));
    return rows;
  } finally {
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await connection.close();
    await server.stop();
  }
}

const registryRows = registryFigures();
const temporalRows = await temporalFigures();
const markdown = [
  '## @resumable/recovery-manager',
  '',
  machineLine(),
  `Temporal: a local dev server (SQLite, in memory) and one worker in the same process.`,
  '',
  '| what | figure |',
  '|---|---|',
  ...registryRows,
  ...temporalRows,
].join('\n');
writeBenchSection('recovery-manager', markdown);
console.log(markdown);
