/**
 * Benchmark server process: one implementation (raw node:http loop, our publisher,
 * or better-sse) on 127.0.0.1, driven by the orchestrator over IPC.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { encodeSseEvent } from '@resumable/protocol';
import { createChannel, createSession } from 'better-sse';
import { createSsePublisher } from '../src/index';

type Impl = 'raw' | 'publisher' | 'better-sse';
const impl = process.argv[2] as Impl;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const send = (message: unknown) => process.send?.(message);
const now = () => performance.timeOrigin + performance.now();
const PAD = 'x'.repeat(200);

// --- the three implementations: open a stream, broadcast one event to all ---
let open: (req: IncomingMessage, res: ServerResponse) => void;
let broadcast: (id: number, data: string) => void;
let count: () => number;

if (impl === 'raw') {
  // The baseline: what anyone would write by hand with node:http, encoding each event once.
  const clients = new Set<ServerResponse>();
  open = (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    clients.add(res);
    res.on('close', () => clients.delete(res));
  };
  broadcast = (id, data) => {
    const chunk = Buffer.from(encodeSseEvent({ id, event: 'update', data }));
    for (const res of clients) res.write(chunk);
  };
  count = () => clients.size;
} else if (impl === 'publisher') {
  const publisher = createSsePublisher({ maxBufferedBytes: 4 * 1024 * 1024 });
  const channel = publisher.channel('bench');
  open = (req, res) => {
    publisher.openNode(req, res, { channel: 'bench' });
  };
  broadcast = (id, data) => {
    channel.broadcast({ id, event: 'update', data });
  };
  count = () => channel.size;
} else {
  const channel = createChannel();
  open = (req, res) => {
    // Data is already a string: no JSON.stringify around it.
    void createSession(req, res, { serializer: (data) => data as string, keepAlive: 15_000 }).then((session) =>
      channel.register(session),
    );
  };
  broadcast = (id, data) => {
    channel.broadcast(data, 'update', { eventId: String(id) });
  };
  count = () => channel.sessionCount;
}

const server = createServer((req, res) => open(req, res));
server.maxConnections = 100_000;
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  gc();
  gc();
  send({ type: 'listening', port: (server.address() as AddressInfo).port, memory: process.memoryUsage() });
});

let cpuStart = process.cpuUsage();

function payload(n: number): string {
  return `{"t":${now().toFixed(3)},"n":${n},"pad":"${PAD}"}`;
}

process.on('message', async (message: { type: string; count?: number; intervalMs?: number }) => {
  if (message.type === 'memory') {
    gc();
    gc();
    send({ type: 'memory', memory: process.memoryUsage(), connections: count() });
  } else if (message.type === 'paced' || message.type === 'burst') {
    const events = message.count ?? 10;
    // Server CPU (user + system) from the first broadcast until the orchestrator
    // says every client has everything: the writes themselves and any flushing
    // deferred to later ticks. Wall time would also count other processes.
    cpuStart = process.cpuUsage();
    const startedAt = now();
    for (let i = 1; i <= events; i += 1) {
      broadcast(i, payload(i));
      if (message.type === 'paced') await new Promise((resolve) => setTimeout(resolve, message.intervalMs ?? 50));
      else await new Promise((resolve) => setImmediate(resolve));
    }
    send({ type: message.type, startedAt, connections: count() });
  } else if (message.type === 'cpu') {
    const cpu = process.cpuUsage(cpuStart);
    send({ type: 'cpu', cpuMs: (cpu.user + cpu.system) / 1000 });
  } else if (message.type === 'exit') {
    process.exit(0);
  }
});
