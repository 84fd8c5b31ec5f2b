import { ResumableError } from '@resumable/protocol';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSsePublisher, joinEvents, prepareEvent, type SseConnection } from '../src/index';
import { startServer, waitFor } from './helpers';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const events = [1, 2, 3].map((id) => ({ id, event: 'update', data: JSON.stringify({ n: id, text: 'ü "q"' }) }));

/** A publisher behind node:http, and raw sockets that keep every byte, chunk framing included. */
async function nodeSetup() {
  const publisher = createSsePublisher({ heartbeatMs: 60_000 });
  const opened: SseConnection[] = [];
  const server = await startServer((req, res) => opened.push(publisher.openNode(req, res, { channel: 't' })));
  cleanups.push(
    () => server.close(),
    () => publisher.shutdown({ graceMs: 0 }),
  );
  const raw = async () => {
    const socket = connect(server.port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.write('GET /stream HTTP/1.1\r\nHost: x\r\n\r\n');
    cleanups.push(() => socket.destroy());
    const at = opened.length;
    await waitFor(() => opened.length > at, 'the connection');
    await waitFor(() => text.includes('\r\n\r\n'), 'the headers');
    return {
      connection: opened[at]!,
      body: () => Buffer.from(text.slice(text.indexOf('\r\n\r\n') + 4), 'latin1').toString(),
    };
  };
  return { publisher, raw };
}

/** Server-sent text of a chunked body, framing removed. */
const unchunk = (body: string) => body.replace(/(^|\r\n)[0-9a-f]+\r\n/g, '');

describe('prepared events', () => {
  it('a prepared event reaches every connection byte for byte as the plain event does', async () => {
    const { raw } = await nodeSetup();
    const plain = await raw();
    const first = await raw();
    const second = await raw();
    const prepared = prepareEvent(events[0]!);
    plain.connection.send(events[0]!);
    first.connection.send(prepared);
    second.connection.send(prepared);
    await waitFor(() => second.body().includes('"n":1'), 'the event');
    expect(first.body()).toBe(plain.body());
    expect(second.body()).toBe(plain.body());
    expect(prepared.events).toEqual([events[0]]);
  });

  it('a joined event goes out as one HTTP chunk holding the events in order', async () => {
    const { raw } = await nodeSetup();
    const client = await raw();
    const before = client.body().length;
    const joined = joinEvents(events.map(prepareEvent));
    expect(joined.events).toEqual(events);
    expect(client.connection.send(joined)).toBe(true);
    await waitFor(() => client.body().includes('"n":3'), 'the events');
    const written = client.body().slice(before);
    // One chunk: a single length line, for all three events.
    expect(written.match(/(^|\r\n)[0-9a-f]+\r\n/g)).toHaveLength(1);
    expect(unchunk(written)).toBe(
      events.map((event) => `id: ${event.id}\nevent: update\ndata: ${event.data}\n\n`).join('') + '\r\n',
    );
  });

  it('works on Web streams too, and an empty join writes nothing', async () => {
    const publisher = createSsePublisher({ heartbeatMs: 60_000, retryMs: 0 });
    const { connection, response } = publisher.openWeb(new Request('http://x/'));
    expect(connection.send(joinEvents([]))).toBe(true);
    connection.send(joinEvents(events.map(prepareEvent)));
    connection.send(prepareEvent({ event: 'end', data: '{}' }));
    connection.close();
    const text = await new Response(response.body).text();
    expect(text.endsWith('id: 3\nevent: update\ndata: ' + events[2]!.data + '\n\nevent: end\ndata: {}\n\n')).toBe(true);
    expect(text.match(/^id: /gm)).toHaveLength(3);
  });

  it('a broadcast prepared event is kept for replay like a plain one', () => {
    const publisher = createSsePublisher();
    const channel = publisher.channel('t');
    channel.broadcast(prepareEvent(events[0]!));
    channel.broadcast(joinEvents([prepareEvent(events[1]!), prepareEvent(events[2]!)]));
    expect(channel.replaySince(0)).toEqual(events);
    expect(channel.lastEventId).toBe('3');
  });

  it('a prepared broadcast writes to every connection exactly what the plain broadcast writes', async () => {
    const { publisher, raw } = await nodeSetup();
    const clients = [await raw(), await raw()];
    for (const client of clients) await waitFor(() => client.body().includes('retry:'), 'the retry field');
    const channel = publisher.channel('t');
    const start = clients.map((client) => client.body().length);
    expect(channel.broadcast(events[0]!)).toBe(2);
    for (const client of clients) await waitFor(() => client.body().includes('"n":1'), 'the plain broadcast');
    const plain = clients.map((client, at) => client.body().slice(start[at]));
    const mark = clients.map((client) => client.body().length);
    expect(channel.broadcast(prepareEvent(events[0]!))).toBe(2);
    for (const [at, client] of clients.entries()) {
      await waitFor(() => client.body().length === mark[at]! + plain[at]!.length, 'the prepared broadcast');
      expect(client.body().slice(mark[at])).toBe(plain[at]);
    }
    expect(plain[0]).toBe(plain[1]);
  });

  it('a joined event is one enqueue on a Web stream', async () => {
    const publisher = createSsePublisher({ heartbeatMs: 60_000, retryMs: null });
    const { connection, response } = publisher.openWeb(new Request('http://x/'));
    connection.send(joinEvents(events.map(prepareEvent)));
    connection.close();
    const chunks: Uint8Array[] = [];
    const reader = response.body!.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(read.value);
    expect(chunks).toHaveLength(1);
    expect(new TextDecoder().decode(chunks[0])).toBe(
      events.map((event) => `id: ${event.id}\nevent: update\ndata: ${event.data}\n\n`).join(''),
    );
  });

  it('joins flatten, keep the source events, and take only prepared events', () => {
    const one = prepareEvent(events[0]!);
    expect(joinEvents([one])).toBe(one);
    const rest = joinEvents([prepareEvent(events[1]!), prepareEvent(events[2]!)]);
    const joined = joinEvents([one, rest]);
    expect(joined.events).toEqual(events);
    // The same objects, not copies.
    expect(joined.events[0]).toBe(events[0]);
    expect(joined.byteLength).toBe(one.byteLength + rest.byteLength);
    const empty = joinEvents([]);
    expect([empty.byteLength, empty.events]).toEqual([0, []]);
    expect(() => joinEvents([events[0] as never])).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });

  it('refuses a field SSE cannot carry before anything is prepared, sent or kept', async () => {
    const publisher = createSsePublisher({ heartbeatMs: 60_000, retryMs: null });
    const { connection, response } = publisher.openWeb(new Request('http://x/'), { channel: 't' });
    const channel = publisher.channel('t');
    const bad = { id: 9, event: 'bad\nname', data: 'x' };
    const refused = expect.objectContaining({ code: 'INVALID_SSE_FIELD' });
    expect(() => prepareEvent(bad)).toThrow(ResumableError);
    expect(() => prepareEvent(bad)).toThrow(refused);
    expect(() => connection.send(bad)).toThrow(refused);
    expect(() => channel.broadcast(bad)).toThrow(refused);
    expect(channel.replayStats.events).toBe(0);
    expect(channel.lastEventId).toBeNull();
    // A plain object still goes through as it always did.
    expect(connection.send({ data: 'x' })).toBe(true);
    connection.close();
    expect(await new Response(response.body).text()).toBe('data: x\n\n');
  });

  it('the README example: a catch-up encoded and joined once, one write per client', async () => {
    const { publisher, raw } = await nodeSetup();
    const channel = publisher.channel('t');
    for (const event of events) channel.broadcast(event);
    const clients = [await raw(), await raw()];
    const catchingUp = clients.map((client) => client.connection);
    const missed = channel.replaySince(0) ?? [];

    const catchUp = joinEvents(missed.map(prepareEvent)); // encoded and joined once
    for (const connection of catchingUp) connection.send(catchUp); // one write (one HTTP chunk) per client

    for (const client of clients) {
      await waitFor(() => client.body().includes('"n":3'), 'the catch-up');
      expect(unchunk(client.body())).toContain(
        events.map((event) => `id: ${event.id}\nevent: update\ndata: ${event.data}\n\n`).join(''),
      );
    }
    expect(clients[0]!.body()).toBe(clients[1]!.body());
  });
});
