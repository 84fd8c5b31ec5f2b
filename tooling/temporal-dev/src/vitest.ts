import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { inject } from 'vitest';
import { findTemporalCli } from './resolve-cli';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    workflowBundles: Record<string, string>;
    /** The Temporal CLI binary the run's dev server came from ('' when it was given by address). */
    temporalCliPath: string;
  }
}

/** The dev server the global setup started for this test run. */
export function temporalTestServer(): { address: string; namespace: string } {
  return { address: inject('temporalAddress'), namespace: inject('temporalNamespace') };
}

/** A client on the shared dev server; close its `connection` when done. */
export async function connectTestClient(): Promise<Client> {
  const { address, namespace } = temporalTestServer();
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
}

/** A fresh task queue name, so tests never pick up each other's tasks. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

let runtimeInstalled = false;

/** Worker logs at WARN, so test output shows failures, not every state change. */
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger(process.env.TEMPORAL_LOG_LEVEL === 'DEBUG' ? 'DEBUG' : 'WARN') });
  } catch {
    // Already installed by the test itself: keep its choice.
  }
}

export interface TestWorker {
  worker: Worker;
  taskQueue: string;
  /** Runs `fn` while the worker polls, then shuts the worker down. */
  runUntil<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * A real worker on the shared dev server, running a workflow bundle made once per
 * test run by the global setup (`bundle` is its name, e.g. the package folder).
 */
export async function createTestWorker(
  bundle: string,
  options: Partial<Omit<WorkerOptions, 'connection' | 'workflowBundle' | 'workflowsPath'>> = {},
): Promise<TestWorker> {
  installQuietRuntime();
  const { address, namespace } = temporalTestServer();
  const codePath = inject('workflowBundles')[bundle];
  if (!codePath) throw new Error(`No workflow bundle named "${bundle}": add test/workflows.ts to that package`);
  const connection = await NativeConnection.connect({ address });
  const taskQueue = options.taskQueue ?? uniqueTaskQueue(bundle);
  const worker = await Worker.create({
    connection,
    namespace,
    workflowBundle: { codePath },
    ...options,
    taskQueue,
  });
  return {
    worker,
    taskQueue,
    runUntil: (fn) => worker.runUntil(fn),
    close: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      // The connection can close only once the worker let go of it, however the
      // worker was run (runUntil, or run() started by the test).
      const deadline = Date.now() + 30_000;
      while (['STOPPING', 'DRAINING', 'DRAINED'].includes(worker.getState()) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The worker says STOPPED before its native shutdown finishes and it lets go of the
      // connection; on a slower server (a cluster) that gap is long enough to be hit.
      for (;;) {
        try {
          await connection.close();
          return;
        } catch (error) {
          if ((error as Error).name !== 'IllegalStateError' || Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    },
  };
}

/**
 * A query for a test's final check, with a deadline per try and a few tries. After a
 * workflow task failed, Temporal can lose one query: the worker evicts the run with
 * the query still buffered, and the server answers DEADLINE_EXCEEDED only after 30 s.
 * The next try is answered normally.
 */
export async function queryPatiently<T>(
  handle: WorkflowHandle,
  name: string,
  options: { tries?: number; timeoutMs?: number } = {},
): Promise<T> {
  const tries = options.tries ?? 3;
  const failures: string[] = [];
  for (let attempt = 1; attempt <= tries; attempt++) {
    try {
      return await handle.client.withDeadline(Date.now() + (options.timeoutMs ?? 10_000), () => handle.query<T>(name));
    } catch (error) {
      const cause = (error as { cause?: Error }).cause?.message;
      failures.push(`${(error as Error).message}${cause ? ` (${cause})` : ''}`);
    }
  }
  throw new Error(`query ${name} of ${handle.workflowId} failed ${tries} times: ${failures.join('; ')}`);
}

/**
 * Resets a workflow to its first workflow task with the Temporal CLI, as an operator
 * would (`temporal workflow reset --type FirstWorkflowTask`): a new run re-executes it
 * from the start, signals received since applied again. Uses the CLI the run's dev
 * server came from, else one `findTemporalCli` finds.
 */
export async function resetWithCli(workflowId: string): Promise<void> {
  const cli = inject('temporalCliPath') || findTemporalCli()?.path;
  if (!cli)
    throw new Error('No Temporal CLI to reset with: set TEMPORAL_CLI_PATH (the dev server was given by address)');
  const { address, namespace } = temporalTestServer();
  const args = ['workflow', 'reset', '--workflow-id', workflowId, '--type', 'FirstWorkflowTask'];
  await promisify(execFile)(cli, [...args, '--reason', 'test', '--address', address, '--namespace', namespace]);
}
