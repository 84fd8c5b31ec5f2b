/**
 * The Node adapter in Express 5, on real sockets with the real Temporal dev server and
 * worker. The README's Express example runs as written (the docs check holds it to the
 * README): the server is mounted under a prefix, routes registered after it are reached
 * through `next()`, the worker's updates come in over the HTTP bus through Express, and a
 * task stream delivers exactly the durable log. A second app puts `express.json()` before
 * the handler, as most apps have it: POST routes still answer what they should.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createRecoveryServer } from '@resumable/recovery-server';
import { toNodeHandler } from '@resumable/recovery-server/node';
import type { ErrorBody } from '@resumable/protocol';
import { createHttpBusSender } from '@resumable/sse-publisher';
import { temporalTestServer } from '@resumable/temporal-dev/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET, startHarness, type Harness } from '../harness';
import { expectLiveStream } from './live-stream';
import { orderTask } from '../workflows';

const BUS_SECRET = 'express-bus-secret-of-at-least-32-characters';

/** The README's Express example, as an app runs it at start-up. */
async function startReadmeApp() {
  const server = createRecoveryServer({
    auth: { secret: process.env.RESUMABLE_SECRET! }, // 32+ characters
    busSecret: process.env.RESUMABLE_BUS_SECRET, // workers in other processes POST updates here
    temporal: { address: process.env.TEMPORAL_ADDRESS }, // or { client }
  });
  await server.start(); // rebuilds the paused list from Temporal

  // Stands in for your sign-in: session id (the `sid` cookie) → the user and the tasks they may follow.
  const sessions = new Map<string, { userId: string; taskIds: string[] }>();
  const sessionOf = (cookie = '') => sessions.get(/(?:^|; )sid=([^;]*)/.exec(cookie)?.[1] ?? '');

  const app = express();
  // The server matches the full path (req.originalUrl) against its basePath, '/api' by default.
  app.use('/api', toNodeHandler(server));
  // Your parsers go after it, or before: it then reads the body they parsed (within their limit).
  app.use(express.json());

  // Your own authenticated token route, reached through next(): the browser hook's refreshToken calls it.
  app.post('/api/token', async (req, res) => {
    const session = sessionOf(req.get('cookie'));
    const taskId = String(req.query.taskId ?? '');
    if (!session?.taskIds.includes(taskId)) {
      res.status(403).json({ error: { code: 'FORBIDDEN', message: 'Not your task' } });
      return;
    }
    const ttlSeconds = 300;
    const token = await server.mintToken({ subject: session.userId, tasks: [taskId], actions: ['read'], ttlSeconds });
    res.set('Cache-Control', 'no-store').json({ token, expiresAt: Date.now() + ttlSeconds * 1000 });
  });

  const httpServer = app.listen(Number(process.env.PORT ?? 3001), '127.0.0.1');
  return { server, app, sessions, httpServer };
}

async function listening(httpServer: Server): Promise<string> {
  if (!httpServer.listening) await once(httpServer, 'listening');
  return `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
}

async function stop(httpServer: Server | undefined): Promise<void> {
  if (!httpServer) return;
  httpServer.closeAllConnections();
  await new Promise((resolve) => httpServer.close(resolve));
}

let seq = 0;
const taskId = (name: string) => `express-${name}-${Date.now()}-${++seq}`;

describe('Express 5', () => {
  let readme: Awaited<ReturnType<typeof startReadmeApp>>;
  let origin: string;
  let harness: Harness;
  let sender: ReturnType<typeof createHttpBusSender>;
  const echoed: unknown[] = [];

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
    origin = await listening(readme.httpServer);
    // An app route registered after the handler and after express.json(): reached with the body unread by the server.
    readme.app.post('/api/echo', (req, res) => {
      echoed.push(req.body);
      res.json({ echoed: req.body });
    });
    readme.app.post('/api/upload', express.raw({ limit: '4mb' }), (req, res) => {
      res.json({ bytes: (req.body as Buffer).length, sum: (req.body as Buffer).reduce((a, b) => (a + b) % 65_521, 0) });
    });
    // The worker pushes every update live to the server's bus route, through Express.
    sender = createHttpBusSender({ url: `${origin}/api/resumable/bus`, secret: BUS_SECRET, onError: () => undefined });
    harness = await startHarness({ workerBus: sender });
  });
  afterAll(async () => {
    await harness?.close();
    await sender?.close();
    await readme?.server.close();
    await stop(readme?.httpServer);
  });

  /** A token from the README's token route, as the browser's refreshToken gets it. */
  async function tokenFor(id: string): Promise<string> {
    readme.sessions.set(`session-${id}`, { userId: 'ana', taskIds: [id] });
    const response = await fetch(`${origin}/api/token?taskId=${id}`, {
      method: 'POST',
      headers: { Cookie: `theme=dark; sid=session-${id}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const grant = (await response.json()) as { token: string; expiresAt: number };
    expect(grant.expiresAt).toBeGreaterThan(Date.now() + 290_000);
    return grant.token;
  }

  describe('the README example: mounted under /api, the handler before express.json()', () => {
    it('streams a live workflow through Express: exactly the durable log, in order, then end', async () => {
      const id = taskId('stream');
      const token = await tokenFor(id);
      await expectLiveStream({ origin, token, taskId: id, harness, steps: 4, perStep: 3, busVia: readme.server });
    }, 60_000);

    it('reaches the app routes registered after the handler, with their body unread', async () => {
      const refused = await fetch(`${origin}/api/token?taskId=someone-elses`, { method: 'POST' });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as ErrorBody).error.code).toBe('FORBIDDEN');

      const echo = await fetch(`${origin}/api/echo`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ hello: 'world' }),
      });
      expect(echo.status).toBe(200);
      expect(await echo.json()).toEqual({ echoed: { hello: 'world' } });
      expect(echoed).toEqual([{ hello: 'world' }]);

      // A body of many chunks, there before the handler ran: the app's own parser reads all of it.
      const upload = new Uint8Array(1 << 20).map((_, index) => (index * 31) % 251);
      const uploaded = await fetch(`${origin}/api/upload`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream' },
        body: upload,
        signal: AbortSignal.timeout(10_000),
      });
      expect(uploaded.status).toBe(200);
      expect(await uploaded.json()).toEqual({
        bytes: upload.length,
        sum: upload.reduce((a, b) => (a + b) % 65_521, 0),
      });

      // A path no route owns is Express's to answer (its own 404), not the server's.
      const unknown = await fetch(`${origin}/api/nothing/here`);
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await unknown.text()).toContain('Cannot GET /api/nothing/here');
    });

    it('answers its own 4xx on its routes: an unknown task, a wrong method, bad JSON, no token', async () => {
      const token = await readme.server.mintToken({
        subject: 't',
        tasks: '*',
        actions: ['read', 'resume'],
        ttlSeconds: 60,
      });
      const auth = { Authorization: `Bearer ${token}` };
      const cases: [Promise<Response>, number, string][] = [
        [fetch(`${origin}/api/temporal/recovery/no-such-task-anywhere`, { headers: auth }), 404, 'TASK_NOT_FOUND'],
        [
          fetch(`${origin}/api/temporal/recovery/x/latest`, { method: 'POST', headers: auth }),
          405,
          'METHOD_NOT_ALLOWED',
        ],
        [
          fetch(`${origin}/api/workflow/executions/x/resume`, {
            method: 'POST',
            headers: { ...auth, 'Content-Type': 'application/json' },
            body: '{"payload": ',
          }),
          400,
          'INVALID_JSON',
        ],
        [fetch(`${origin}/api/workflow/paused`), 401, 'UNAUTHORIZED'],
      ];
      for (const [answer, status, code] of cases) {
        const response = await answer;
        expect(response.status).toBe(status);
        expect(((await response.json()) as ErrorBody).error.code).toBe(code);
      }
    });
  });

  describe('with express.json() before the handler', () => {
    let jsonOrigin: string;
    let jsonServer: Server;
    let operator: string;

    beforeAll(async () => {
      const app = express();
      app.use(express.json());
      app.use('/api', toNodeHandler(readme.server));
      app.get('/api/health', (_req, res) => {
        res.json({ ok: true });
      });
      jsonServer = app.listen(0, '127.0.0.1');
      jsonOrigin = await listening(jsonServer);
      operator = await readme.server.mintToken({
        subject: 'operator',
        tasks: '*',
        actions: ['read', 'resume', 'cancel', 'trigger'],
        ttlSeconds: 300,
      });
    });
    afterAll(() => stop(jsonServer));

    const post = (path: string, body: string | undefined, contentType = 'application/json') =>
      fetch(`${jsonOrigin}/api${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${operator}`, 'Content-Type': contentType },
        ...(body === undefined ? {} : { body }),
      });
    const errorCode = async (response: Response) => ((await response.json()) as ErrorBody).error.code;

    it('resumes a paused workflow and delivers a trigger from bodies express.json() already read', async () => {
      const id = taskId('order');
      const handle = await harness.client.workflow.start(orderTask, {
        taskQueue: harness.taskQueue,
        workflowId: id,
        args: [{ orderId: id }],
      });
      const pausedAt = async () => {
        const response = await fetch(`${jsonOrigin}/api/workflow/paused`, {
          headers: { Authorization: `Bearer ${operator}` },
        });
        const { pausedWorkflows } = (await response.json()) as {
          pausedWorkflows: { executionId: string; pausedAt: string }[];
        };
        return pausedWorkflows.find((pause) => pause.executionId === id)?.pausedAt;
      };
      await expect.poll(pausedAt, { timeout: 15_000 }).toBe('wait-approval');

      const resumed = await post(
        `/workflow/executions/${id}/resume`,
        JSON.stringify({ payload: { approvedBy: 'ana' } }),
      );
      expect(resumed.status).toBe(202);
      await expect.poll(pausedAt, { timeout: 15_000 }).toBe('wait-payment');

      const trigger = await post(
        '/workflow/triggers',
        JSON.stringify({ event: 'payment-service.payments.trigger.completed', correlation: id, payload: { paid: 42 } }),
      );
      expect(trigger.status).toBe(200);
      expect(await trigger.json()).toMatchObject({ delivered: [id], failed: [] });
      await expect(handle.result()).resolves.toEqual(['resumed', 'resumed']);

      // Not paused any more: the server's own 409, from an empty body express.json() read as {}.
      const again = await post(`/workflow/executions/${id}/resume`, '');
      expect(again.status).toBe(409);
      expect(await errorCode(again)).toBe('NOT_PAUSED');
    }, 60_000);

    it("keeps the server's body limit and error bodies: 413, 400, 415", async () => {
      // Within express.json()'s 100 kB, above the server's 64 KiB: the server's 413.
      const large = await post('/workflow/executions/x/cancel', JSON.stringify({ reason: 'x'.repeat(80_000) }));
      expect(large.status).toBe(413);
      expect(await errorCode(large)).toBe('PAYLOAD_TOO_LARGE');

      const notAnObject = await post('/workflow/triggers', '[1, 2]');
      expect(notAnObject.status).toBe(400);
      expect(await errorCode(notAnObject)).toBe('BAD_REQUEST');

      // express.json() leaves a text body alone: the server reads the stream itself.
      const text = await post('/workflow/triggers', 'event=x', 'text/plain');
      expect(text.status).toBe(415);
      expect(await errorCode(text)).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('leaves to express.json() what it refuses first: malformed JSON, a body above its own limit', async () => {
      const malformed = await post('/workflow/triggers', '{"event": ');
      expect(malformed.status).toBe(400);
      expect(malformed.headers.get('content-type')).toMatch(/^text\/html/);

      const huge = await post('/workflow/triggers', JSON.stringify({ event: 'x', payload: 'x'.repeat(200_000) }));
      expect(huge.status).toBe(413);
      expect(huge.headers.get('content-type')).toMatch(/^text\/html/);
    });

    it('passes paths it does not own to the routes after it', async () => {
      const health = await fetch(`${jsonOrigin}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true });
    });
  });
});
