/**
 * Route fuzzing with fast-check against a live server on real Temporal: every route
 * of the table, with hostile path segments, query strings, headers and bodies, from
 * callers holding a fitting token, another task's token, garbage or none. Properties:
 * client input never gets a 5xx, every error is the documented body with the status
 * its code maps to, the server keeps serving, and a stream followed meanwhile stays exact.
 */
import { ERROR_STATUS, isErrorBody } from '@resumable/protocol';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../src/routes';
import { SECRET, useServerHarness, type Harness, type ServerInstance } from './harness';
import { StreamFollower, range } from './sse-client';
import { emitMore, finish, orderTask, steppedTask, tickingTask } from './workflows';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const BUS_SECRET = 'bus-secret-that-is-at-least-32-characters-long';

/** Path segments that try traversal, encoding tricks, size and unicode. */
const hostileSegment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '..',
    '../..',
    '%2e%2e',
    '%2F',
    '%00',
    '\u0000',
    '%ZZ',
    '%',
    '',
    ' ',
    'a/b',
    '😀',
    'ü',
    '\r\nX-Injected: 1',
    '*',
  ),
  fc.integer({ min: 1, max: 5200 }).map((length) => 'i'.repeat(length)),
);

const queryValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('-1', '0', '1', '1.5', 'NaN', '1e400', '9'.repeat(40), '0x10', ' 3', '%00'),
);

const body = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 100 }),
  fc.constantFrom(
    '{',
    '{"connectionId": ',
    'null',
    '[]',
    '"x"',
    '{"lastSequence": "1"}',
    '{"payload": {"a": 1}}',
    '{"event": 5}',
  ),
  fc
    .record({ connectionId: fc.string(), lastSequence: fc.oneof(fc.integer(), fc.double(), fc.string()) })
    .map((value) => JSON.stringify(value)),
  fc
    .record({ event: fc.string(), payload: fc.jsonValue(), correlation: fc.jsonValue() })
    .map((value) => JSON.stringify(value)),
  fc.constant('x'.repeat(5 * 1024 * 1024)),
);

const header = (values: fc.Arbitrary<string>) => fc.option(values, { nil: undefined });

describe('route fuzzing (fast-check, live server, real Temporal)', () => {
  let harness: Harness;
  let instance: ServerInstance;
  const run = Date.now();
  const taskA = `fuzz-a-${run}`;
  const taskB = `fuzz-b-${run}`;
  const paused = `fuzz-order-${run}`;
  const followed = `fuzz-followed-${run}`;
  let tokens: { name: string; value: string | undefined }[] = [];

  useServerHarness(
    (h, i) => {
      harness = h;
      instance = i;
    },
    { server: { recoverPausedOnStart: false, busSecret: BUS_SECRET } },
  );

  beforeAll(async () => {
    const { client, taskQueue } = harness;
    await client.workflow.execute(tickingTask, { taskQueue, workflowId: taskA, args: [{ count: 3 }] });
    await client.workflow.execute(tickingTask, { taskQueue, workflowId: taskB, args: [{ count: 3 }] });
    await client.workflow.start(orderTask, { taskQueue, workflowId: paused, args: [{ orderId: 'fuzz' }] });
    await client.workflow.start(steppedTask, { taskQueue, workflowId: followed });
    const all = ['read', 'resume', 'cancel', 'trigger'] as const;
    tokens = [
      { name: 'none', value: undefined },
      { name: 'all actions, task A', value: await harness.token([taskA, paused], [...all]) },
      { name: 'read, any task', value: await harness.token('*') },
      { name: 'read, task B', value: await harness.token([taskB]) },
      { name: 'expired', value: await harness.token([taskA], ['read'], -10) },
      { name: 'garbage', value: 'v1.garbage.garbage' },
      { name: 'bus secret', value: BUS_SECRET },
      { name: 'server secret', value: SECRET },
    ];
  });

  it('answers hostile input with a documented 4xx (never a 5xx), keeps serving, and a concurrent stream stays exact', async () => {
    const follower = new StreamFollower(
      `${instance.baseUrl}/temporal/stream/${followed}`,
      await harness.token([followed]),
    );
    const handle = harness.client.workflow.getHandle(followed);
    let emitted = 0;

    const request = fc.record({
      route: fc.constantFrom(...ROUTES),
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
      matchingMethod: fc.oneof(
        { arbitrary: fc.constant(true), weight: 4 },
        { arbitrary: fc.constant(false), weight: 1 },
      ),
      id: fc.oneof(
        { arbitrary: hostileSegment, weight: 2 },
        { arbitrary: fc.constantFrom(taskA, taskB, paused, 'no-such-task'), weight: 3 },
      ),
      encode: fc.boolean(),
      extraSegment: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 9 },
        { arbitrary: hostileSegment, weight: 1 },
      ),
      query: fc.dictionary(
        fc.constantFrom('sinceSequence', 'sinceTimestamp', 'limit', 'lastEventId', 'token', 'x'),
        queryValue,
        { maxKeys: 3 },
      ),
      token: fc.nat({ max: 100 }),
      tokenInQuery: fc.boolean(),
      lastEventId: header(fc.oneof(queryValue, fc.constantFrom('\u0000', 'é', '1\n2'))),
      origin: header(fc.constantFrom('http://evil.example', 'null', 'http://127.0.0.1', '\u00ff')),
      contentType: fc.constantFrom(
        'application/json',
        'text/plain',
        'application/json; charset=utf-8',
        '',
        'multipart/form-data',
      ),
      body: fc.option(body, { nil: undefined }),
    });

    let tried = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        tried++;
        // Keep the followed workflow emitting while the fuzz runs.
        if (tried % 20 === 0) {
          await handle.signal(emitMore, 2);
          emitted += 2;
        }
        const segment = input.encode ? encodeURIComponent(input.id) : input.id;
        let path = input.route.path.replace(/:\w+/, segment);
        if (input.extraSegment !== undefined) path += `/${encodeURIComponent(input.extraSegment)}`;
        const url = new URL(`${instance.baseUrl}/${path}`);
        for (const [key, value] of Object.entries(input.query)) url.searchParams.set(key, value);
        const token = tokens[input.token % tokens.length]?.value;
        if (token && input.tokenInQuery) url.searchParams.set('token', token);
        const headers = new Headers();
        if (token && !input.tokenInQuery) headers.set('authorization', `Bearer ${token}`);
        if (input.lastEventId !== undefined) safeSet(headers, 'last-event-id', input.lastEventId);
        if (input.origin !== undefined) safeSet(headers, 'origin', input.origin);
        if (input.contentType) headers.set('content-type', input.contentType);
        const method = input.matchingMethod ? input.route.method : input.method;
        const hasBody = input.body !== undefined && method !== 'GET' && method !== 'OPTIONS';
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 20_000);
        try {
          const response = await fetch(url, {
            method,
            headers,
            signal: controller.signal,
            ...(hasBody ? { body: input.body } : {}),
          });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          expect(response.status, `${method} ${url.pathname}`).toBeLessThan(500);
          if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
            expect(response.status).toBe(200);
            return; // an open stream: the abort below closes it
          }
          const text = await response.text();
          if (response.status >= 400) {
            const parsed: unknown = JSON.parse(text);
            expect(isErrorBody(parsed), text).toBe(true);
            const code = (parsed as { error: { code: keyof typeof ERROR_STATUS } }).error.code;
            expect(ERROR_STATUS[code], `code ${code}`).toBe(response.status);
          }
        } finally {
          clearTimeout(timer);
          controller.abort();
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 2026), endOnFailure: true },
    );

    // Still serving, and the stream followed through it all is exact.
    const alive = await fetch(`${instance.baseUrl}/temporal/recovery/${taskA}`, {
      headers: { authorization: `Bearer ${await harness.token([taskA])}` },
    });
    expect(alive.status).toBe(200);
    await handle.signal(finish);
    const record = await follower.done;
    expect(record.sequences).toEqual(range(1, emitted + 1));
    console.log(
      `route fuzzing: ${tried} cases over ${ROUTES.length} routes; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    expect(tried).toBe(RUNS);
  }, 300_000);
});

/** Headers refuses some values (NUL, CR/LF): such a case is sent without that header. */
function safeSet(headers: Headers, name: string, value: string): void {
  try {
    headers.set(name, value);
  } catch {
    // Not sendable by any client either.
  }
}
