/**
 * The Node adapter on a plain `node:http` server, as the README's main example runs it
 * (verbatim: the docs check holds it to the README), with the real Temporal dev server
 * and worker: its token route, a task stream of a live workflow that delivers exactly
 * the durable log, and a path no route owns answered 404 JSON (there is no `next`).
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRecoveryServer } from '@resumable/recovery-server';
import { toNodeHandler } from '@resumable/recovery-server/node';
import type { ErrorBody } from '@resumable/protocol';
import { createHttpBusSender } from '@resumable/sse-publisher';
import { temporalTestServer } from '@resumable/temporal-dev/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET, startHarness, type Harness } from '../harness';
import { expectLiveStream } from './live-stream';

const BUS_SECRET = 'node-bus-secret-of-at-least-32-characters';

/** The README's main example, as an app runs it at start-up. */
async function startReadmeServer() {
  const server = createRecoveryServer({
    auth: { secret: process.env.RESUMABLE_SECRET! }, // 32+ characters
    busSecret: process.env.RESUMABLE_BUS_SECRET, // workers in other processes POST updates here
    temporal: { address: process.env.TEMPORAL_ADDRESS }, // or { client }
  });
  await server.start(); // rebuilds the paused list from Temporal
  const resumable = toNodeHandler(server);

  // Stands in for your sign-in: session id (the `sid` cookie) → the user and the tasks they may follow.
  const sessions = new Map<string, { userId: string; taskIds: string[] }>();
  const sessionOf = (cookie = '') => sessions.get(/(?:^|; )sid=([^;]*)/.exec(cookie)?.[1] ?? '');

  const httpServer = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Your own authenticated token route: the browser hook's refreshToken calls it.
    if (req.method === 'POST' && url.pathname === '/api/token') {
      const session = sessionOf(req.headers.cookie);
      const taskId = url.searchParams.get('taskId') ?? '';
      if (!session?.taskIds.includes(taskId)) return void res.writeHead(403).end();
      const ttlSeconds = 300;
      const token = await server.mintToken({ subject: session.userId, tasks: [taskId], actions: ['read'], ttlSeconds });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      return void res.end(JSON.stringify({ token, expiresAt: Date.now() + ttlSeconds * 1000 }));
    }
    resumable(req, res); // the server's routes under /api; 404 JSON for any other path
  });
  httpServer.listen(Number(process.env.PORT ?? 3001), '127.0.0.1');
  return { server, sessions, httpServer };
}

describe('node:http, the README example', () => {
  let readme: Awaited<ReturnType<typeof startReadmeServer>>;
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
    readme = await startReadmeServer();
    if (!readme.httpServer.listening) await once(readme.httpServer, 'listening');
    origin = `http://127.0.0.1:${(readme.httpServer.address() as AddressInfo).port}`;
    sender = createHttpBusSender({ url: `${origin}/api/resumable/bus`, secret: BUS_SECRET, onError: () => undefined });
    harness = await startHarness({ workerBus: sender });
  });
  afterAll(async () => {
    await harness?.close();
    await sender?.close();
    await readme?.server.close();
    readme?.httpServer.closeAllConnections();
    await new Promise((resolve) => (readme ? readme.httpServer.close(resolve) : resolve(undefined)));
  });

  it('mints a token in its token route and streams a live workflow: exactly the durable log, then end', async () => {
    const id = `node-stream-${Date.now()}`;
    readme.sessions.set('s-1', { userId: 'ana', taskIds: [id] });
    const refused = await fetch(`${origin}/api/token?taskId=${id}`, { method: 'POST' });
    expect(refused.status).toBe(403);
    const granted = await fetch(`${origin}/api/token?taskId=${id}`, { method: 'POST', headers: { Cookie: 'sid=s-1' } });
    expect(granted.status).toBe(200);
    const { token, expiresAt } = (await granted.json()) as { token: string; expiresAt: number };
    expect(expiresAt).toBeGreaterThan(Date.now() + 290_000);

    await expectLiveStream({ origin, token, taskId: id, harness, steps: 3, perStep: 2 });
  }, 60_000);

  it('answers 404 JSON for a path no route owns, and for a preflight to it', async () => {
    for (const [path, method] of [
      ['/api/nothing/here', 'GET'],
      ['/elsewhere', 'POST'],
      ['/api/nothing/here', 'OPTIONS'],
    ] as const) {
      const response = await fetch(`${origin}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(((await response.json()) as ErrorBody).error.code).toBe('NOT_FOUND');
    }
  });
});
