/**
 * The real back end for the hook tests: a Temporal worker running test/workflows.ts
 * on the shared dev server, its sinks publishing to an in-memory bus, and real
 * `@resumable/recovery-server` instances on 127.0.0.1 behind the Node adapter. A
 * thin wrapper around the Node handler records every request (what users' browsers
 * would send) so tests can count requests and open streams.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QUERY_NAMES, type BusMessage, type UpdateBus, type UpdatesPage } from '@resumable/protocol';
import {
  createRecoveryServer,
  type RecoveryServer,
  type RecoveryServerOptions,
  type TokenAction,
} from '@resumable/recovery-server';
import { toNodeHandler } from '@resumable/recovery-server/node';
import { createInMemoryBus, createSsePublisher } from '@resumable/sse-publisher';
import { connectTestClient, createTestWorker, type TestWorker } from '@resumable/temporal-dev/vitest';
import { createActivityProgress, createResumableSinks } from '@resumable/workflow-state/worker';
import * as activities from './activities';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll } from 'vitest';
import { emitTicks, finishTicks, mixedOnSignal, taggedOnSignal, tickOnSignal } from './workflows';

export const SECRET = 'react-hooks-test-secret-of-at-least-32-characters';

/** One request as the recovery server's Node handler received it. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  lastEventId: string | undefined;
  /** The answer's status (0 until the head is sent). */
  readonly status: number;
  /** True once the response (for a stream: the connection) has closed. */
  closed: boolean;
}

export interface RealServer {
  server: RecoveryServer;
  /** e.g. `http://127.0.0.1:41234/api`. */
  apiBaseUrl: string;
  requests: SeenRequest[];
  /** Requests to `GET /api/temporal/stream/:taskId`. */
  streamRequests(taskId: string): SeenRequest[];
  /** Task streams answered 200 and still open. */
  openStreams(taskId: string): number;
  /** Requests to `GET /api/workflow/paused-stream`. */
  pausedStreamRequests(): SeenRequest[];
  /** A token minted by this server (default: read the given tasks for 5 minutes). */
  token(tasks: string[] | '*', options?: { actions?: TokenAction[]; ttlSeconds?: number }): Promise<string>;
  /** Stops listening (open connections are dropped); the recovery server stays. */
  stopListening(): Promise<void>;
  /** Listens again on the same port. */
  listenAgain(): Promise<void>;
  close(): Promise<void>;
}

/** A running `tickOnSignal` workflow. */
export interface TickingTask {
  taskId: string;
  handle: WorkflowHandle<typeof tickOnSignal>;
  /** Makes the workflow emit `count` more updates. */
  emit(count: number): Promise<void>;
  /** Completes the workflow. */
  finish(): Promise<void>;
  /** The durable log's last sequence (a query). */
  logLength(): Promise<number>;
}

export interface Backend {
  client: Client;
  worker: TestWorker;
  /**
   * While set, live bus messages of the worker for which it returns true are lost
   * (the live path is best-effort; only the durable log has them).
   */
  dropLive: ((message: BusMessage) => boolean) | undefined;
  /**
   * Starts `tickOnSignal` (or, with `mixed`, `mixedOnSignal`: ticks and milestones; with
   * `tagged`, `taggedOnSignal`: ticks naming their run).
   */
  startTicking(name: string, workflow?: 'ticks' | 'mixed' | 'tagged'): Promise<TickingTask>;
  startServer(options?: Partial<RecoveryServerOptions>): Promise<RealServer>;
  close(): Promise<void>;
}

let counter = 0;
/** A workflow id nobody else uses on the shared dev server. */
export const uniqueId = (name: string) => `rh-${name}-${Date.now().toString(36)}-${++counter}`;

/** Starts a worker for bundle 'react-hooks' with sinks into a bus the servers listen on. */
export async function startBackend(): Promise<Backend> {
  const bus = createInMemoryBus();
  const client = await connectTestClient();
  const backend: Backend = {
    client,
    worker: undefined as unknown as TestWorker,
    dropLive: undefined,
    async startTicking(name, workflow = 'ticks') {
      const taskId = uniqueId(name);
      const workflows = { ticks: tickOnSignal, mixed: mixedOnSignal, tagged: taggedOnSignal };
      const handle = await client.workflow.start(workflows[workflow], {
        taskQueue: backend.worker.taskQueue,
        workflowId: taskId,
      });
      return {
        taskId,
        handle,
        emit: (count) => handle.signal(emitTicks, count),
        finish: () => handle.signal(finishTicks),
        logLength: async () =>
          (await handle.query<UpdatesPage, [number, number]>(QUERY_NAMES.updatesSince, 0, 1)).lastSequence,
      };
    },
    startServer: (options) => startRealServer(client, bus, options),
    async close() {
      backend.worker.worker.shutdown();
      await running;
      await backend.worker.close();
      await client.connection.close();
      await bus.close();
    },
  };
  // The worker's side of the bus: what `dropLive` picks is lost on the way.
  const workerBus: UpdateBus = {
    publish: (message) => (backend.dropLive?.(message) ? Promise.resolve() : bus.publish(message)),
    subscribe: (topic, handler) => bus.subscribe(topic, handler),
    close: async () => undefined,
  };
  backend.worker = await createTestWorker('react-hooks', {
    sinks: createResumableSinks({ bus: workerBus, onError: () => undefined }),
    activities,
    interceptors: { activity: [createActivityProgress({ bus: workerBus }).interceptor] },
  });
  const running = backend.worker.worker.run();
  return backend;
}

/** A test file's back end and its shared recovery server; set once its beforeAll has run. */
export interface RealStack {
  readonly backend: Backend;
  readonly server: RealServer;
}

/**
 * Registers beforeAll/afterAll in the calling file: starts the back end and one
 * recovery server on it, and closes both afterwards. Read `backend` and `server`
 * inside hooks and tests, not at module level.
 */
export function setupRealStack(): RealStack {
  const stack = {} as { backend: Backend; server: RealServer };
  beforeAll(async () => {
    stack.backend = await startBackend();
    stack.server = await stack.backend.startServer();
  });
  afterAll(async () => {
    await stack.server?.close();
    await stack.backend?.close();
  });
  return stack;
}

/** A recovery server with test-friendly timings, on a real socket. */
async function startRealServer(
  client: Client,
  bus: UpdateBus,
  options: Partial<RecoveryServerOptions> = {},
): Promise<RealServer> {
  const server = createRecoveryServer({
    temporal: { client },
    auth: { secret: SECRET },
    bus,
    publisher: createSsePublisher({ retryMs: 20, heartbeatMs: 5_000 }),
    stream: { tailCheckMs: 150, maxTailCheckMs: 1_000, idleMs: 2_000 },
    // Paused workflows of other packages' tests share the dev server: list ours only.
    recoverPausedOnStart: false,
    onError: () => undefined,
    ...options,
  });
  await server.start();
  const requests: SeenRequest[] = [];
  const handler = toNodeHandler(server);
  let port = 0;
  let http: Server;
  const listen = async () => {
    http = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const seen: SeenRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        authorization: req.headers.authorization,
        lastEventId: req.headers['last-event-id'] as string | undefined,
        get status() {
          return res.headersSent ? res.statusCode : 0;
        },
        closed: false,
      };
      requests.push(seen);
      res.once('close', () => (seen.closed = true));
      handler(req, res);
    });
    http.listen(port, '127.0.0.1');
    await once(http, 'listening');
    port = (http.address() as AddressInfo).port;
  };
  const stopListening = async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  };
  await listen();
  const streamRequests = (taskId: string) =>
    requests.filter((r) => r.path === `/api/temporal/stream/${encodeURIComponent(taskId)}`);
  return {
    server,
    apiBaseUrl: `http://127.0.0.1:${port}/api`,
    requests,
    streamRequests,
    openStreams: (taskId) => streamRequests(taskId).filter((r) => r.status === 200 && !r.closed).length,
    pausedStreamRequests: () => requests.filter((r) => r.path === '/api/workflow/paused-stream'),
    token: (tasks, { actions = ['read'] as TokenAction[], ttlSeconds = 300 } = {}) =>
      server.mintToken({ subject: 'react-hooks-test', tasks, actions, ttlSeconds }),
    stopListening,
    listenAgain: listen,
    async close() {
      await server.close();
      await stopListening();
    },
  };
}

/** Resolves once `predicate` holds (polled every 10 ms); rejects after `timeoutMs`. */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'a condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
