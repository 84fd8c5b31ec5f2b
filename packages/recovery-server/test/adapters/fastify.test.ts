/**
 * The Node adapter in Fastify 5, as the README's Fastify example runs it (verbatim:
 * the docs check holds it to the README), with the real Temporal dev server and
 * worker: the server's routes in a scope of their own without Fastify's body parsers
 * (the server reads each body itself), the app's own token route beside them, the
 * worker's updates over the HTTP bus through Fastify, a POST route with a JSON body,
 * and a task stream that delivers exactly the durable log.
 */
import Fastify from 'fastify';
import { createRecoveryServer } from '@resumable/recovery-server';
import { toNodeHandler } from '@resumable/recovery-server/node';
import type { ErrorBody } from '@resumable/protocol';
import { createHttpBusSender } from '@resumable/sse-publisher';
import { temporalTestServer } from '@resumable/temporal-dev/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET, startHarness, type Harness } from '../harness';
import { expectLiveStream } from './live-stream';

const BUS_SECRET = 'fastify-bus-secret-of-at-least-32-characters';

/** The README's Fastify example, as an app runs it at start-up. */
async function startReadmeApp() {
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

  const app = Fastify();
  // The server's routes, in a scope whose requests Fastify leaves unparsed: the server reads each body itself.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.all('/api/*', (request, reply) => {
      reply.hijack(); // the server writes the response (and holds SSE streams open)
      resumable(request.raw, reply.raw);
    });
  });

  // Your own authenticated token route: a static path, so Fastify picks it over '/api/*'.
  app.post<{ Querystring: { taskId?: string } }>('/api/token', async (request, reply) => {
    const session = sessionOf(request.headers.cookie);
    const taskId = request.query.taskId ?? '';
    if (!session?.taskIds.includes(taskId)) return reply.code(403).send({ error: { code: 'FORBIDDEN' } });
    const ttlSeconds = 300;
    const token = await server.mintToken({ subject: session.userId, tasks: [taskId], actions: ['read'], ttlSeconds });
    return reply.header('Cache-Control', 'no-store').send({ token, expiresAt: Date.now() + ttlSeconds * 1000 });
  });

  await app.listen({ port: Number(process.env.PORT ?? 3001), host: '127.0.0.1' });
  return { server, app, sessions };
}

describe('Fastify 5, the README example', () => {
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
    const address = readme.app.server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    // The worker pushes every update live to the server's bus route, through Fastify.
    sender = createHttpBusSender({ url: `${origin}/api/resumable/bus`, secret: BUS_SECRET, onError: () => undefined });
    harness = await startHarness({ workerBus: sender });
  });
  afterAll(async () => {
    await harness?.close();
    await sender?.close();
    await readme?.server.close();
    readme?.app.server.closeAllConnections();
    await readme?.app.close();
  });

  it('mints a token in its own route and streams a live workflow: exactly the durable log, then end', async () => {
    const id = `fastify-stream-${Date.now()}`;
    readme.sessions.set('s-1', { userId: 'ana', taskIds: [id] });
    const refused = await fetch(`${origin}/api/token?taskId=${id}`, { method: 'POST' });
    expect(refused.status).toBe(403);
    const granted = await fetch(`${origin}/api/token?taskId=${id}`, { method: 'POST', headers: { Cookie: 'sid=s-1' } });
    expect(granted.status).toBe(200);
    expect(granted.headers.get('cache-control')).toBe('no-store');
    const { token, expiresAt } = (await granted.json()) as { token: string; expiresAt: number };
    expect(expiresAt).toBeGreaterThan(Date.now() + 290_000);

    await expectLiveStream({ origin, token, taskId: id, harness, steps: 3, perStep: 2, busVia: readme.server });
  }, 60_000);

  it("reads a JSON body itself: a trigger through Fastify answers with the server's own result", async () => {
    const token = await readme.server.mintToken({ subject: 'ana', tasks: '*', actions: ['trigger'] });
    const response = await fetch(`${origin}/api/workflow/triggers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ event: 'nobody.waits.for.this' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ event: 'nobody.waits.for.this', delivered: [], failed: [] });

    const bad = await fetch(`${origin}/api/workflow/triggers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{"event": ',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.code).toBe('INVALID_JSON');
  });

  it('answers 404 JSON for a path under /api that no route owns', async () => {
    const response = await fetch(`${origin}/api/nothing/here`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error.code).toBe('NOT_FOUND');
  });
});
