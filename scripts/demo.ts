/**
 * The one-command demo: a Temporal dev server (with its web UI), a worker, and a
 * small workflow whose updates print live as the workflow emits them.
 *
 *   pnpm demo            run the workflow, then keep the server up until Ctrl-C
 *   pnpm demo --once     exit when the workflow completes
 */
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { WorkflowUpdate } from '@resumable/protocol';
import { startDevServer } from '../tooling/temporal-dev/src/index';
import type { DemoSinks } from './demo/workflows';

const once = process.argv.includes('--once');
const TASK_QUEUE = process.env.TEMPORAL_TASK_QUEUE ?? 'resumable-demo';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const server = await startDevServer({ ui: true, port: Number(process.env.TEMPORAL_PORT ?? 7233) });
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const { code } = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./demo/workflows.ts', import.meta.url)),
    webpackConfigHook: (config) => {
      config.resolve ??= {};
      config.resolve.conditionNames = ['@resumable/source', 'import', 'module', 'webpack', 'browser', 'default'];
      return config;
    },
    logger: new DefaultLogger('WARN'),
  });
  const sinks: import('@temporalio/worker').InjectedSinks<DemoSinks> = {
    progress: {
      emit: {
        fn: (info, update: WorkflowUpdate) =>
          console.log(`  #${update.sequence} ${info.workflowId} ${update.type} ${JSON.stringify(update.data)}`),
        callDuringReplay: false,
      },
    },
  };
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address: server.address }),
    namespace: server.namespace,
    taskQueue: TASK_QUEUE,
    workflowBundle: { code },
    sinks,
  });
  const running = worker.run();

  const client = new Client({ connection: await Connection.connect({ address: server.address }), namespace: server.namespace });
  const workflowId = `demo-${Date.now()}`;
  console.log(`\nTemporal web UI: ${server.uiUrl}`);
  console.log(`Starting workflow ${workflowId}; updates as they happen:`);
  const handle = await client.workflow.start('demoTask', { taskQueue: TASK_QUEUE, workflowId });
  const state = (await handle.result()) as { status: string; lastSequence: number };
  console.log(`Workflow ${workflowId} finished: ${state.status}, ${state.lastSequence} updates in its durable log.`);
  console.log(`See it in the web UI: ${server.uiUrl}/namespaces/${server.namespace}/workflows/${workflowId}`);

  if (once) {
    worker.shutdown();
    await running;
    await client.connection.close();
    await server.stop();
    return;
  }
  console.log('\nThe dev server and worker keep running. Press Ctrl-C to stop.');
  await running;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
