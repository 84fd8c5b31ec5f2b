import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { QUERY_NAMES } from '@resumable/protocol';
import { temporalTestServer, uniqueTaskQueue } from '@resumable/temporal-dev/vitest';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRecoveryServer, type RecoveryServer } from '@resumable/recovery-server';
import { createInMemoryBus } from '@resumable/sse-publisher';
import { readAppConfig } from './config';
import { codecEndpoint, payloadEncryption } from './payload-codec';

// The app's encryption pieces (lib/server/payload-codec.ts: the client's data converter
// and the bus wrapper, applied by lib/server/resumable.ts as below) with the real
// example worker (examples/worker/src/main.ts, its own process) posting live updates
// to the app's bus route, both with RESUMABLE_PAYLOAD_KEYS set. Neither Next.js nor
// resumable.ts itself runs here (its metrics module does not load under vitest); the
// route files only hand requests to these modules.

const WORKER_DIR = resolve(import.meta.dirname, '../../../worker');
const SECRET_TITLE = `launch-codes-${randomBytes(6).toString('hex')}`;
const KEYS = `k1:${randomBytes(32).toString('base64')}`;
const CODEC_TOKEN = randomBytes(24).toString('hex');

/** Whether `needle` is in `bytes`, raw or in base64 at any of the three byte alignments. */
function holdsSecret(bytes: Uint8Array | string, needle = SECRET_TITLE): boolean {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('latin1');
  if (text.includes(needle)) return true;
  // Past the first 3-byte group (which may mix in preceding bytes) and before the padded
  // last one, base64 of the needle reads the same wherever it sits.
  return [0, 1, 2].some((shift) =>
    text.includes(
      Buffer.from('..'.slice(0, shift) + needle)
        .toString('base64')
        .slice(4, -4),
    ),
  );
}

/** Every byte array and string in a history, found by walking it. */
function anyFieldHoldsSecret(value: unknown): boolean {
  if (value instanceof Uint8Array) return holdsSecret(value);
  if (typeof value === 'string') return holdsSecret(value);
  if (Array.isArray(value)) return value.some(anyFieldHoldsSecret);
  if (value && typeof value === 'object') return Object.values(value).some(anyFieldHoldsSecret);
  return false;
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

describe('the example app and worker with RESUMABLE_PAYLOAD_KEYS', () => {
  let app: { server: RecoveryServer; client: Client };
  let http: Server;
  let worker: ChildProcess;
  const workerOutput: string[] = [];
  /** Every body the worker posted to the app's bus route, as it crossed the network. */
  const busBodies: string[] = [];
  const taskQueue = uniqueTaskQueue('encrypted');
  let plainConnection: Connection;

  beforeAll(async () => {
    const { address, namespace } = temporalTestServer();
    Object.assign(process.env, {
      RESUMABLE_SECRET: randomBytes(32).toString('hex'),
      RESUMABLE_BUS_SECRET: randomBytes(32).toString('hex'),
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      RESUMABLE_PAYLOAD_KEYS: KEYS,
    });
    const config = readAppConfig();
    const encryption = payloadEncryption();
    if (!encryption) throw new Error('RESUMABLE_PAYLOAD_KEYS did not give a key ring');
    // As resumable.ts builds them when the keys are set.
    const client = new Client({
      connection: await Connection.connect({ address: config.address }),
      namespace: config.namespace,
      dataConverter: encryption.dataConverter,
    });
    const server = createRecoveryServer({
      temporal: { client },
      auth: { secret: config.tokenSecret },
      busSecret: config.busSecret,
      bus: encryption.wrapBus(createInMemoryBus()),
      recoverPausedOnStart: false,
      onError: () => undefined,
    });
    app = { server, client };
    await server.start();
    // The bus route behind a real socket, recording each body before the app reads it.
    http = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        busBodies.push(body);
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers))
          if (typeof value === 'string') headers.set(name, value);
        void app.server
          .fetch(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, body }))
          .then(async (response) => {
            res.writeHead(response.status, Object.fromEntries(response.headers));
            res.end(Buffer.from(await response.arrayBuffer()));
          });
      });
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const port = (http.address() as AddressInfo).port;
    worker = spawn(
      process.execPath,
      ['--conditions=@resumable/source', '--import', 'tsx', join(WORKER_DIR, 'src/main.ts')],
      {
        cwd: WORKER_DIR,
        env: {
          ...process.env,
          RESUMABLE_BUS_URL: `http://127.0.0.1:${port}/api/resumable/bus`,
          RESUMABLE_WORKFLOW_BUNDLE: inject('workflowBundles').worker,
          TEMPORAL_LOG_LEVEL: 'ERROR',
        },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    worker.stdout?.on('data', (chunk: Buffer) => workerOutput.push(String(chunk)));
    worker.stderr?.on('data', (chunk: Buffer) => workerOutput.push(String(chunk)));
    await waitFor('the worker', () => workerOutput.join('').includes('[worker] ready'), 90_000).catch((error) => {
      throw new Error(`${(error as Error).message}: ${workerOutput.join('')}`, { cause: error });
    });
    plainConnection = await Connection.connect({ address });
  }, 180_000);

  afterAll(async () => {
    if (worker?.pid && worker.exitCode === null) {
      process.kill(-worker.pid, 'SIGTERM');
      await once(worker, 'exit');
    }
    await app?.server.close();
    await app?.client.connection.close();
    if (http) {
      http.closeAllConnections();
      await new Promise((done) => http.close(done));
    }
    await plainConnection?.close();
    delete process.env.RESUMABLE_PAYLOAD_KEYS;
  });

  it('streams the task live in plaintext to the browser, while the bus and the history hold only sealed bytes', async () => {
    const taskId = `secret-task-${Date.now()}`;
    await app.client.workflow.start('taskWorkflow', {
      taskQueue,
      workflowId: taskId,
      args: [{ title: SECRET_TITLE, steps: 3, stepMs: 50 }],
    });
    const token = await app.server.mintToken({ subject: 'tester', tasks: [taskId] });
    const response = await app.server.fetch(
      new Request(`http://app/api/temporal/stream/${taskId}`, { headers: { Authorization: `Bearer ${token}` } }),
    );
    expect(response.status).toBe(200);
    // What the browser reads: the app opened the worker's sealed messages and its log.
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let seen = '';
    while (!(seen.includes(SECRET_TITLE) && seen.includes('"step":3'))) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    expect(seen).toContain(SECRET_TITLE);

    // The live path: the worker posted sealed messages only.
    const posted = busBodies.filter((body) => body.includes(taskId));
    expect(posted.length).toBeGreaterThan(0);
    expect(posted.every((body) => body.includes('"sealed"'))).toBe(true);
    expect(posted.some((body) => holdsSecret(body))).toBe(false);

    // At rest: a client without the codec reads the raw history; no trace of the title.
    const plain = new Client({ connection: plainConnection, namespace: temporalTestServer().namespace });
    const history = await plain.workflow.getHandle(taskId).fetchHistory();
    expect(history.events?.length).toBeGreaterThan(3);
    expect(anyFieldHoldsSecret(history)).toBe(false);
    // The check finds the title when it is there: in the state the app's client decodes,
    // and in base64 at any offset.
    const state = await app.client.workflow.getHandle(taskId).query(QUERY_NAMES.state);
    expect(anyFieldHoldsSecret(state)).toBe(true);
    for (const prefix of ['', 'x', 'xy']) {
      expect(holdsSecret(`{"data":"${Buffer.from(prefix + SECRET_TITLE).toString('base64')}"}`)).toBe(true);
    }
  });

  it('serves the web UI codec endpoint to the operator token only, and 404 when keys are unset', async () => {
    const taskId = `codec-task-${Date.now()}`;
    await app.client.workflow.start('taskWorkflow', {
      taskQueue,
      workflowId: taskId,
      args: [{ title: SECRET_TITLE, steps: 1, stepMs: 10 }],
    });
    const plain = new Client({ connection: plainConnection, namespace: temporalTestServer().namespace });
    const started = (await plain.workflow.getHandle(taskId).fetchHistory()).events?.[0];
    const input = started?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(input).toBeDefined();
    const body = JSON.stringify({
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(input?.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
          ),
          data: Buffer.from(input?.data ?? new Uint8Array()).toString('base64'),
        },
      ],
    });
    const decode = (env: Record<string, string | undefined>, authorization?: string) =>
      codecEndpoint(env)(
        new Request('http://app/api/codec/decode', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
          body,
        }),
      );
    const env = { RESUMABLE_PAYLOAD_KEYS: KEYS, RESUMABLE_CODEC_TOKEN: CODEC_TOKEN };

    const decoded = await decode(env, `Bearer ${CODEC_TOKEN}`);
    expect(decoded.status).toBe(200);
    const [payload] = ((await decoded.json()) as { payloads: { data: string }[] }).payloads;
    expect(Buffer.from(payload?.data ?? '', 'base64').toString()).toContain(SECRET_TITLE);

    expect((await decode(env)).status).toBe(401);
    expect((await decode(env, 'Bearer wrong-token')).status).toBe(403);
    // No codec token configured: nobody decodes, not even with the right-looking one.
    expect((await decode({ RESUMABLE_PAYLOAD_KEYS: KEYS }, `Bearer ${CODEC_TOKEN}`)).status).toBe(403);
    expect((await decode({ RESUMABLE_CODEC_TOKEN: CODEC_TOKEN }, `Bearer ${CODEC_TOKEN}`)).status).toBe(404);
  });
});
