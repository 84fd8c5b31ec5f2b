/**
 * `@resumable/recovery-server/node`: the server as a Node `http` / Express handler.
 *
 * @module @resumable/recovery-server/node
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { isNoRoute, isStreamPlan } from '../http/router';
import type { RecoveryServer } from '../server';

/** What Express (or Connect) adds to a request: the full URL, and a body a parser read. */
interface MountedRequest extends IncomingMessage {
  originalUrl?: string;
  body?: unknown;
}

/**
 * A Node `http` / Express handler for a `RecoveryServer`. SSE streams are written
 * straight to the socket (no Web Streams on the hot path); everything else goes
 * through the fetch-native core.
 *
 * In Express, mount it anywhere: routes match on `req.originalUrl`, so the server's
 * `basePath` (default `/api`) is the full path whatever the mount path; a body that
 * `express.json()` (or another parser) already read is handed on; and a path the
 * server has no route for goes to `next()`, so routes registered after it work.
 * Without `next` (plain `node:http`) such a path is answered `404 NOT_FOUND`.
 *
 * @example
 * import { createServer } from 'node:http';
 * import { toNodeHandler } from '@resumable/recovery-server/node';
 * createServer(toNodeHandler(server)).listen(3001, '127.0.0.1');
 *
 * @example
 * import express from 'express';
 * import { toNodeHandler } from '@resumable/recovery-server/node';
 * const app = express();
 * app.use(express.json());
 * app.use('/api', toNodeHandler(server)); // basePath '/api': /api/temporal/stream/:taskId, …
 * app.get('/api/health', (req, res) => res.json({ ok: true })); // not the server's: reached through next()
 * app.listen(3001, '127.0.0.1');
 */
export function toNodeHandler(server: RecoveryServer) {
  return (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void => {
    void handle(server, req, res, next).catch((error: unknown) => {
      if (next) return next(error);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'Internal server error' } }));
    });
  };
}

async function handle(
  server: RecoveryServer,
  req: IncomingMessage,
  res: ServerResponse,
  next: ((error?: unknown) => void) | undefined,
): Promise<void> {
  const request = toRequest(req, res);
  const outcome = await server.dispatch(request);
  if (isStreamPlan(outcome)) {
    const connection = server.publisher.openNode(req, res, { headers: outcome.headers });
    outcome.start(connection);
    return;
  }
  if (next && isNoRoute(outcome)) {
    // Not the server's path: the app's later routes answer it (the body is still unread).
    await outcome.body?.cancel();
    return next();
  }
  await writeResponse(outcome, res);
}

/**
 * @internal `IncomingMessage` → `Request`, aborted when the client goes away. The URL
 * is Express's `originalUrl` when mounted (it strips the mount path from `req.url`).
 */
export function toRequest(req: IncomingMessage, res: ServerResponse): Request {
  const mounted = req as MountedRequest;
  const host = req.headers.host ?? 'localhost';
  const protocol = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  // `new URL` resolves dot segments, so /api/../x never reaches a route as written.
  const url = new URL(mounted.originalUrl ?? req.url ?? '/', `${protocol}://${host}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  const init: RequestInit & { duplex?: 'half' } = { method: req.method ?? 'GET', headers, signal: controller.signal };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    // A parser read the stream: what it kept is the body (its length may differ from the header's).
    if (req.readableEnded || req.readableDidRead) {
      headers.delete('content-length');
      headers.delete('transfer-encoding');
      if (mounted.body !== undefined) init.body = parsedBody(mounted.body);
    } else {
      init.body = lazyBody(req);
      init.duplex = 'half';
    }
  }
  return new Request(url, init);
}

/** A body a parser left on `req.body`, as request bytes (its content type kept). */
function parsedBody(body: unknown): string | Uint8Array<ArrayBuffer> {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new Uint8Array(body);
  return JSON.stringify(body);
}

/**
 * The request stream as a web stream, read only once a route reads it:
 * `Readable.toWeb` starts reading at once, and a request handed to `next()` must keep
 * its body for the app's own parsers.
 */
function lazyBody(req: IncomingMessage): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        reader ??= (Readable.toWeb(req) as ReadableStream<Uint8Array>).getReader();
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => reader?.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/** @internal Writes a fetch `Response` to a Node response. */
export async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  if (!response.body) return void res.end();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise((resolve) => res.once('drain', resolve));
    }
  } finally {
    res.end();
  }
}

export type { RecoveryServer };
