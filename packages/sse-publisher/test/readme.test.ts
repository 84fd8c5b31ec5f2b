/**
 * The README's examples, verbatim (the docs check holds them to the README), on real
 * sockets: a bus update reaches a connected client, a client that comes back with
 * `Last-Event-ID` gets what it missed from the replay buffer, and the fetch-native
 * handler streams a channel.
 */
import { createServer } from 'node:http';
import { freePort } from '@resumable/kit/net';
import { taskTopic } from '@resumable/protocol';
import type { WorkflowUpdate } from '@resumable/protocol';
import { createInMemoryBus, createSsePublisher } from '@resumable/sse-publisher';
import { afterEach, describe, expect, it } from 'vitest';
import { parseStream, waitFor } from './helpers';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The README's Node example, as an app runs it at start-up. */
async function startReadmeServer() {
  const publisher = createSsePublisher({ heartbeatMs: 15_000, retryMs: 2_000, maxBufferedBytes: 1 << 20 });
  const bus = createInMemoryBus(); // or createRedisBus() from '@resumable/sse-publisher/redis'

  await bus.subscribe(taskTopic('order-1'), (message) => {
    if (message.kind !== 'update') return;
    const { update } = message;
    publisher.channel('task:order-1').broadcast({ id: update.sequence, event: 'update', data: JSON.stringify(update) });
  });

  const server = createServer((req, res) => {
    const connection = publisher.openNode(req, res, { channel: 'task:order-1' });
    connection.send({ event: 'connected', data: JSON.stringify({ connectionId: connection.id }) });
    // Resume: what the channel still holds after the client's Last-Event-ID, else read the durable log.
    const missed = publisher.channel('task:order-1').replaySince(connection.lastEventId ?? '0');
    for (const event of missed ?? []) connection.send(event);
  });
  server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');

  process.on('SIGTERM', () => publisher.shutdown({ graceMs: 5_000 }));
  return { publisher, bus, server };
}

const update = (sequence: number): WorkflowUpdate => ({
  id: `order-1:${sequence}`,
  timestamp: 1_700_000_000_000 + sequence,
  sequence,
  type: 'progress',
  data: { percent: sequence * 10 },
});

describe('the README Node example', () => {
  it('delivers bus updates live, and what a client missed when it comes back with Last-Event-ID', async () => {
    process.env.PORT = String(await freePort());
    const signalListeners = process.listeners('SIGTERM');
    const { publisher, bus, server } = await startReadmeServer();
    cleanups.push(
      () => new Promise((resolve) => server.close(resolve)),
      () => publisher.shutdown({ graceMs: 0 }),
      () => {
        for (const listener of process.listeners('SIGTERM')) {
          if (!signalListeners.includes(listener)) process.off('SIGTERM', listener);
        }
      },
    );
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${process.env.PORT}/`;

    const first = parseStream((await fetch(url)).body!);
    cleanups.push(first.cancel);
    await waitFor(() => first.events.length === 1, 'connected');
    await bus.publish({ kind: 'update', taskId: 'order-1', update: update(1) });
    await bus.publish({ kind: 'update', taskId: 'order-1', update: update(2) });
    await waitFor(() => first.events.length === 3, 'two live updates');
    expect(first.events.map((event) => [event.event, event.id])).toEqual([
      ['connected', undefined],
      ['update', '1'],
      ['update', '2'],
    ]);
    expect(JSON.parse(first.events[2]!.data)).toEqual(update(2));

    // Comes back having seen 1: gets 2 from the replay buffer, then 3 live.
    const second = parseStream((await fetch(url, { headers: { 'Last-Event-ID': '1' } })).body!);
    cleanups.push(second.cancel);
    await waitFor(() => second.events.length === 2, 'connected and the missed update');
    await bus.publish({ kind: 'update', taskId: 'order-1', update: update(3) });
    await waitFor(() => second.events.length === 3, 'the next live update');
    expect(second.events.map((event) => event.id)).toEqual([undefined, '2', '3']);
  });
});

const publisher = createSsePublisher({ retryMs: 1_000 });

export function GET(request: Request) {
  return publisher.openWeb(request, { channel: 'paused' }).response;
}

describe('the README fetch-native example', () => {
  it('streams the channel as a Response', async () => {
    const abort = new AbortController();
    const response = GET(new Request('http://127.0.0.1/api/paused', { signal: abort.signal }));
    cleanups.push(() => abort.abort());
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = parseStream(response.body!);
    publisher.broadcast('paused', { id: 7, event: 'workflow.paused', data: '{"executionId":"order-7"}' });
    await waitFor(() => stream.events.length === 1, 'the broadcast');
    expect(stream.events[0]).toMatchObject({ id: '7', event: 'workflow.paused', data: '{"executionId":"order-7"}' });
    expect(stream.retries).toEqual([1_000]);
  });
});
