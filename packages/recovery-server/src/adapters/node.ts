import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { isStreamPlan } from '../http/router';
import type { RecoveryServer } from '../server';

/**
 * A Node `http` / Express handler for a `RecoveryServer`. SSE streams are written
 * straight to the socket (no Web Streams on the hot path); everything else goes
 * through the fetch-native core.
 *
 * @example
 * import { createServer } from 'node:http';
 * import { toNodeHandler } from '@resumable/recovery-server/node';
 * createServer(toNodeHandler(server)).listen(3001, '127.0.0.1');
 * // Express: app.use(toNodeHandler(server));
 */
export function toNodeHandler(server: RecoveryServer) {
  return (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void => {
    void handle(server, req, res).catch((error: unknown) => {
      if (next) return next(error);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'Internal server error' } }));
    });
  };
}

async function handle(server: RecoveryServer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = toRequest(req, res);
  const outcome = await server.dispatch(request);
  if (isStreamPlan(outcome)) {
    const connection = server.publisher.openNode(req, res, { headers: outcome.headers });
    outcome.start(connection);
    return;
  }
  await writeResponse(outcome, res);
}

/** @internal `IncomingMessage` → `Request`, aborted when the client goes away. */
export function toRequest(req: IncomingMessage, res: ServerResponse): Request {
  const host = req.headers.host ?? 'localhost';
  const protocol = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  // `new URL` resolves dot segments, so /api/../x never reaches a route as written.
  const url = new URL(req.url ?? '/', `${protocol}://${host}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(url, {
    method: req.method ?? 'GET',
    headers,
    signal: controller.signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  } as RequestInit);
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
