import type { ErrorBody } from '@resumable/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../src/auth/tokens';
import { SECRET, startServer, useServerHarness, type Harness, type ServerInstance } from './harness';
import { tickingTask } from './workflows';

describe('auth on every route', () => {
  let harness: Harness;
  let instance: ServerInstance;
  const id = `auth-${Date.now()}`;
  const other = `auth-other-${Date.now()}`;

  useServerHarness(
    (h, i) => {
      harness = h;
      instance = i;
    },
    { server: { recoverPausedOnStart: false } },
  );
  beforeAll(async () => {
    for (const workflowId of [id, other]) {
      await harness.client.workflow.execute(tickingTask, {
        taskQueue: harness.taskQueue,
        workflowId,
        args: [{ count: 3 }],
      });
    }
  });

  async function call(path: string, token?: string, init: RequestInit = {}) {
    const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(`${instance.baseUrl}${path}`, { ...init, headers });
    const body = (
      response.status === 204 ? null : await response.json().catch(() => null)
    ) as Partial<ErrorBody> | null;
    return { status: response.status, code: body?.error?.code as string | undefined, body };
  }

  const routes = [
    ['GET', () => `/temporal/stream/${id}`],
    ['GET', () => `/temporal/recovery/${id}`],
    ['GET', () => `/temporal/recovery/${id}/latest`],
    ['GET', () => '/workflow/paused'],
    ['GET', () => '/workflow/paused-stream'],
    ['POST', () => `/workflow/executions/${id}/resume`],
    ['POST', () => `/workflow/executions/${id}/cancel`],
    ['POST', () => '/workflow/triggers'],
  ] as const;

  it.each(routes)('%s %s without a token is 401', async (method, path) => {
    const result = await call(path(), undefined, { method });
    expect(result.status).toBe(401);
    expect(result.code).toBe('UNAUTHORIZED');
  });

  it('a forged token is 401', async () => {
    const token = await mintToken('another-secret-that-is-at-least-32-chars', { subject: 'x', tasks: '*' });
    expect((await call(`/temporal/recovery/${id}`, token)).code).toBe('UNAUTHORIZED');
  });

  it('an expired token is 401 TOKEN_EXPIRED', async () => {
    const token = await mintToken(SECRET, {
      subject: 'x',
      tasks: [id],
      ttlSeconds: 60,
      now: () => Date.now() - 120_000,
    });
    const result = await call(`/temporal/recovery/${id}`, token);
    expect(result.status).toBe(401);
    expect(result.code).toBe('TOKEN_EXPIRED');
  });

  it("another task's token is 403, on the stream and on recovery", async () => {
    const token = await harness.token([other]);
    expect(await call(`/temporal/stream/${id}`, token)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await call(`/temporal/recovery/${id}`, token)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await call(`/temporal/recovery/${other}`, token)).toMatchObject({ status: 200 });
  });

  it('an action outside the token scope is 403', async () => {
    const readOnly = await harness.token([id], ['read']);
    const resume = await call(`/workflow/executions/${id}/resume`, readOnly, { method: 'POST' });
    expect(resume).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const trigger = await call('/workflow/triggers', readOnly, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ event: 'x' }),
    });
    expect(trigger).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it('takes the token from ?token= for native EventSource', async () => {
    const token = await harness.token([id]);
    expect((await call(`/temporal/recovery/${id}?token=${encodeURIComponent(token)}`)).status).toBe(200);
  });

  it('caps open streams per token by closing the oldest, never by refusing the newest', async () => {
    const limited = await startServer(harness.client, {
      bus: harness.bus,
      recoverPausedOnStart: false,
      limits: { maxStreamsPerToken: 2 },
    });
    try {
      const token = await harness.token('*');
      const open = async () =>
        fetch(`${limited.baseUrl}/workflow/paused-stream`, { headers: { Authorization: `Bearer ${token}` } });
      const outcome = (response: Response) =>
        response.text().then(
          () => 'ended',
          () => 'cut',
        );
      const first = await open();
      const second = await open();
      const third = await open();
      expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
      // The server cut the oldest stream (the client resumes it by Last-Event-ID if it is still there).
      expect(await outcome(first)).toBe('cut');
      expect(limited.server.publisher.stats()).toMatchObject({ connections: 2, closed: { evicted: 1 } });
      const fourth = await open();
      expect(fourth.status).toBe(200);
      expect(await outcome(second)).toBe('cut');
      expect(limited.server.publisher.stats()).toMatchObject({ connections: 2, closed: { evicted: 2 } });
      await third.body?.cancel();
      await fourth.body?.cancel();
    } finally {
      await limited.close();
    }
  });

  it('refuses to start without auth settings, and runs open only when told explicitly', async () => {
    const { createRecoveryServer } = await import('../src/index');
    expect(() => createRecoveryServer({ auth: { secret: 'short' } })).toThrow(/at least 32 characters/);
    const open = await startServer(harness.client, {
      bus: harness.bus,
      recoverPausedOnStart: false,
      auth: { disabled: true },
    });
    try {
      const response = await fetch(`${open.baseUrl}/temporal/recovery/${id}`);
      expect(response.status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
