/**
 * What the recovery-server benchmarks share: a counting Temporal client, a server on
 * a loopback socket, the SSE client process and its report, seeded resume points.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createInMemoryBus } from '@resumable/sse-publisher';
import { createResumableSinks } from '@resumable/workflow-state/worker';
import { bundleWorkflows, startDevServer, type DevServer } from '@resumable/temporal-dev';
import type { RecoveryServer } from '../src/index';
import { toNodeHandler } from '../src/adapters/node';

const HERE = import.meta.dirname;
export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** What the client process (sse-clients.ts) reports once every client is done. */
export interface ClientsDone {
  startedAt: number;
  clients: number;
  ended: number;
  exact: number;
  updates: number;
  events: number;
  outOfOrder: number;
  duplicates: number;
  failures: Record<string, number>;
  endAt: number[];
  /** CPU time of the client process from opening the streams to the report. */
  cpuMs: number;
}

/** A Temporal client that counts the queries and describes it sends (as test/harness.ts `countingClient`). */
export async function countingClient(server: DevServer) {
  const counts = { queries: 0, describes: 0 };
  const counter: WorkflowClientInterceptor = {
    async query(input, nextCall) {
      counts.queries++;
      return nextCall(input);
    },
    async describe(input, nextCall) {
      counts.describes++;
      return nextCall(input);
    },
  };
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace, interceptors: { workflow: [counter] } });
  return {
    client,
    counts,
    reset() {
      counts.queries = 0;
      counts.describes = 0;
    },
  };
}

export interface Listening {
  server: RecoveryServer;
  http: Server;
  baseUrl: string;
  close(): Promise<void>;
}

/** Starts `server` behind the Node adapter on 127.0.0.1; `onRequest` sees each request first. */
export async function listen(server: RecoveryServer, onRequest?: (req: IncomingMessage) => void): Promise<Listening> {
  await server.start();
  const handler = toNodeHandler(server);
  const http = createServer((req, res) => {
    onRequest?.(req);
    handler(req, res);
  });
  // 1,000 connects at once: a backlog above Node's default 511 (the kernel caps it at somaxconn).
  http.listen({ port: 0, host: '127.0.0.1', backlog: 2048 });
  await once(http, 'listening');
  const { port } = http.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    server,
    http,
    baseUrl: `http://127.0.0.1:${port}/api`,
    close: () =>
      (closed ??= (async () => {
        await server.close();
        http.closeAllConnections();
        await new Promise((done) => http.close(done));
      })()),
  };
}

/** Deterministic pseudo-random resume points (LCG), so runs are comparable. */
export function resumePoints(n: number, below: number, seed = 7): number[] {
  let state = seed >>> 0;
  return Array.from({ length: n }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.floor((state / 2 ** 32) * below);
  });
}

/** Forks the SSE client process; `stop` ends it (asked first, killed after 5 s). */
export function forkClients(): { child: ChildProcess; stop(): Promise<void> } {
  const child = fork(resolve(HERE, 'sse-clients.ts'), [], {
    cwd: resolve(HERE, '../../..'),
    execArgv: ['--conditions=@resumable/source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.send({ type: 'exit' });
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Steps to undo on the way out, in reverse, each even when another failed; a watchdog runs them and exits. */
export function cleanupStack(watchdogMs: number) {
  const steps: (() => Promise<unknown> | unknown)[] = [];
  let cleaning: Promise<void> | undefined;
  const run = () =>
    (cleaning ??= (async () => {
      for (const step of steps.reverse()) {
        try {
          await step();
        } catch (error) {
          console.error('[bench] cleanup step failed:', error);
        }
      }
    })());
  const watchdog = setTimeout(() => {
    console.error(`[bench] over ${watchdogMs / 1000} s: stopping everything`);
    void run().finally(() => process.exit(1));
  }, watchdogMs);
  return {
    push: (...more: (() => Promise<unknown> | unknown)[]) => void steps.push(...more),
    async run() {
      clearTimeout(watchdog);
      await run();
    },
  };
}

/**
 * A Temporal dev server of the benchmark's own, the test workflows bundled, a native
 * connection for workers and a counting client; each is undone by `cleanups`.
 */
export async function startTemporal(cleanups: ReturnType<typeof cleanupStack>, bundleDir: string) {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dev = await startDevServer({ log: () => undefined });
  cleanups.push(() => dev.stop());
  const bundles = await bundleWorkflows(
    { 'recovery-server': resolve(HERE, '..', 'test', 'workflows.ts') },
    join(tmpdir(), bundleDir),
  );
  const native = await NativeConnection.connect({ address: dev.address });
  cleanups.push(() => native.close());
  const temporal = await countingClient(dev);
  cleanups.push(() => temporal.client.connection.close());
  return { dev, codePath: bundles['recovery-server'] as string, native, temporal };
}

/**
 * A worker on its own task queue running the test workflows, its sinks into an in-memory
 * bus nobody reads (the benchmarks that use it read the log, not the live path); stopped
 * by `cleanups`. Returns the task queue.
 */
export async function startLogWorker(
  cleanups: ReturnType<typeof cleanupStack>,
  temporal: Awaited<ReturnType<typeof startTemporal>>,
  name: string,
): Promise<string> {
  const taskQueue = `${name}-${randomUUID()}`;
  const worker = await Worker.create({
    connection: temporal.native,
    namespace: temporal.dev.namespace,
    taskQueue,
    workflowBundle: { codePath: temporal.codePath },
    sinks: createResumableSinks({ bus: createInMemoryBus() }),
  });
  const running = worker.run();
  cleanups.push(async () => {
    worker.shutdown();
    await running;
  });
  return taskQueue;
}
