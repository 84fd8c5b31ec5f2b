/**
 * The fetch-native server in Hono, served by `@hono/node-server` on a real socket, with
 * the real Temporal dev server and worker. The README's Hono example runs as written
 * (the docs check holds it to the README): its token route, a task stream of a live
 * workflow that delivers exactly the durable log, the JSON routes, and a client that
 * leaves mid-stream.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { createRecoveryServer } from '@resumable/recovery-server';
import type { ErrorBody } from '@resumable/protocol';
import { createHttpBusSender } from '@resumable/sse-publisher';
import { temporalTestServer } from '@resumable/temporal-dev/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET, startHarness, type Harness } from '../harness';
import { StreamFollower } from '../sse-client';
import { expectLiveStream } from './live-stream';
import { emitMore, finish, steppedTask } from '../workflows';

const BUS_SECRET = 'hono-bus-secret-of-at-least-32-characters';

/** The README's Hono example, as an app runs it at start-up. */
async function startReadmeApp() {
  const server = createRecoveryServer({
    auth: { secret: process.env.RESUMABLE_SECRET! }, // 32+ characters
    busSecret: process.env.RESUMABLE_BUS_SECRET, // workers in other processes POST updates here
    temporal: { address: process.env.TEMPORAL_ADDRESS }, // or { client }
  });
  await server.start(); // rebuilds the paused list from Temporal

  // Stands in for your sign-in: session id (the `sid` cookie) → the user and the tasks they may follow.
  const sessions = new Map<string, { userId: string; taskIds: string[] }>();

  const app = new Hono();
  // Your own authenticated token route: the browser hook's refreshToken calls it.
  app.post('/api/token', async (c) => {
    const session = sessions.get(getCookie(c, 'sid') ?? '');
    const taskId = c.req.query('taskId') ?? '';
    if (!session?.taskIds.includes(taskId)) {
      return c.json({ error: { code: 'FORBIDDEN', message: 'Not your task' } }, 403);
    }
    const ttlSeconds = 300;
    const token = await server.mintToken({ subject: session.userId, tasks: [taskId], actions: ['read'], ttlSeconds });
    return c.json({ token, expiresAt: Date.now() + ttlSeconds * 1000 }, 200, { 'Cache-Control': 'no-store' });
  });
  // The rest of /api is the server's: it routes on the full URL against its basePath, '/api' by default.
  app.all('/api/*', (c) => server.fetch(c.req.raw));

  const httpServer = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3001), hostname: '127.0.0.1' });
  return { server, sessions, httpServer };
}

let seq = 0;
const taskId = (name: string) => `hono-${name}-${Date.now()}-${++seq}`;

describe('Hono, through @hono/node-server', () => {
  let readme: Awaited<ReturnType<typeof startReadmeApp>>;
  let origin: string;
  let harness: Harness;
  let sender: ReturnType<typeof createHttpBusSender>;

  beforeAll(async () => {
    const temporal = temporalTestServer();
    Object.assign(process.env, {
      RESUMABLE_SECRET: SECRET,
      RESUMABLE_BUS_SECRET: BUS_SECRET,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      PORT: '0',
    });
    readme = await startReadmeApp();
    const http = readme.httpServer as Server;
    if (!http.listening) await once(http, 'listening');
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    sender = createHttpBusSender({ url: `${origin}/api/resumable/bus`, secret: BUS_SECRET, onError: () => undefined });
    harness = await startHarness({ workerBus: sender });
  });
  afterAll(async () => {
    await harness?.close();
    await sender?.close();
    await readme?.server.close();
    const http = readme?.httpServer as Server | undefined;
    http?.closeAllConnections();
    await new Promise((resolve) => (http ? http.close(resolve) : resolve(undefined)));
  });

  /** A token from the README's token route, as the browser's refreshToken gets it. */
  async function tokenFor(id: string): Promise<string> {
    readme.sessions.set(`session-${id}`, { userId: 'ana', taskIds: [id] });
    const response = await fetch(`${origin}/api/token?taskId=${id}`, {
      method: 'POST',
      headers: { Cookie: `sid=session-${id}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const grant = (await response.json()) as { token: string; expiresAt: number };
    expect(grant.expiresAt).toBeGreaterThan(Date.now() + 290_000);
    return grant.token;
  }

  it('streams a live workflow: exactly the durable log, in order, then end', async () => {
    const id = taskId('stream');
    const token = await tokenFor(id);
    await expectLiveStream({ origin, token, taskId: id, harness, steps: 4, perStep: 3, busVia: readme.server });
  }, 60_000);

  it('resumes from Last-Event-ID, and lets go of a stream whose client left', async () => {
    const id = taskId('leave');
    const token = await tokenFor(id);
    const handle = await harness.client.workflow.start(steppedTask, { taskQueue: harness.taskQueue, workflowId: id });
    await handle.signal(emitMore, 5);
    const before = readme.server.publisher.stats().connections;
    const seen: number[] = [];
    const follower = new StreamFollower(`${origin}/api/temporal/stream/${id}?lastEventId=2`, token, (update) =>
      seen.push(update.sequence),
    );
    await expect.poll(() => seen, { timeout: 10_000 }).toEqual([3, 4, 5]);
    expect(follower.record.connected[0]).toMatchObject({ resumeFrom: 2 });
    expect(readme.server.publisher.stats().connections).toBe(before + 1);
    follower.close();
    await expect.poll(() => readme.server.publisher.stats().connections, { timeout: 5_000 }).toBe(before);
    await handle.signal(finish);
    await expect(handle.result()).resolves.toBe(6);
  }, 60_000);

  it('answers the JSON routes and their errors through Hono', async () => {
    const id = taskId('json');
    const token = await tokenFor(id);
    const handle = await harness.client.workflow.start(steppedTask, { taskQueue: harness.taskQueue, workflowId: id });
    await handle.signal(finish);
    await handle.result();
    const auth = { Authorization: `Bearer ${token}` };
    const latest = await fetch(`${origin}/api/temporal/recovery/${id}/latest`, { headers: auth });
    expect(latest.status).toBe(200);
    expect(await latest.json()).toMatchObject({ status: 'DONE', lastSequence: 1 });

    const cases: [Promise<Response>, number, string][] = [
      [fetch(`${origin}/api/temporal/recovery/${id}?limit=0`, { headers: auth }), 400, 'INVALID_PARAMETER'],
      [fetch(`${origin}/api/temporal/recovery/other-task`, { headers: auth }), 403, 'FORBIDDEN'],
      [fetch(`${origin}/api/temporal/recovery/${id}`), 401, 'UNAUTHORIZED'],
      [fetch(`${origin}/api/nothing/here`), 404, 'NOT_FOUND'],
      [fetch(`${origin}/api/token?taskId=${id}`, { method: 'POST' }), 403, 'FORBIDDEN'],
    ];
    for (const [answer, status, code] of cases) {
      const response = await answer;
      expect(response.status).toBe(status);
      expect(((await response.json()) as ErrorBody).error.code).toBe(code);
    }
  });
});
