import { once } from 'node:events';
import { afterAll, beforeAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { createTestWorker, temporalTestServer, type TestWorker } from '@resumable/temporal-dev/vitest';
import type { WorkerOptions } from '@temporalio/worker';
import type { UpdateBus } from '@resumable/protocol';
import { createInMemoryBus, createSsePublisher } from '@resumable/sse-publisher';
import { createResumableSinks } from '@resumable/workflow-state/worker';
import { createRecoveryServer, type RecoveryServer, type RecoveryServerOptions, type TokenAction } from '../src/index';
import { toNodeHandler } from '../src/adapters/node';

export const SECRET = 'test-secret-that-is-at-least-32-characters-long';

/** A Temporal client that counts the queries it sends, so tests can bound them. */
export async function countingClient(): Promise<{ client: Client; queries: () => number; reset: () => void }> {
  let queries = 0;
  const counter: WorkflowClientInterceptor = {
    async query(input, next) {
      queries++;
      return next(input);
    },
  };
  const { address, namespace } = temporalTestServer();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace, interceptors: { workflow: [counter] } });
  return { client, queries: () => queries, reset: () => void (queries = 0) };
}

export interface ServerInstance {
  server: RecoveryServer;
  http: Server;
  baseUrl: string;
  close(): Promise<void>;
}

/** A recovery server on a real socket (127.0.0.1, port 0), behind the Node adapter. */
export async function startServer(
  client: Client,
  options: Partial<RecoveryServerOptions> & { bus: UpdateBus },
): Promise<ServerInstance> {
  const server = createRecoveryServer({
    temporal: { client },
    auth: { secret: SECRET },
    publisher: createSsePublisher({ retryMs: 20, heartbeatMs: 5_000 }),
    stream: { tailCheckMs: 150, maxTailCheckMs: 1_000, idleMs: 2_000 },
    onError: () => undefined,
    ...options,
  });
  await server.start();
  const http = createServer(toNodeHandler(server));
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const { port } = http.address() as AddressInfo;
  return {
    server,
    http,
    baseUrl: `http://127.0.0.1:${port}/api`,
    async close() {
      await server.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

export interface Harness {
  client: Client;
  queries: () => number;
  resetQueries: () => void;
  bus: UpdateBus;
  worker: TestWorker;
  taskQueue: string;
  token(tasks: string[] | '*', actions?: TokenAction[], ttlSeconds?: number): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real worker (workflows of test/workflows.ts, sinks into `workerBus`) and a
 * query-counting client on the shared dev server.
 */
export async function startHarness(
  options: { bus?: UpdateBus; workerBus?: UpdateBus; worker?: Partial<Omit<WorkerOptions, 'sinks'>> } = {},
): Promise<Harness> {
  const bus = options.bus ?? createInMemoryBus();
  const { client, queries, reset } = await countingClient();
  const worker = await createTestWorker('recovery-server', {
    ...options.worker,
    sinks: createResumableSinks({ bus: options.workerBus ?? bus, onError: () => undefined }),
  });
  const running = worker.worker.run();
  const { mintToken } = await import('../src/auth/tokens');
  return {
    client,
    queries,
    resetQueries: reset,
    bus,
    worker,
    taskQueue: worker.taskQueue,
    token: (tasks, actions = ['read'], ttlSeconds = 300) =>
      mintToken(SECRET, { subject: 'tester', tasks, actions, ttlSeconds }),
    async close() {
      worker.worker.shutdown();
      await running;
      await worker.close();
      await client.connection.close();
    },
  };
}

/** A bus that drops and duplicates a share of what is published (seeded, repeatable). */
export function lossyBus(
  inner: UpdateBus,
  dropRate: number,
  duplicateRate: number,
  seed = 42,
): UpdateBus & { dropped: number; duplicated: number } {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const bus = {
    dropped: 0,
    duplicated: 0,
    async publish(message: Parameters<UpdateBus['publish']>[0]) {
      const roll = random();
      if (roll < dropRate) {
        bus.dropped++;
        return;
      }
      await inner.publish(message);
      if (roll < dropRate + duplicateRate) {
        bus.duplicated++;
        await inner.publish(message);
      }
    },
    subscribe: inner.subscribe.bind(inner),
    close: inner.close.bind(inner),
  };
  return bus;
}

/**
 * Starts a harness and one server before the tests of a `describe` and stops them
 * after; `use` receives both once they are up.
 */
export function useServerHarness(
  use: (harness: Harness, instance: ServerInstance) => void,
  options: { harness?: Parameters<typeof startHarness>[0]; server?: Partial<RecoveryServerOptions> } = {},
): void {
  let harness: Harness | undefined;
  let instance: ServerInstance | undefined;
  beforeAll(async () => {
    harness = await startHarness(options.harness);
    instance = await startServer(harness.client, { bus: harness.bus, ...options.server });
    use(harness, instance);
  });
  afterAll(async () => {
    await instance?.close();
    await harness?.close();
  });
}
