import { ResumableError } from '@resumable/protocol';
import { EventSource } from 'eventsource';
import { afterEach, describe, expect, it } from 'vitest';
import { createSsePublisher, type SseConnection, type SsePublisherOptions } from '../src/index';
import { connect } from 'node:net';
import { collectGarbage, parseStream, stalledClient, startServer, waitFor, type TestServer } from './helpers';

/** Sends a raw request, runs `during`, and returns everything the server sent until it closed (or 2 s passed). */
async function rawExchange(port: number, request: string, during: () => Promise<void>): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(request);
  await during();
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
  socket.destroy();
  return text;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A publisher behind a real `node:http` server: `/stream/<channel>` opens a connection on that channel. */
async function setup(options: SsePublisherOptions = {}) {
  const publisher = createSsePublisher(options);
  const opened: SseConnection[] = [];
  const server = await startServer((req, res) => {
    const channel = decodeURIComponent((req.url ?? '/').replace(/^\/stream\//, ''));
    opened.push(publisher.openNode(req, res, { channel, headers: { 'Access-Control-Allow-Origin': '*' } }));
  });
  cleanups.push(
    () => server.close(),
    () => publisher.shutdown({ graceMs: 100 }),
  );
  return { publisher, server, opened };
}

function eventSource(server: TestServer, path: string, types: string[] = ['update']) {
  const source = new EventSource(`${server.url}${path}`);
  const received: { type: string; data: string; lastEventId: string }[] = [];
  for (const type of types) {
    source.addEventListener(type, (event) => received.push({ type, data: event.data, lastEventId: event.lastEventId }));
  }
  const opened = new Promise<void>((resolve, reject) => {
    source.addEventListener('open', () => resolve(), { once: true });
    source.addEventListener('error', (error) => reject(error), { once: true });
  });
  cleanups.push(() => source.close());
  return { source, received, opened };
}

describe('openNode on a real socket', () => {
  it('answers with SSE headers and hands over Last-Event-ID without interpreting it', async () => {
    const { server, opened } = await setup();
    const response = await fetch(`${server.url}/stream/task:a`, { headers: { 'Last-Event-ID': 'not-a-number' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(response.headers.get('connection')).toBe('keep-alive');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    await waitFor(() => opened.length === 1, 'the connection');
    expect(opened[0]!.lastEventId).toBe('not-a-number');
    expect(opened[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    await response.body?.cancel();
  });

  it('delivers broadcasts to an eventsource client, in order, with ids, after one retry field', async () => {
    const { publisher, server } = await setup({ retryMs: 1234 });
    const client = eventSource(server, '/stream/task:a');
    const raw = parseStream((await fetch(`${server.url}/stream/task:a`)).body!);
    await client.opened;
    await waitFor(() => publisher.channel('task:a').size === 2, 'two connections');
    for (let i = 1; i <= 50; i += 1) {
      expect(publisher.channel('task:a').broadcast({ id: i, event: 'update', data: JSON.stringify({ i }) })).toBe(2);
    }
    await waitFor(() => client.received.length === 50 && raw.events.length === 50, '50 events at both clients');
    expect(client.received.map((e) => JSON.parse(e.data).i)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(client.received.at(-1)?.lastEventId).toBe('50');
    expect(raw.retries).toEqual([1234]);
    void raw.cancel();
  });

  it('falls back to res.write where a raw chunk would be wrong: HTTP/1.0 and HEAD', async () => {
    const { publisher, server, opened } = await setup();
    const http10 = await rawExchange(server.port, 'GET /stream/old HTTP/1.0\r\nHost: x\r\n\r\n', async () => {
      await waitFor(() => opened.length === 1, 'the HTTP/1.0 connection');
      publisher.broadcast('old', { id: 1, event: 'update', data: 'a\nb' });
      opened[0]!.close();
    });
    // HTTP/1.0 has no chunked encoding: the body is the SSE text itself, ended by closing the connection.
    expect(http10).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(http10).not.toMatch(/transfer-encoding/i);
    expect(http10).not.toMatch(/connection: keep-alive/i);
    // The default retry first, then the event: raw bytes, no chunk framing.
    expect(http10.slice(http10.indexOf('\r\n\r\n') + 4)).toBe(
      'retry: 1000\n\nid: 1\nevent: update\ndata: a\ndata: b\n\n',
    );

    const head = await rawExchange(
      server.port,
      'HEAD /stream/head HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      async () => {
        await waitFor(() => opened.length === 2, 'the HEAD connection');
        publisher.broadcast('head', { data: 'must not be sent' });
        opened[1]!.close();
      },
    );
    expect(head).toMatch(/content-type: text\/event-stream/i);
    expect(head).not.toContain('must not be sent');
  });

  it('sends comment heartbeats from one timer', async () => {
    const { server } = await setup({ heartbeatMs: 40 });
    const first = parseStream((await fetch(`${server.url}/stream/a`)).body!);
    const second = parseStream((await fetch(`${server.url}/stream/b`)).body!);
    await waitFor(() => first.comments.length >= 3 && second.comments.length >= 3, 'three heartbeats each', 5000);
    expect(first.events).toEqual([]); // heartbeats are comments: no event is dispatched
    void first.cancel();
    void second.cancel();
  });

  it('send() refuses an invalid field before writing anything, and returns false once closed', async () => {
    const { publisher, server, opened } = await setup();
    const client = parseStream((await fetch(`${server.url}/stream/a`)).body!);
    await waitFor(() => opened.length === 1, 'the connection');
    const connection = opened[0]!;
    expect(connection.send({ event: 'update', data: 'one' })).toBe(true);
    let thrown: unknown;
    try {
      connection.send({ event: 'update\nevent: admin', data: 'forged' });
    } catch (error) {
      thrown = error;
    }
    expect(ResumableError.is(thrown) && thrown.code).toBe('INVALID_SSE_FIELD');
    expect(() => publisher.channel('a').broadcast({ id: 'x\ny', data: 'forged' })).toThrow(/id/);
    expect(connection.send({ event: 'update', data: 'two' })).toBe(true);
    connection.close();
    expect(connection.send({ event: 'update', data: 'three' })).toBe(false);
    expect(await client.done).toBe('ended');
    expect(client.events.map((e) => [e.event, e.data])).toEqual([
      ['update', 'one'],
      ['update', 'two'],
    ]);
    expect(await connection.closed).toBe('closed');
  });

  it('frees a connection when its client goes away', async () => {
    const { publisher, server, opened } = await setup();
    const client = eventSource(server, '/stream/task:gone');
    await client.opened;
    await waitFor(() => opened.length === 1, 'the connection');
    const connection = opened[0]!;
    expect(publisher.getConnection(connection.id)).toBe(connection);
    expect(publisher.stats()).toMatchObject({ connections: 1, channels: 1 });
    client.source.close();
    expect(await connection.closed).toBe('client-closed');
    expect(publisher.getConnection(connection.id)).toBeUndefined();
    // No replay history, nobody listening: the channel is collected at once.
    expect(publisher.stats()).toMatchObject({ connections: 0, channels: 0, bufferedBytes: 0 });
    expect(publisher.findChannel('task:gone')).toBeUndefined();
  });

  it('keeps a channel with replay history after its last client leaves, and replays it', async () => {
    const { publisher, server, opened } = await setup({ replay: { maxEvents: 3, maxBytes: 10_000 } });
    const client = eventSource(server, '/stream/task:r');
    await client.opened;
    for (let i = 1; i <= 5; i += 1) publisher.broadcast('task:r', { id: i, event: 'update', data: String(i) });
    await waitFor(() => client.received.length === 5, 'five events');
    client.source.close();
    await opened[0]!.closed;
    const channel = publisher.findChannel('task:r');
    expect(channel?.size).toBe(0);
    expect(channel?.lastEventId).toBe('5');
    expect(channel?.replaySince('3')?.map((e) => e.data)).toEqual(['4', '5']);
    expect(channel?.replaySince(1)).toBeNull();
  });

  it('cuts off a client that stops reading at the bound, while memory stays bounded', async () => {
    const bound = 256 * 1024;
    const { publisher, server, opened } = await setup({ maxBufferedBytes: bound });
    // The fast reader counts what it gets instead of keeping it, so the test holds no copies.
    const fast = eventSource(server, '/stream/task:slow', []);
    let fastReceived = 0;
    let fastBytes = 0;
    fast.source.addEventListener('update', (e) => {
      fastReceived += 1;
      fastBytes += e.data.length;
    });
    await fast.opened;
    const stalled = await stalledClient(server.port, '/stream/task:slow');
    cleanups.push(() => stalled.destroy());
    await waitFor(() => opened.length === 2, 'two connections');
    const slow = opened[1]!;
    const fastConnection = opened[0]!;

    collectGarbage();
    const before = process.memoryUsage();
    const event = 'x'.repeat(16 * 1024);
    let sent = 0;
    let maxBuffered = 0;
    // Far more than the bound plus every kernel buffer on the way: 64 MiB.
    for (let i = 1; i <= 4096; i += 1) {
      publisher.broadcast('task:slow', { event: 'update', data: event });
      sent += event.length;
      maxBuffered = Math.max(maxBuffered, slow.bufferedBytes);
      // Pace on the fast reader only, so it is never the one that falls behind.
      while (fastConnection.bufferedBytes > bound / 2) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(slow.closeReason).toBe('slow-consumer');
    expect(fastConnection.isClosed).toBe(false);
    // Never more than the bound plus the one event that crossed it.
    expect(maxBuffered).toBeLessThanOrEqual(bound + event.length + 64);
    await waitFor(() => fastReceived === 4096, 'the fast reader to get everything', 30_000);
    expect(fastBytes).toBe(sent);
    // Sockets and streams let go of their chunks a few turns of the loop after the last
    // write, later on a loaded machine: measure after each turn and keep the lowest.
    // A leak never comes down; a late release does.
    const footprint = () => {
      const { arrayBuffers, heapUsed } = process.memoryUsage();
      return arrayBuffers + heapUsed;
    };
    const start = before.arrayBuffers + before.heapUsed;
    let grew = Number.POSITIVE_INFINITY;
    for (let turn = 0; turn < 10 && grew >= 16 * 1024 * 1024; turn += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50 * turn));
      collectGarbage();
      grew = Math.min(grew, footprint() - start);
    }
    // 64 MiB went through; what the server still holds is a small fraction of it.
    expect(sent).toBe(64 * 1024 * 1024);
    expect(grew).toBeLessThan(16 * 1024 * 1024);
    expect(publisher.stats()).toMatchObject({ connections: 1, closed: { 'slow-consumer': 1 } });
  }, 60_000);

  it('closes a socket whose peer stopped reading once its backlog made no progress for maxStalledHeartbeats heartbeats', async () => {
    const heartbeatMs = 50;
    const { publisher, server, opened } = await setup({
      heartbeatMs,
      maxStalledHeartbeats: 3,
      maxBufferedBytes: 64 * 1024 * 1024,
    });
    const reader = parseStream((await fetch(`${server.url}/stream/quiet`)).body!);
    const stalled = await stalledClient(server.port, '/stream/quiet');
    cleanups.push(() => stalled.destroy());
    await waitFor(() => opened.length === 2, 'two connections');
    const [live, slow] = opened as [SseConnection, SseConnection];
    // Fill the kernel's buffers on the way to the stalled peer, until Node itself holds bytes for it
    // (after a turn of the event loop, once this tick's writes went to the kernel).
    let events = 0;
    do {
      publisher.broadcast('quiet', { data: 'q'.repeat(32 * 1024) });
      events += 1;
      do await new Promise((resolve) => setImmediate(resolve));
      while (live.bufferedBytes > 256 * 1024);
    } while (slow.bufferedBytes === 0 && events < 4096);
    const backlog = slow.bufferedBytes;
    expect(backlog).toBeGreaterThan(0);
    const stalledAt = Date.now();
    await slow.closed;
    expect(slow.closeReason).toBe('slow-consumer');
    // Cut by the stall check (at least two quiet intervals), far below the byte bound.
    expect(Date.now() - stalledAt).toBeGreaterThanOrEqual(2 * heartbeatMs - 10);
    expect(backlog).toBeLessThan(64 * 1024 * 1024);
    // The server closed the socket: the peer sees it as soon as it reads again.
    const peerClosed = new Promise<void>((resolve) => stalled.once('close', () => resolve()));
    stalled.resume();
    await peerClosed;
    // The client that reads keeps its stream through many more heartbeats.
    await waitFor(() => reader.events.length === events, 'the reader to get everything', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 10 * heartbeatMs));
    expect(live.isClosed).toBe(false);
    expect(publisher.stats().closed).toEqual({ 'slow-consumer': 1 });
    await reader.cancel();
  }, 60_000);

  it('shutdown closes everything, refuses newcomers with 503, and drops a stalled client after the grace period', async () => {
    const { publisher, server, opened } = await setup({ heartbeatMs: 20, maxBufferedBytes: 64 * 1024 * 1024 });
    const a = eventSource(server, '/stream/one');
    const b = parseStream((await fetch(`${server.url}/stream/two`)).body!);
    await a.opened;
    const stalled = await stalledClient(server.port, '/stream/three');
    cleanups.push(() => stalled.destroy());
    await waitFor(() => opened.length === 3, 'three connections');
    // Give the stalled client a backlog no kernel buffer can absorb (under the slow-consumer bound).
    for (let i = 0; i < 512; i += 1) publisher.broadcast('three', { data: 'y'.repeat(32 * 1024) });
    expect(opened[2]!.bufferedBytes).toBeGreaterThan(1024 * 1024);
    const started = Date.now();
    await publisher.shutdown({ graceMs: 300 });
    // It waited the grace period for the stalled client, then dropped it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(opened.every((c) => c.isClosed)).toBe(true);
    expect(opened.map((c) => c.closeReason)).toEqual(['shutdown', 'shutdown', 'shutdown']);
    expect(await b.done).toBe('ended');
    expect(publisher.stats()).toMatchObject({ connections: 0, channels: 0, accepting: false });

    const refused = await fetch(`${server.url}/stream/one`);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: { code: 'SHUTTING_DOWN' } });
    const late = opened.at(-1)!;
    expect(late.isClosed).toBe(true);
    expect(late.send({ data: 'x' })).toBe(false);
    // The native EventSource saw its stream end, tried again, and got the 503.
    await waitFor(() => a.source.readyState === EventSource.CLOSED, 'the EventSource to stop', 10_000);
  });
});
