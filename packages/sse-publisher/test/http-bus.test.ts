import { randomBytes } from 'node:crypto';
import { isErrorBody, taskTopic, type BusMessage, type ErrorBody } from '@resumable/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpBusReceiver, createHttpBusSender, createInMemoryBus } from '../src/index';
import { startFetchServer, startServer, waitFor } from './helpers';

const SECRET = 'server-secret-for-tests-0123456789';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const update = (taskId: string, sequence: number): BusMessage => ({
  kind: 'update',
  taskId,
  update: {
    id: `${taskId}:${sequence}`,
    timestamp: 1_700_000_000_000 + sequence,
    sequence,
    type: 'step',
    data: { text: `line ${sequence}\r\n` },
  },
  status: 'RUNNING',
});

async function receiverServer(maxBodyBytes = 64 * 1024) {
  const bus = createInMemoryBus();
  const received: BusMessage[] = [];
  await bus.subscribe(taskTopic('t1'), (message) => received.push(message));
  const server = await startFetchServer(createHttpBusReceiver({ secret: SECRET, bus, maxBodyBytes }));
  cleanups.push(
    () => server.close(),
    () => bus.close(),
  );
  return { server, received, url: `${server.url}/bus` };
}

describe('HTTP bus (worker → server)', () => {
  it('carries every message from sender to the server bus, unchanged and in order', async () => {
    const { url, received } = await receiverServer();
    const sender = createHttpBusSender({ url, secret: SECRET, maxBatchMessages: 64 });
    cleanups.push(() => sender.close());
    const sent = Array.from({ length: 1000 }, (_, i) => update('t1', i + 1));
    for (const message of sent) await sender.publish(message);
    await sender.publish(update('t2', 1)); // another topic: not delivered to t1's subscriber
    await sender.flush();
    expect(received).toEqual(sent);
    expect(sender.stats()).toMatchObject({ sent: 1001, dropped: 0, queued: 0 });
  });

  it('answers 401, 405, 415, 413 and 400 with protocol error bodies, and publishes nothing then', async () => {
    const { url, received } = await receiverServer(4096);
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(url, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${SECRET}`, ...headers },
      });
    const good = JSON.stringify({ messages: [update('t1', 1)] });
    const cases: [string, Promise<Response>, number, string][] = [
      [
        'no secret',
        fetch(url, { method: 'POST', body: good, headers: { 'Content-Type': 'application/json' } }),
        401,
        'UNAUTHORIZED',
      ],
      ['a wrong secret', post(good, { Authorization: `Bearer ${SECRET}x` }), 401, 'UNAUTHORIZED'],
      [
        'a browser-style token',
        post(good, { Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x' }),
        401,
        'UNAUTHORIZED',
      ],
      ['GET', fetch(url, { headers: { Authorization: `Bearer ${SECRET}` } }), 405, 'METHOD_NOT_ALLOWED'],
      ['text/plain', post(good, { 'Content-Type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [
        'a huge body',
        post(JSON.stringify({ messages: [update('t1', 1)], pad: 'x'.repeat(10_000) })),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      ['broken JSON', post('{"messages": ['), 400, 'INVALID_JSON'],
      ['no messages array', post('{"message": []}'), 400, 'BAD_REQUEST'],
      ['a JSON null', post('null'), 400, 'BAD_REQUEST'],
      [
        'one bad message in a batch',
        post(JSON.stringify({ messages: [update('t1', 1), { kind: 'update', taskId: 't1' }] })),
        400,
        'BAD_REQUEST',
      ],
    ];
    for (const [name, pending, status, code] of cases) {
      const response = await pending;
      expect(response.status, name).toBe(status);
      const body = (await response.json()) as ErrorBody;
      expect(isErrorBody(body), name).toBe(true);
      expect(body.error.code, name).toBe(code);
    }
    expect(received).toEqual([]);
    expect((await post(good)).status).toBe(200);
    expect(received).toHaveLength(1);
  });

  it('never crashes on garbage', async () => {
    const { url, received } = await receiverServer();
    for (let i = 0; i < 200; i += 1) {
      const body =
        i % 2 === 0
          ? randomBytes(1 + (i % 97) * 13)
          : JSON.stringify({ messages: [randomBytes(20).toString('latin1')] });
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${SECRET}` },
      });
      expect(response.status).toBe(400);
      expect(isErrorBody(await response.json())).toBe(true);
    }
    expect(received).toEqual([]);
  });

  it('never blocks or fails the caller when the server is down, and gives up after a bounded number of tries', async () => {
    // A port that refuses: listen, note the port, close.
    const gone = await startServer(() => {});
    await gone.close();
    const errors: string[] = [];
    const sender = createHttpBusSender({
      url: `${gone.url}/bus`,
      secret: SECRET,
      maxAttempts: 3,
      retryDelayMs: 5,
      onError: (error) => errors.push(error.message),
    });
    for (let i = 1; i <= 10; i += 1) await sender.publish(update('t1', i));
    // Every publish resolved before any request was even tried: the caller never waits on the network.
    expect(sender.stats()).toMatchObject({ queued: 10, failedRequests: 0, dropped: 0 });
    await sender.flush();
    expect(sender.stats()).toMatchObject({ sent: 0, dropped: 10, queued: 0, failedRequests: 3 });
    expect(errors.at(-1)).toMatch(/dropped/);
    await sender.close();
  });

  it('does not retry a refused secret, and drops messages it cannot send', async () => {
    const { url, received } = await receiverServer();
    const sender = createHttpBusSender({ url, secret: 'not-the-server-secret-but-long-enough', retryDelayMs: 5 });
    await sender.publish(update('t1', 1));
    await sender.publish({ kind: 'update', taskId: '' } as unknown as BusMessage);
    await sender.flush();
    expect(sender.stats()).toMatchObject({ sent: 0, dropped: 2, failedRequests: 1 });
    expect(received).toEqual([]);
    await expect(sender.subscribe(taskTopic('t1'), () => {})).rejects.toThrow(/only publishes/);
  });

  it('keeps at most maxQueue messages while the server is unreachable', async () => {
    const gone = await startServer(() => {});
    await gone.close();
    const sender = createHttpBusSender({ url: gone.url, secret: SECRET, maxQueue: 5, maxAttempts: 1 });
    for (let i = 1; i <= 50; i += 1) void sender.publish(update('t1', i));
    expect(sender.stats().queued).toBeLessThanOrEqual(5);
    await sender.close();
    await waitFor(() => sender.stats().queued === 0, 'the queue to empty');
    expect(sender.stats().dropped).toBe(50);
  });
});
