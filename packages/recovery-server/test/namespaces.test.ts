import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  checkSearchAttributes,
  type ErrorBody,
  type UpdateBus,
  type UpdatesPage,
  type WorkflowUpdate,
} from '@resumable/protocol';
import { createInMemoryBus, createSsePublisher } from '@resumable/sse-publisher';
import { createNamespace, listNamespaces } from '@resumable/temporal-dev';
import { createTestWorker, temporalTestServer, type TestWorker } from '@resumable/temporal-dev/vitest';
import { createResumableSinks } from '@resumable/workflow-state/worker';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toNodeHandler } from '../src/adapters/node';
import { mintToken, type TokenAction } from '../src/auth/tokens';
import { createRecoveryServer, type RecoveryServer } from '../src/index';
import { SECRET } from './harness';
import { StreamFollower } from './sse-client';
import { orderTask } from './workflows';

const run = Date.now().toString(36);
const A = `tenant-a-${run}`;
const B = `tenant-b-${run}`;
/** The same workflow id in both namespaces: two different workflows. */
const TASK = `order-${run}`;
const ALL: TokenAction[] = ['read', 'resume', 'cancel'];

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const orderIdsIn = (updates: WorkflowUpdate[]) =>
  [...JSON.stringify(updates).matchAll(/"orderId":"([^"]+)"/g)].map((match) => match[1]);
const stepsIn = (updates: WorkflowUpdate[]) =>
  updates.filter((update) => update.type === 'step').map((update) => (update.data as { name: string }).name);

describe('one server, two namespaces: a token reaches its own namespace only', () => {
  let connection: Connection;
  const clients: Record<string, Client> = {};
  const workers: TestWorker[] = [];
  const running: Promise<void>[] = [];
  const buses: Record<string, UpdateBus> = {};
  let server: RecoveryServer;
  let http: Server;
  let baseUrl: string;

  beforeAll(async () => {
    connection = await Connection.connect({ address: temporalTestServer().address });
    for (const namespace of [A, B]) {
      // The tooling's command, on the run's dev server: register, add our search attributes, wait.
      await createNamespace(connection, namespace);
      clients[namespace] = new Client({ connection, namespace });
      buses[namespace] = createInMemoryBus();
      const worker = await createTestWorker('recovery-server', {
        namespace,
        sinks: createResumableSinks({ bus: buses[namespace] as UpdateBus, onError: () => undefined }),
      });
      workers.push(worker);
      running.push(worker.worker.run());
      // Same id, same task queue name pattern, different namespace and order: two workflows.
      await clients[namespace]?.workflow.start(orderTask, {
        taskQueue: worker.taskQueue,
        workflowId: TASK,
        args: [{ orderId: `order-of-${namespace}` }],
      });
    }
    server = createRecoveryServer({
      temporal: { client: new Client({ connection, namespace: 'default' }), namespaces: [A, B] },
      auth: { secret: SECRET },
      busOf: (namespace) => buses[namespace] as UpdateBus,
      publisher: createSsePublisher({ retryMs: 20, heartbeatMs: 5_000 }),
      stream: { tailCheckMs: 150, maxTailCheckMs: 1_000, idleMs: 2_000 },
      onError: () => undefined,
    });
    await server.start();
    http = createServer(toNodeHandler(server));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/api`;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    http?.closeAllConnections();
    await new Promise((resolve) => http?.close(resolve));
    for (const worker of workers) worker.worker.shutdown();
    await Promise.all(running);
    await Promise.all(workers.map((worker) => worker.close()));
    await connection?.close();
  });

  const token = (namespace: string | undefined, actions = ALL) =>
    mintToken(SECRET, { subject: 'tenant', tasks: [TASK], actions, ...(namespace ? { namespace } : {}) });

  async function call(path: string, bearer: string, method = 'GET', body?: unknown) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json().catch(() => null)) as (Partial<ErrorBody> & Partial<UpdatesPage>) | null;
    return { status: response.status, json };
  }

  const recoveryPage = async (bearer: string) => (await call(`/temporal/recovery/${TASK}`, bearer)).json?.updates ?? [];

  /** A task stream until `until` holds for what it received. */
  async function streamUntil(bearer: string, until: (updates: WorkflowUpdate[]) => boolean) {
    const follower = new StreamFollower(`${baseUrl}/temporal/stream/${TASK}`, bearer);
    try {
      await waitFor('the stream', () => until(follower.record.updates));
      return follower.record.updates;
    } finally {
      follower.close();
    }
  }

  it("the tooling registered both namespaces with Resumable's search attributes", async () => {
    const listed = await listNamespaces(connection);
    expect(listed.filter((namespace) => [A, B].includes(namespace.name)).map((namespace) => namespace.state)).toEqual([
      'REGISTERED',
      'REGISTERED',
    ]);
    for (const namespace of [A, B]) await expect(checkSearchAttributes(connection, namespace)).resolves.toBeUndefined();
  });

  it("streams and pages each tenant's own workflow under the same id", async () => {
    const [tokenA, tokenB] = await Promise.all([token(A), token(B)]);
    const paused = (updates: WorkflowUpdate[]) => updates.some((update) => update.type === 'workflow.paused');
    expect(orderIdsIn(await streamUntil(tokenA, paused))).toEqual([`order-of-${A}`]);
    expect(orderIdsIn(await streamUntil(tokenB, paused))).toEqual([`order-of-${B}`]);
    expect(orderIdsIn(await recoveryPage(tokenA))).toEqual([`order-of-${A}`]);
    expect(orderIdsIn(await recoveryPage(tokenB))).toEqual([`order-of-${B}`]);
  });

  it("A's resume and cancel act on A's workflow only, and A's stream sees it live", async () => {
    const tokenA = await token(A);
    const follower = new StreamFollower(`${baseUrl}/temporal/stream/${TASK}`, tokenA);
    try {
      await waitFor("A's pause on the stream", () => follower.record.updates.some((u) => u.type === 'workflow.paused'));
      const resumed = await call(`/workflow/executions/${TASK}/resume`, tokenA, 'POST', { payload: 'ok' });
      expect(resumed.status).toBe(202);
      await waitFor('"approved" on A\'s stream', () => stepsIn(follower.record.updates).includes('approved'));
      const cancelled = await call(`/workflow/executions/${TASK}/cancel`, tokenA, 'POST', { reason: 'test' });
      expect(cancelled.status).toBe(202);
      await waitFor('"paid" on A\'s stream', () => stepsIn(follower.record.updates).includes('paid'));
    } finally {
      follower.close();
    }
    // B's workflow of the same id never saw either signal: still at its first pause.
    const stateB = await server.forNamespace(B).getTaskSnapshot(TASK);
    expect(stateB.status).toBe('WAITING');
    expect(stepsIn(stateB.updates)).toEqual([]);
    expect(stateB.updates.map((update) => update.type)).toEqual(['workflow.paused']);
    expect(stepsIn(await recoveryPage(await token(B)))).toEqual([]);
  });

  it('a token for a namespace the server does not serve, or naming none, is refused on every route', async () => {
    const unserved = await token(`tenant-c-${run}`);
    const unnamed = await token(undefined);
    const routes: [string, string][] = [
      ['GET', `/temporal/stream/${TASK}`],
      ['GET', `/temporal/recovery/${TASK}`],
      ['POST', `/workflow/executions/${TASK}/resume`],
      ['POST', `/workflow/executions/${TASK}/cancel`],
    ];
    for (const [method, path] of routes) {
      const refused = await call(path, unserved, method, method === 'POST' ? {} : undefined);
      expect([refused.status, refused.json?.error?.code, refused.json?.error?.details]).toEqual([
        403,
        'FORBIDDEN',
        { reason: 'namespace-not-served', namespace: `tenant-c-${run}` },
      ]);
      const missing = await call(path, unnamed, method, method === 'POST' ? {} : undefined);
      expect([missing.status, missing.json?.error?.details]).toEqual([403, { reason: 'namespace-missing' }]);
    }
    expect(() => server.forNamespace(`tenant-c-${run}`)).toThrow(/does not serve namespace/);
    await expect(server.mintToken({ subject: 'x', tasks: [TASK], namespace: `tenant-c-${run}` })).rejects.toThrow(
      /does not serve namespace/,
    );
  });

  it("A's token rewritten to name B fails its signature: 401, B's workflow untouched", async () => {
    const [version, body, signature] = (await token(A)).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${version}.${Buffer.from(JSON.stringify({ ...claims, ns: B })).toString('base64url')}.${signature}`;
    for (const [method, path] of [
      ['GET', `/temporal/recovery/${TASK}`],
      ['POST', `/workflow/executions/${TASK}/resume`],
    ] as const) {
      const refused = await call(path, forged, method, method === 'POST' ? {} : undefined);
      expect([refused.status, refused.json?.error?.code]).toEqual([401, 'UNAUTHORIZED']);
    }
    expect((await server.forNamespace(B).getTaskSnapshot(TASK)).status).toBe('WAITING');
  });

  it("a single-namespace server (B's) refuses A's token and serves B's", async () => {
    const single = createRecoveryServer({
      temporal: { client: clients[B] as Client },
      auth: { secret: SECRET },
      recoverPausedOnStart: false,
      onError: () => undefined,
    });
    try {
      const page = (bearer: string) =>
        single.fetch(
          new Request(`http://x/api/temporal/recovery/${TASK}`, { headers: { Authorization: `Bearer ${bearer}` } }),
        );
      const refused = await page(await token(A));
      expect([refused.status, ((await refused.json()) as ErrorBody).error.details]).toEqual([
        403,
        { reason: 'namespace-not-served', namespace: A },
      ]);
      const served = await page(await token(B));
      expect(served.status).toBe(200);
      expect(orderIdsIn(((await served.json()) as UpdatesPage).updates)).toEqual([`order-of-${B}`]);
    } finally {
      await single.close();
    }
  });
});
