/**
 * The server process of the 10,000-subscriber benchmark (fanout.bench.ts): either the
 * recovery server (its task stream; live updates arrive from the worker in another
 * process over the HTTP bus, `POST /api/resumable/bus`) or the bare `node:http`
 * loop, on 127.0.0.1, driven over IPC. Nothing else runs here, so its CPU time is
 * the server's alone.
 *
 *   argv: recovery <temporal address> <namespace> | bare
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createRecoveryServer } from '@resumable/recovery-server';
import { toNodeHandler } from '@resumable/recovery-server/node';
import { startBareSse, type BareSse } from './bare-sse';

export const SECRET = 'peer-fanout-secret-that-is-at-least-32-characters';
export const BUS_SECRET = 'peer-fanout-bus-secret-at-least-32-characters';

const now = () => performance.timeOrigin + performance.now();
const send = (message: unknown) => process.send?.(message);
const [mode, address, namespace] = process.argv.slice(2) as ['recovery' | 'bare', string, string];

type Message =
  | { type: 'ping'; id: number }
  | { type: 'token'; workflowId: string }
  | { type: 'arrivals' }
  | { type: 'cpu' }
  | { type: 'batch'; taskId: string; first: number; last: number }
  | { type: 'exit' };

let arrivals = 0;
let errors = 0;
let bare: BareSse | undefined;
let mint: ((workflowId: string) => Promise<string>) | undefined;

if (mode === 'recovery') {
  const connection = await Connection.connect({ address });
  const server = createRecoveryServer({
    temporal: { client: new Client({ connection, namespace }) },
    auth: { secret: SECRET },
    busSecret: BUS_SECRET,
    limits: { maxStreamsPerToken: 20_000 },
    onError: (error) => {
      if (errors++ < 5) console.error('[fanout-server]', error.message);
    },
  });
  await server.start();
  const handler = toNodeHandler(server);
  const http = createServer((req, res) => {
    if (req.url?.includes('/temporal/stream/')) arrivals++;
    handler(req, res);
  });
  http.maxConnections = 100_000;
  http.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
  await once(http, 'listening');
  mint = (workflowId) =>
    server.mintToken({ subject: 'peer', tasks: [workflowId], actions: ['read'], ttlSeconds: 1800 });
  send({ type: 'listening', baseUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}/api` });
} else {
  bare = await startBareSse();
  send({ type: 'listening', baseUrl: bare.baseUrl });
}

process.on('message', async (message: Message) => {
  if (message.type === 'ping') send({ type: 'pong', id: message.id, at: now() });
  else if (message.type === 'token') send({ type: 'token', token: await mint?.(message.workflowId) });
  else if (message.type === 'arrivals') send({ type: 'arrivals', count: bare ? bare.arrivals() : arrivals, errors });
  else if (message.type === 'cpu') {
    const cpu = process.cpuUsage();
    send({ type: 'cpu', ms: (cpu.user + cpu.system) / 1000 });
  } else if (message.type === 'batch') {
    send({ type: 'batch', at: bare?.batch(message.taskId, message.first, message.last) });
  } else if (message.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
