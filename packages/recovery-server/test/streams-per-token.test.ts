import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toNodeHandler } from '../src/adapters/node';
import { createRecoveryServer, type RecoveryServer } from '../src/index';
import { SECRET, startHarness, type Harness } from './harness';
import { emitMore, finish, steppedTask } from './workflows';

/** A raw HTTP client of one stream: it records what arrives while it reads. */
interface RawStream {
  socket: Socket;
  /** Everything read so far (latin1: bytes as they came, chunk framing included). */
  text(): string;
  /** Resolves when the server closed the connection (seen once the socket reads again). */
  ended: Promise<void>;
}

/**
 * Opens `path` with a Bearer token on a raw socket. `reading: false` is a client that
 * vanished without closing its socket (mobile hand-over, dropped Wi-Fi): it sends its
 * request and then never reads, until the test resumes it to see what it was sent.
 */
function openRaw(port: number, path: string, token: string, reading: boolean): RawStream {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  if (!reading) socket.pause();
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${token}\r\n\r\n`,
  );
  return { socket, text: () => text, ended };
}

function connectionIdOf(text: string): string | undefined {
  return /event: connected\ndata: \{"connectionId":"([^"]+)"/.exec(text)?.[1];
}

/** The server as the README sets it up: no publisher option, so `createSsePublisher()` with its defaults. */
describe('a recovery server with default options', () => {
  let harness: Harness;
  let server: RecoveryServer;
  let http: Server;
  let port: number;
  let handle: WorkflowHandle<typeof steppedTask>;
  const taskId = `streams-per-token-${Date.now()}`;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    harness = await startHarness();
    server = createRecoveryServer({
      temporal: { client: harness.client },
      auth: { secret: SECRET },
      bus: harness.bus,
      recoverPausedOnStart: false,
      onError: () => undefined,
    });
    await server.start();
    http = createServer(toNodeHandler(server));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    port = (http.address() as AddressInfo).port;
    handle = await harness.client.workflow.start(steppedTask, { taskQueue: harness.taskQueue, workflowId: taskId });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await handle?.signal(finish).catch(() => undefined);
    await server?.close();
    http?.closeAllConnections();
    await new Promise((resolve) => http?.close(resolve));
    await harness?.close();
  });

  it('sends exactly one retry: line, first, on a task stream', async () => {
    const token = await harness.token([taskId]);
    const client = openRaw(port, `/api/temporal/stream/${taskId}`, token, true);
    sockets.push(client.socket);
    await expect.poll(() => client.text().includes('event: connected'), { timeout: 10_000 }).toBe(true);
    await handle.signal(emitMore, 2);
    await expect.poll(() => client.text().match(/^event: update$/gm)?.length ?? 0, { timeout: 10_000 }).toBe(2);
    const text = client.text();
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const body = text.slice(text.indexOf('\r\n\r\n') + 4);
    // The first chunk of the body is the retry field, and it is never repeated.
    expect(body).toMatch(/^[0-9a-f]+\r\nretry: 1000\n\n\r\n/);
    expect(body.match(/^retry:/gm)).toEqual(['retry:']);
    client.socket.destroy();
    await expect.poll(() => server.publisher.stats().connections, { timeout: 5_000 }).toBe(0);
  });

  it('a new stream of a token at its limit (16) evicts the oldest, so dead streams never lock the user out', async () => {
    const token = await harness.token([taskId]);
    const path = `/api/temporal/stream/${taskId}`;
    const limit = 16;
    const evictedBefore = server.publisher.stats().closed.evicted ?? 0;
    const clients: RawStream[] = [];
    // One at a time, so "oldest" is well defined: each is open on the server before the next.
    for (let n = 1; n <= 30; n++) {
      // The 17th and the 30th are live clients; every other one stops reading at once.
      const live = n === 17 || n === 30;
      const client = openRaw(port, path, token, live);
      clients.push(client);
      sockets.push(client.socket);
      await expect
        .poll(
          () => {
            const { connections, closed } = server.publisher.stats();
            return [connections, (closed.evicted ?? 0) - evictedBefore];
          },
          { timeout: 10_000 },
        )
        .toEqual([Math.min(n, limit), Math.max(0, n - limit)]);
      if (live) {
        // Accepted, not refused: 200 and the connected event, past 16 streams nobody reads.
        await expect.poll(() => client.text().includes('event: connected'), { timeout: 10_000 }).toBe(true);
        expect(client.text()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      }
    }
    expect(clients[16]!.text()).not.toMatch(/429|TOO_MANY_REQUESTS/);

    // Now let every client read what it was sent.
    for (const client of clients) client.socket.resume();
    const oldest = clients.slice(0, 30 - limit);
    const newest = clients.slice(30 - limit);
    // The 14 oldest had been accepted, and were then closed by the server.
    await Promise.all(oldest.map((client) => client.ended));
    for (const client of oldest) {
      expect(client.text()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      const id = connectionIdOf(client.text());
      expect(id).toBeDefined();
      expect(server.publisher.getConnection(id!)).toBeUndefined();
    }
    // The 16 newest are still open, on both ends.
    await expect
      .poll(() => newest.every((client) => connectionIdOf(client.text()) !== undefined), { timeout: 10_000 })
      .toBe(true);
    for (const client of newest) {
      expect(client.socket.destroyed).toBe(false);
      expect(server.publisher.getConnection(connectionIdOf(client.text())!)?.isClosed).toBe(false);
    }
    // And they keep streaming: an update reaches every one of them.
    const updatesBefore = newest.map((client) => client.text().match(/^event: update$/gm)?.length ?? 0);
    await handle.signal(emitMore, 1);
    await expect
      .poll(
        () => newest.every((client, i) => (client.text().match(/^event: update$/gm)?.length ?? 0) > updatesBefore[i]!),
        { timeout: 10_000 },
      )
      .toBe(true);
    expect(server.publisher.stats().closed.evicted! - evictedBefore).toBe(14);
    for (const client of clients) client.socket.destroy();
  });

  it('tokens are counted apart: a token at its limit evicts none of another token', async () => {
    await expect.poll(() => server.publisher.stats().connections, { timeout: 5_000 }).toBe(0);
    const evictedBefore = server.publisher.stats().closed.evicted ?? 0;
    const path = `/api/temporal/stream/${taskId}`;
    const first = await harness.token([taskId]);
    const other = await harness.token([taskId], ['read'], 299);
    expect(other).not.toBe(first);
    const clients = [openRaw(port, path, other, false)];
    await expect.poll(() => server.publisher.stats().connections, { timeout: 10_000 }).toBe(1);
    for (let n = 1; n <= 17; n++) clients.push(openRaw(port, path, first, false));
    sockets.push(...clients.map((client) => client.socket));
    await expect
      .poll(
        () => {
          const { connections, closed } = server.publisher.stats();
          return [connections, (closed.evicted ?? 0) - evictedBefore];
        },
        { timeout: 10_000 },
      )
      .toEqual([17, 1]);
    // The other token's one stream survived the first token's eviction.
    clients[0]!.socket.resume();
    await expect.poll(() => connectionIdOf(clients[0]!.text()), { timeout: 10_000 }).toBeDefined();
    expect(server.publisher.getConnection(connectionIdOf(clients[0]!.text())!)?.isClosed).toBe(false);
    for (const client of clients) client.socket.destroy();
  });
});
