import { EventSource } from 'eventsource';
import { afterEach, describe, expect, it } from 'vitest';
import { createSsePublisher, type SseConnection, type SsePublisherOptions } from '../src/index';
import { parseStream, startFetchServer, waitFor } from './helpers';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A publisher's `openWeb` behind a fetch handler served on a real socket. */
async function setup(options: SsePublisherOptions = {}) {
  const publisher = createSsePublisher(options);
  const opened: SseConnection[] = [];
  const server = await startFetchServer((request) => {
    const { connection, response } = publisher.openWeb(request, {
      channel: new URL(request.url).pathname.slice(1),
      headers: { 'Access-Control-Allow-Origin': '*' },
    });
    opened.push(connection);
    return response;
  });
  cleanups.push(
    () => server.close(),
    () => publisher.shutdown({ graceMs: 100 }),
  );
  return { publisher, server, opened };
}

describe('openWeb', () => {
  it('streams to an eventsource client with SSE headers, retry and Last-Event-ID', async () => {
    const { publisher, server, opened } = await setup({ retryMs: 500 });
    const raw = await fetch(`${server.url}/task:w`, { headers: { 'Last-Event-ID': '41' } });
    expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(raw.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(raw.headers.get('x-accel-buffering')).toBe('no');
    expect(raw.headers.get('access-control-allow-origin')).toBe('*');
    const parsed = parseStream(raw.body!);
    const source = new EventSource(`${server.url}/task:w`);
    cleanups.push(() => source.close());
    const received: string[] = [];
    source.addEventListener('update', (e) => received.push(e.data));
    await waitFor(() => publisher.channel('task:w').size === 2, 'two connections');
    expect(opened[0]!.lastEventId).toBe('41');
    expect(opened[1]!.lastEventId).toBeNull();
    for (let i = 1; i <= 20; i += 1) publisher.broadcast('task:w', { id: 41 + i, event: 'update', data: `{"n":${i}}` });
    await waitFor(() => received.length === 20 && parsed.events.length === 20, 'twenty events at both');
    expect(received.map((d) => JSON.parse(d).n)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(parsed.retries).toEqual([500]);
    void parsed.cancel();
  });

  it('closes when the request signal aborts', async () => {
    const { publisher, server, opened } = await setup();
    const abort = new AbortController();
    const response = await fetch(`${server.url}/task:abort`, { signal: abort.signal });
    parseStream(response.body!);
    await waitFor(() => opened.length === 1, 'the connection');
    abort.abort();
    expect(await opened[0]!.closed).toBe('client-closed');
    expect(publisher.stats()).toMatchObject({ connections: 0, channels: 0 });
  });

  it('ends (does not error) the body of a request that was aborted, so hosts log nothing', async () => {
    const publisher = createSsePublisher();
    cleanups.push(() => publisher.shutdown({ graceMs: 0 }));
    const abort = new AbortController();
    const { connection, response } = publisher.openWeb(new Request('http://localhost/a', { signal: abort.signal }));
    const body = parseStream(response.body!);
    abort.abort();
    expect(connection.closeReason).toBe('client-closed');
    expect(await body.done).toBe('ended');
  });

  it('closes when the reader cancels, and counts a never-read stream as a slow consumer', async () => {
    const publisher = createSsePublisher({ maxBufferedBytes: 64 * 1024 });
    cleanups.push(() => publisher.shutdown({ graceMs: 0 }));
    const cancelled = publisher.openWeb(new Request('http://localhost/a'), { channel: 'a' });
    const reader = cancelled.response.body!.getReader();
    await reader.cancel();
    expect(cancelled.connection.closeReason).toBe('client-closed');

    // Nobody reads this body: the queue grows to the bound, then the stream is cut.
    const unread = publisher.openWeb(new Request('http://localhost/b'), { channel: 'b' });
    let maxBuffered = 0;
    let i = 0;
    while (!unread.connection.isClosed && i < 1000) {
      publisher.broadcast('b', { data: 'z'.repeat(4096) });
      maxBuffered = Math.max(maxBuffered, unread.connection.bufferedBytes);
      i += 1;
    }
    expect(unread.connection.closeReason).toBe('slow-consumer');
    expect(maxBuffered).toBeGreaterThan(32 * 1024);
    expect(maxBuffered).toBeLessThanOrEqual(64 * 1024);
    expect(i).toBeLessThan(40);
    await expect(unread.response.body!.getReader().read()).rejects.toThrow(/closed by the server/);
  });

  it('refuses with 503 and a protocol error body once shutting down', async () => {
    const { publisher, server, opened } = await setup();
    const before = parseStream((await fetch(`${server.url}/x`)).body!);
    await waitFor(() => opened.length === 1, 'the connection');
    await publisher.shutdown({ graceMs: 100 });
    expect(await before.done).toBe('ended');
    const response = await fetch(`${server.url}/x`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'SHUTTING_DOWN' } });
    expect(opened[1]!.isClosed).toBe(true);
    expect(opened[1]!.closeReason).toBe('shutdown');
  });
});
