/**
 * workflow-state benchmark: emit → bus latency through the real worker sink, and
 * `getUpdatesSince` / `getWorkflowState` latency on a 10,000-update log, against a
 * real Temporal dev server. Writes the `workflow-state` section of BENCHMARKS.md.
 *
 *   pnpm --filter @resumable/workflow-state bench
 */
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { MAX_UPDATES_PAGE } from '@resumable/protocol';
import { bundleWorkflows, startDevServer } from '../../../tooling/temporal-dev/src/index';
import { machineLine, percentile, writeBenchSection } from '@resumable/kit/bench-report';
import { updatesSinceQuery, workflowStateQuery } from '../src/index';
import { createResumableSinks } from '../src/worker/index';
import { RecordingBus } from '../test/recording-bus';
import { emitMany, emitSignal, onDemand, proceedSignal } from '../test/workflows';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const SINGLE_EMITS = 300;
const BURST = 1_000;
const LOG_SIZE = 10_000;
const QUERIES = 200;

const ms = (value: number) => `${value.toFixed(1)} ms`;
const row = (label: string, values: number[]) =>
  `| ${label} | ${values.length} | ${ms(percentile(values, 50))} | ${ms(percentile(values, 99))} | ${ms(Math.max(...values))} |`;

/** Resolves once `sequence` of `taskId` reached the bus. */
function arrival(bus: RecordingBus, taskId: string, sequence: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const check = () => {
      const hit = bus.messages.find(
        ({ message }) => message.kind === 'update' && message.taskId === taskId && message.update.sequence === sequence,
      );
      if (hit) resolvePromise(hit.receivedAt);
      else if (Date.now() - started > 30_000) reject(new Error(`sequence ${sequence} never reached the bus`));
      else setImmediate(check);
    };
    check();
  });
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const server = await startDevServer({ log: () => undefined });
  try {
    const bundles = await bundleWorkflows(
      { 'workflow-state': join(import.meta.dirname, '..', 'test', 'workflows.ts') },
      join(ROOT, 'node_modules', '.cache', 'resumable-bench-bundles'),
    );
    const bus = new RecordingBus();
    const taskQueue = `bench-${Date.now()}`;
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: server.namespace,
      taskQueue,
      workflowBundle: { codePath: bundles['workflow-state']! },
      sinks: createResumableSinks({ bus }),
    });
    const client = new Client({
      connection: await Connection.connect({ address: server.address }),
      namespace: server.namespace,
    });

    const figures = await worker.runUntil(async () => {
      // 1. One update per workflow task, triggered by a signal, one at a time.
      const live = await client.workflow.start(onDemand, { taskQueue, workflowId: `bench-live-${Date.now()}` });
      const emitToBus: number[] = [];
      const signalToBus: number[] = [];
      for (let sequence = 1; sequence <= SINGLE_EMITS; sequence++) {
        const sent = Date.now();
        await live.signal(emitSignal, 1);
        const received = await arrival(bus, live.workflowId, sequence);
        const update = bus.messages.find(
          ({ message }) =>
            message.kind === 'update' && message.taskId === live.workflowId && message.update.sequence === sequence,
        )!.message;
        if (update.kind !== 'update') throw new Error('unreachable');
        emitToBus.push(received - update.update.timestamp);
        signalToBus.push(received - sent);
      }
      // 2. A burst: 1,000 updates in one workflow task.
      const burstSent = Date.now();
      await live.signal(emitSignal, BURST);
      const burstLast = await arrival(bus, live.workflowId, SINGLE_EMITS + BURST);
      const burst = bus.messages
        .map(({ message, receivedAt }) => ({ message, receivedAt }))
        .filter(
          ({ message }) =>
            message.kind === 'update' && message.taskId === live.workflowId && message.update.sequence > SINGLE_EMITS,
        )
        .map(({ message, receivedAt }) => receivedAt - (message.kind === 'update' ? message.update.timestamp : 0));
      await live.signal(proceedSignal);
      await live.result();

      // 3. Queries on a 10,000-update log, while the workflow runs.
      const big = await client.workflow.start(emitMany, {
        taskQueue,
        workflowId: `bench-log-${Date.now()}`,
        args: [{ count: LOG_SIZE, batch: LOG_SIZE, holdAtEnd: true }],
      });
      for (let tries = 0; (await big.query(workflowStateQuery)).lastSequence < LOG_SIZE; tries++) {
        if (tries > 300) throw new Error('the 10,000-update log never filled');
        await new Promise((r) => setTimeout(r, 100));
      }
      const timed = async (fn: () => Promise<unknown>, count: number) => {
        const values: number[] = [];
        for (let i = 0; i < count; i++) {
          const started = performance.now();
          await fn();
          values.push(performance.now() - started);
        }
        return values;
      };
      // A fixed pseudo-random walk over the log, so runs compare.
      let seed = 7;
      const nextSince = () => {
        seed = (seed * 48_271) % 2_147_483_647;
        return seed % LOG_SIZE;
      };
      const page100 = await timed(() => big.query(updatesSinceQuery, nextSince(), 100), QUERIES);
      const page500 = await timed(() => big.query(updatesSinceQuery, nextSince(), MAX_UPDATES_PAGE), QUERIES);
      const tail = await timed(() => big.query(updatesSinceQuery, LOG_SIZE - 1, 100), QUERIES);
      const state = await timed(() => big.query(workflowStateQuery), 50);
      const stateSize = Buffer.byteLength(JSON.stringify(await big.query(workflowStateQuery)));
      const pageSize = Buffer.byteLength(JSON.stringify(await big.query(updatesSinceQuery, 0, MAX_UPDATES_PAGE)));
      await big.signal(proceedSignal);
      await big.result();
      return {
        emitToBus,
        signalToBus,
        burst,
        burstSpan: burstLast - burstSent,
        page100,
        page500,
        tail,
        state,
        stateSize,
        pageSize,
      };
    });
    await client.connection.close();
    await nativeConnection.close();

    const markdown = `## workflow-state: emit → bus, and queries on a 10,000-update log

${machineLine()}

Real Temporal dev server (SQLite, in memory) and a real worker on this machine; the
bus is an in-memory recording \`UpdateBus\`, so the figures are the workflow and sink
path itself. "emit → bus" is from the update's \`timestamp\` (the workflow's clock: the
start of the workflow task that emitted it) to its arrival on the bus. "signal → bus"
adds the client's signal round trip through the server. Script:
\`packages/workflow-state/bench/workflow-state.bench.ts\`.

| live path | updates | p50 | p99 | max |
|---|---|---|---|---|
${row('emit → bus, one update per workflow task', figures.emitToBus)}
${row('signal sent → update on the bus', figures.signalToBus)}
${row(`emit → bus, burst of ${BURST} in one task`, figures.burst)}

The burst of ${BURST} took ${ms(figures.burstSpan)} from signal to the last update on the bus.

| query on a running ${LOG_SIZE.toLocaleString('en')}-update log | calls | p50 | p99 | max |
|---|---|---|---|---|
${row('`getUpdatesSince(random, 100)`', figures.page100)}
${row(`\`getUpdatesSince(random, ${MAX_UPDATES_PAGE})\``, figures.page500)}
${row('`getUpdatesSince(9999, 100)` (the tail)', figures.tail)}
${row('`getWorkflowState` (newest 2,000, bounded)', figures.state)}

Answer sizes: \`getWorkflowState\` ${(figures.stateSize / 1024).toFixed(0)} KiB, a full
\`getUpdatesSince\` page ${(figures.pageSize / 1024).toFixed(0)} KiB (Temporal warns at 512 KB, refuses at 2 MB).
`;
    writeBenchSection('workflow-state', markdown);
    process.stdout.write(`${markdown}\n`);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
