/**
 * The route table, walked: every route is refused without a token (or, for the bus,
 * without the server secret) and carries CORS headers on that refusal, and every
 * token route is refused for a token that lacks its action or its task. A new route
 * added to ROUTES is covered by this test the day it lands.
 */
import { describe, expect, it } from 'vitest';
import { mintToken } from '../auth/tokens';
import { createRecoveryServer } from '../server';
import { ROUTES } from './index';

const SECRET = 'route-table-secret-of-at-least-32-characters';
const ORIGIN = 'https://app.example';
// Temporal is never reached: every request here is refused before any call.
const server = createRecoveryServer({
  auth: { secret: SECRET },
  busSecret: 'bus-secret-of-at-least-32-characters-long!!',
  cors: { origin: [ORIGIN] },
  temporal: { address: '127.0.0.1:1' },
  recoverPausedOnStart: false,
  onError: () => undefined,
});

const pathOf = (path: string) => `http://127.0.0.1/api/${path.replace(/:(\w+)/g, 'task-1')}`;
const request = (route: (typeof ROUTES)[number], headers: Record<string, string> = {}) =>
  new Request(pathOf(route.path), {
    method: route.method,
    headers: { Origin: ORIGIN, ...(route.method === 'POST' ? { 'Content-Type': 'application/json' } : {}), ...headers },
    ...(route.method === 'POST' ? { body: '{}' } : {}),
  });

describe('the route table', () => {
  it('lists every route of the wire contract once', () => {
    expect(ROUTES.map((route) => `${route.method} ${route.path}`).sort()).toEqual(
      [
        'GET temporal/stream/:taskId',
        'GET temporal/recovery/:taskId',
        'POST temporal/recovery/:taskId',
        'GET temporal/recovery/:taskId/latest',
        'GET temporal/recovery/:taskId/at/:sequence',
        'GET workflow/paused-stream',
        'GET workflow/paused',
        'POST workflow/executions/:executionId/resume',
        'POST workflow/executions/:executionId/cancel',
        'POST workflow/triggers',
        'POST resumable/bus',
      ].sort(),
    );
  });

  it('declares an id parameter for every route whose path has one', () => {
    for (const route of ROUTES) {
      if (route.auth === 'server-secret') continue;
      const param = /:(\w+)/.exec(route.path)?.[1];
      expect(route.auth.idParam, route.path).toBe(param);
    }
  });

  describe.each(ROUTES.map((route) => ({ route, name: `${route.method} ${route.path}` })))('$name', ({ route }) => {
    it('refuses a request without credentials, with CORS headers', async () => {
      const response = await server.fetch(request(route));
      expect(response.status).toBe(401);
      expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    });
  });

  const tokenRoutes = ROUTES.flatMap((route) => (route.auth === 'server-secret' ? [] : [{ route, auth: route.auth }]));
  it.each(tokenRoutes.map((entry) => ({ ...entry, name: `${entry.route.method} ${entry.route.path}` })))(
    '$name refuses a token without its action or its task, with CORS headers',
    async ({ route, auth }) => {
      const otherActions = (['read', 'resume', 'cancel', 'trigger'] as const).filter((other) => other !== auth.action);
      const tokens = [await mintToken(SECRET, { subject: 't', tasks: '*', actions: otherActions, ttlSeconds: 60 })];
      if (auth.idParam) {
        tokens.push(
          await mintToken(SECRET, { subject: 't', tasks: ['another-task'], actions: [auth.action], ttlSeconds: 60 }),
        );
      }
      for (const token of tokens) {
        const response = await server.fetch(request(route, { Authorization: `Bearer ${token}` }));
        expect(response.status).toBe(403);
        expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      }
    },
  );

  it('answers a preflight for any path with the allowed methods and headers', async () => {
    const response = await server.fetch(
      new Request(pathOf('temporal/stream/:taskId'), { method: 'OPTIONS', headers: { Origin: ORIGIN } }),
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toContain('Last-Event-ID');
  });
});
