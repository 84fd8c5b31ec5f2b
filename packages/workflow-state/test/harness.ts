import { afterAll, beforeAll } from 'vitest';
import type { Client } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import { connectTestClient, createTestWorker } from '@resumable/temporal-dev/vitest';
import { createResumableSinks } from '../src/worker/index';
import { RecordingBus } from './recording-bus';

export interface RunningWorker {
  taskQueue: string;
  stop(): Promise<void>;
}

/**
 * A real worker on the shared dev server running this package's test workflows,
 * polling in the background for a whole test file.
 */
export async function startWorker(
  options: Partial<Omit<WorkerOptions, 'connection' | 'workflowBundle' | 'workflowsPath'>> = {},
): Promise<RunningWorker> {
  const testWorker = await createTestWorker('workflow-state', options);
  const running = testWorker.worker.run();
  return {
    taskQueue: testWorker.taskQueue,
    stop: async () => {
      if (testWorker.worker.getState() === 'RUNNING') testWorker.worker.shutdown();
      await running;
      await testWorker.close();
    },
  };
}

/** What `useWorkflowHarness` provides; `client` and `worker` are set once its beforeAll has run. */
export interface WorkflowHarness {
  readonly client: Client;
  readonly worker: RunningWorker;
  /** Everything the worker's resumable sinks published. */
  readonly bus: RecordingBus;
}

/**
 * Registers beforeAll/afterAll in the calling describe (or file): a client and a
 * real worker whose resumable sinks publish to a fresh `bus`, both closed
 * afterwards. Read `client` and `worker` inside hooks and tests, not at module level.
 */
export function useWorkflowHarness(): WorkflowHarness {
  const bus = new RecordingBus();
  const harness = { bus } as { client: Client; worker: RunningWorker; bus: RecordingBus };
  beforeAll(async () => {
    harness.client = await connectTestClient();
    harness.worker = await startWorker({ sinks: createResumableSinks({ bus }) });
  });
  afterAll(async () => {
    await harness.worker?.stop();
    await harness.client?.connection.close();
  });
  return harness;
}
