/**
 * The floor: a bare `node:http` SSE write loop with no Temporal, no log, no auth. It
 * speaks the task stream's framing (`connected`, then `id` / `event: update` /
 * `data: <WorkflowUpdate JSON>`), so the same client process reads it, and writes
 * each event, encoded once, to every response in turn: what anyone would write by
 * hand.
 */
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeSseEvent } from '@resumable/protocol';

const now = () => performance.timeOrigin + performance.now();

export interface BareSse {
  baseUrl: string;
  /** Open responses. */
  size(): number;
  /** Stream requests received so far. */
  arrivals(): number;
  /** Writes updates `first…last` of `taskId` to every response; returns the time it started. */
  batch(taskId: string, first: number, last: number): number;
  /** Closes every response and the server. */
  close(): Promise<void>;
}

export async function startBareSse(): Promise<BareSse> {
  const clients = new Set<ServerResponse>();
  let arrivals = 0;
  const connected = Buffer.from(encodeSseEvent({ event: 'connected', data: '{"connectionId":"bare"}' }));
  const http = createServer((req, res) => {
    arrivals++;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    req.socket.setNoDelay(true);
    res.write(connected);
    clients.add(res);
    res.on('close', () => clients.delete(res));
  });
  http.maxConnections = 100_000;
  http.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
  await once(http, 'listening');
  const { port } = http.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    size: () => clients.size,
    arrivals: () => arrivals,
    batch(taskId, first, last) {
      const startedAt = now();
      for (let sequence = first; sequence <= last; sequence++) {
        const update = {
          id: `${taskId}:${sequence}`,
          timestamp: Date.now(),
          sequence,
          type: 'tick',
          data: { n: sequence },
        };
        const chunk = Buffer.from(encodeSseEvent({ id: sequence, event: 'update', data: JSON.stringify(update) }));
        for (const res of clients) res.write(chunk);
      }
      return startedAt;
    },
    async close() {
      for (const res of clients) res.destroy();
      http.closeAllConnections();
      await new Promise((done) => http.close(done));
    },
  };
}
