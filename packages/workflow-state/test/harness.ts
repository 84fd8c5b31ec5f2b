import type { WorkerOptions } from '@temporalio/worker';
import { createTestWorker } from '@resumable/temporal-dev/vitest';

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
