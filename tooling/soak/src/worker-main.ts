/**
 * The soak's worker, in its own process so the soak can kill -9 it: runs `soakTask`
 * from a prebuilt bundle and pushes every update live to Redis.
 * Env: TEMPORAL_ADDRESS, SOAK_TASK_QUEUE, SOAK_BUNDLE, REDIS_URL.
 */
import { createRedisBus } from '@resumable/sse-publisher/redis';
import { createResumableSinks } from '@resumable/workflow-state/worker';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { required } from './env';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  let dropped = 0;
  const bus = createRedisBus({
    url: required('REDIS_URL'),
    // Redis stops during the soak: lost live updates are the clients' to repair.
    onError: () => void dropped++,
  });
  const connection = await NativeConnection.connect({ address: required('TEMPORAL_ADDRESS') });
  const worker = await Worker.create({
    connection,
    taskQueue: required('SOAK_TASK_QUEUE'),
    workflowBundle: { codePath: required('SOAK_BUNDLE') },
    sinks: createResumableSinks({ bus }),
    maxCachedWorkflows: 200,
    shutdownGraceTime: '1s',
  });
  process.once('SIGTERM', () => worker.shutdown());
  console.log('ready');
  await worker.run();
  await bus.close();
  await connection.close();
  if (dropped) console.log(`bus errors: ${dropped}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
