/**
 * Benchmark client process: N raw TCP connections to one SSE endpoint. It reads
 * every byte, counts delivered events (each carries `"t":<send time>`), and
 * reports delivery latency. Raw sockets keep the client cheap, so the server is
 * what gets measured.
 */
import { connect, type Socket } from 'node:net';

const now = () => performance.timeOrigin + performance.now();
const send = (message: unknown) => process.send?.(message);
const MARK = '"t":';

let sockets: Socket[] = [];
let expected = 0;
let delivered = 0;
let lastAt = 0;
let latencies: number[] = [];
let sample = 1;
let onDone: (() => void) | null = null;

function onData(this: Socket & { tail?: string }, chunk: Buffer): void {
  const at = now();
  const text = (this.tail ?? '') + chunk.toString('latin1');
  let from = 0;
  for (;;) {
    const mark = text.indexOf(MARK, from);
    if (mark < 0) break;
    const end = text.indexOf(',', mark);
    if (end < 0) {
      from = mark;
      break;
    }
    const sent = Number(text.slice(mark + MARK.length, end));
    delivered += 1;
    if (delivered % sample === 0) latencies.push(at - sent);
    from = end;
    if (delivered === expected) {
      lastAt = at;
      onDone?.();
    }
  }
  this.tail = text.slice(Math.max(from, text.length - 64));
}

async function open(port: number, n: number): Promise<void> {
  let started = 0;
  let ready = 0;
  await new Promise<void>((resolve, reject) => {
    const next = () => {
      // At most 200 handshakes in flight: the listen backlog must not overflow.
      while (started < n && started - ready < 200) {
        started += 1;
        const socket = connect(port, '127.0.0.1');
        socket.setNoDelay(true);
        let headers = false;
        socket.on('error', reject);
        socket.on('data', function first(this: Socket, chunk: Buffer) {
          if (headers) return;
          if (!chunk.includes('\r\n\r\n')) return;
          headers = true;
          this.off('data', first);
          this.on('data', onData);
          ready += 1;
          if (ready === n) resolve();
          else next();
        });
        socket.write(`GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
        sockets.push(socket);
      }
    };
    next();
  });
}

process.on('message', async (message: { type: string; port?: number; n?: number; total?: number; sample?: number }) => {
  if (message.type === 'open') {
    const t0 = now();
    await open(message.port as number, message.n as number);
    send({ type: 'open', ms: now() - t0 });
  } else if (message.type === 'expect') {
    expected = message.total as number;
    sample = message.sample ?? 1;
    delivered = 0;
    latencies = [];
    const timeout = setTimeout(() => onDone?.(), 120_000);
    onDone = () => {
      clearTimeout(timeout);
      onDone = null;
      send({ type: 'done', delivered, lastAt, latencies });
    };
    send({ type: 'expecting' });
  } else if (message.type === 'close') {
    for (const socket of sockets) socket.destroy();
    sockets = [];
    send({ type: 'closed' });
  } else if (message.type === 'exit') {
    process.exit(0);
  }
});
send({ type: 'ready' });
