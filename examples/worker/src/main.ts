/**
 * The example worker, in its own process: runs the
 * task, order, invoice and test-cycle workflows and pushes every update to the app
 * over the HTTP bus (`POST <app>/api/resumable/bus`, authenticated with the bus
 * secret). Stops cleanly on SIGINT / SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import { createHttpBusSender } from '@resumable/sse-publisher';
import { createEncryptionCodec, encryptedBus } from '@resumable/workflow-state/codec';
import { createActivityProgress, createResumableSinks } from '@resumable/workflow-state/worker';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import * as activities from './activities';
import { readConfig } from './config';

async function main(): Promise<void> {
  const config = readConfig();
  Runtime.install({ logger: new DefaultLogger(config.logLevel) });

  let dropped = 0;
  const sender = createHttpBusSender({
    url: config.busUrl,
    secret: config.busSecret,
    // Lost live updates are repaired by the browser from the workflow's log; just count them.
    onError: (error, { dropped: count = 0 }) => {
      dropped += count;
      if (dropped === count || dropped % 100 === 0)
        console.warn(`[worker] bus: ${dropped} update(s) not delivered live (${error.message})`);
    },
  });
  // With keys, what the worker posts is sealed: update data, statuses and progress
  // details never cross the network in clear. The app opens them with the same keys.
  const bus = config.payloadKeys ? encryptedBus(sender, config.payloadKeys) : sender;
  const connection = await NativeConnection.connect(config.connection);
  const worker = await Worker.create({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    ...(config.workflowBundle
      ? { workflowBundle: { codePath: config.workflowBundle } }
      : {
          workflowsPath: fileURLToPath(new URL('./workflows/index.ts', import.meta.url)),
          bundlerOptions: {
            // Workspace packages resolve to their sources, so no package build is needed.
            webpackConfigHook: (webpack) => {
              webpack.resolve ??= {};
              webpack.resolve.conditionNames = [
                '@resumable/source',
                'import',
                'module',
                'webpack',
                'browser',
                'default',
              ];
              return webpack;
            },
          },
        }),
    activities,
    // With RESUMABLE_PAYLOAD_KEYS set, inputs, results, signals and the update log are
    // encrypted in Temporal's history; the app's client needs the same keys.
    ...(config.payloadKeys
      ? { dataConverter: { payloadCodecs: [createEncryptionCodec({ keyRing: config.payloadKeys })] } }
      : {}),
    sinks: createResumableSinks({ bus }),
    // Lets activities call reportProgress(): live progress over the same bus, no history.
    interceptors: { activity: [createActivityProgress({ bus }).interceptor] },
    maxConcurrentActivityTaskExecutions: config.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: config.maxConcurrentWorkflows,
    // Unset: the SDK's defaults. The trade-offs, measured: docs/operations.md, "Worker tuning".
    ...(config.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: config.maxCachedWorkflows }),
    ...(config.stickyQueueScheduleToStartTimeoutMs === undefined
      ? {}
      : { stickyQueueScheduleToStartTimeout: config.stickyQueueScheduleToStartTimeoutMs }),
    shutdownGraceTime: '2s',
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: shutting down`);
    worker.shutdown();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));

  console.log(
    `[worker] ready: task queue ${config.taskQueue} on ${config.address} (namespace ${config.namespace}), ` +
      `live updates to ${config.busUrl}`,
  );
  await worker.run();
  await bus.close();
  await connection.close();
  console.log('[worker] stopped');
}

main().catch((error: unknown) => {
  console.error('[worker] failed:', error);
  process.exit(1);
});
