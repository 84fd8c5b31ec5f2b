import type { UpdatesPage } from '@resumable/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { useServerHarness, type Harness, type ServerInstance } from './harness';
import { tickingTask } from './workflows';

describe('bad input', () => {
  let harness: Harness;
  let instance: ServerInstance;
  let token: string;
  const id = `bad-input-${Date.now()}`;

  useServerHarness(
    (h, i) => {
      harness = h;
      instance = i;
    },
    { server: { recoverPausedOnStart: false, limits: { maxBodyBytes: 1024 } } },
  );
  beforeAll(async () => {
    await harness.client.workflow.execute(tickingTask, {
      taskQueue: harness.taskQueue,
      workflowId: id,
      args: [{ count: 5 }],
    });
    token = await harness.token('*', ['read', 'resume', 'cancel', 'trigger']);
  });

  const json = { 'Content-Type': 'application/json' };
  const cases: { name: string; path: () => string; init?: RequestInit; status: number; code: string }[] = [
    {
      name: 'non-numeric sinceSequence',
      path: () => `/temporal/recovery/${id}?sinceSequence=abc`,
      status: 400,
      code: 'INVALID_PARAMETER',
    },
    {
      name: 'negative sinceSequence',
      path: () => `/temporal/recovery/${id}?sinceSequence=-1`,
      status: 400,
      code: 'INVALID_PARAMETER',
    },
    {
      name: 'huge sinceSequence',
      path: () => `/temporal/recovery/${id}?sinceSequence=1${'0'.repeat(30)}`,
      status: 400,
      code: 'INVALID_PARAMETER',
    },
    {
      name: 'fractional limit',
      path: () => `/temporal/recovery/${id}?limit=1.5`,
      status: 400,
      code: 'INVALID_PARAMETER',
    },
    {
      name: 'limit above the page cap',
      path: () => `/temporal/recovery/${id}?limit=100000`,
      status: 400,
      code: 'INVALID_PARAMETER',
    },
    { name: 'limit 0', path: () => `/temporal/recovery/${id}?limit=0`, status: 400, code: 'INVALID_PARAMETER' },
    {
      name: 'unknown task',
      path: () => '/temporal/recovery/no-such-task-anywhere',
      status: 404,
      code: 'TASK_NOT_FOUND',
    },
    {
      name: 'unknown task stream',
      path: () => '/temporal/stream/no-such-task-anywhere',
      status: 404,
      code: 'TASK_NOT_FOUND',
    },
    { name: 'unknown route', path: () => '/temporal/nothing-here', status: 404, code: 'NOT_FOUND' },
    {
      name: 'wrong method',
      path: () => `/temporal/recovery/${id}/latest`,
      init: { method: 'POST' },
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
    },
    {
      name: 'malformed JSON',
      path: () => `/temporal/recovery/${id}`,
      init: { method: 'POST', headers: json, body: '{"connectionId": ' },
      status: 400,
      code: 'INVALID_JSON',
    },
    {
      name: 'JSON that is not an object',
      path: () => '/workflow/triggers',
      init: { method: 'POST', headers: json, body: '[1,2]' },
      status: 400,
      code: 'BAD_REQUEST',
    },
    {
      name: 'missing fields',
      path: () => `/temporal/recovery/${id}`,
      init: { method: 'POST', headers: json, body: '{"lastSequence": 1}' },
      status: 400,
      code: 'BAD_REQUEST',
    },
    {
      name: 'negative lastSequence',
      path: () => `/temporal/recovery/${id}`,
      init: { method: 'POST', headers: json, body: '{"connectionId":"x","lastSequence":-3}' },
      status: 400,
      code: 'BAD_REQUEST',
    },
    {
      name: 'oversized body',
      path: () => '/workflow/triggers',
      init: { method: 'POST', headers: json, body: JSON.stringify({ event: 'x', payload: 'y'.repeat(5000) }) },
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
    {
      name: 'a body that is not JSON',
      path: () => '/workflow/triggers',
      init: { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'event=x' },
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: 'encoded slash in taskId',
      path: () => '/temporal/recovery/a%2F..%2Fb',
      status: 400,
      code: 'INVALID_TASK_ID',
    },
    {
      name: 'encoded CR/LF in taskId',
      path: () => '/temporal/stream/a%0D%0Aevent%3A%20x',
      status: 400,
      code: 'INVALID_TASK_ID',
    },
    { name: 'NUL in taskId', path: () => '/temporal/recovery/a%00b', status: 400, code: 'INVALID_TASK_ID' },
    {
      name: 'broken percent-encoding',
      path: () => '/temporal/recovery/%E0%A4%A',
      status: 400,
      code: 'INVALID_TASK_ID',
    },
    {
      name: 'overlong taskId',
      path: () => `/temporal/recovery/${'x'.repeat(300)}`,
      status: 400,
      code: 'INVALID_TASK_ID',
    },
    {
      name: 'dot segments escaping the base path',
      path: () => '/temporal/recovery/../../../etc/passwd',
      status: 404,
      code: 'NOT_FOUND',
    },
    {
      name: 'non-numeric Last-Event-ID',
      path: () => `/temporal/stream/${id}`,
      init: { headers: { 'Last-Event-ID': 'abc' } },
      status: 400,
      code: 'INVALID_LAST_EVENT_ID',
    },
    {
      name: 'CR/LF in ?lastEventId',
      path: () => `/temporal/stream/${id}?lastEventId=1%0D%0Aevent:%20x`,
      status: 400,
      code: 'INVALID_LAST_EVENT_ID',
    },
    {
      name: 'resume of an execution that is not paused',
      path: () => `/workflow/executions/${id}/resume`,
      init: { method: 'POST' },
      status: 409,
      code: 'NOT_PAUSED',
    },
    {
      name: 'cancel of an unknown execution',
      path: () => '/workflow/executions/no-such-execution/cancel',
      init: { method: 'POST' },
      status: 404,
      code: 'TASK_NOT_FOUND',
    },
  ];

  it.each(cases)('$name → $status $code, and the server keeps serving', async ({ path, init, status, code }) => {
    const headers = { Authorization: `Bearer ${token}`, ...(init?.headers as Record<string, string>) };
    const response = await fetch(`${instance.baseUrl}${path()}`, { ...init, headers });
    expect(response.status).toBe(status);
    const body = await response.json();
    expect(body).toEqual({ error: { code, message: expect.any(String) } });
    const healthy = await fetch(`${instance.baseUrl}/temporal/recovery/${id}?sinceSequence=3`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(healthy.status).toBe(200);
    expect(((await healthy.json()) as UpdatesPage).updates.map((u: { sequence: number }) => u.sequence)).toEqual([
      4, 5,
    ]);
  });

  it('a CR/LF in a raw Last-Event-ID header never reaches the stream', async () => {
    const { request } = await import('node:http');
    const url = new URL(`${instance.baseUrl}/temporal/stream/${id}`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          headers: { Authorization: `Bearer ${token}`, 'Last-Event-ID': '1\tx' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
  });
});
