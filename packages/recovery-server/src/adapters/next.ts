/**
 * `@resumable/recovery-server/next`: the server as Next.js App Router route handlers.
 *
 * @module @resumable/recovery-server/next
 */
import { reportError, ResumableError, type ErrorHandler } from '@resumable/protocol';
import { leaveCompressionToHost } from '../http/compression';
import type { RecoveryServer } from '../server';

/**
 * Route handlers for a Next.js App Router route file.
 *
 * @example
 * const handlers: NextRouteHandlers = toNextHandlers(getResumable);
 * export const { GET, POST, OPTIONS } = handlers;
 */
export interface NextRouteHandlers {
  /** Streams, recovery pages, the paused list. */
  GET(request: Request): Promise<Response>;
  /** Recovery, resume, cancel, triggers, the workers' bus. */
  POST(request: Request): Promise<Response>;
  /** CORS preflights. */
  OPTIONS(request: Request): Promise<Response>;
}

/**
 * The server, or a function that creates it. A function is called on the first
 * request, never when the route module is loaded (so never by `next build`); when it
 * throws, the next request calls it again.
 *
 * @example
 * const source: RecoveryServerSource = () => createRecoveryServer({ auth: { secret: process.env.RESUMABLE_SECRET! } });
 */
export type RecoveryServerSource = RecoveryServer | (() => RecoveryServer | Promise<RecoveryServer>);

/**
 * Options of `toNextHandlers`.
 *
 * @example
 * export const { GET, POST, OPTIONS } = toNextHandlers(getResumable, { startTimeoutMs: 5_000 });
 */
export interface NextHandlersOptions {
  /**
   * How long requests wait, at most, for the server's start-up recovery (`start()`:
   * the paused list rebuilt from Temporal) before they are served anyway; recovery
   * goes on, and paused streams get what it finds as deltas. Default 10 000;
   * `Infinity` waits for as long as it takes.
   */
  startTimeoutMs?: number;
  /** Where a `start()` that throws is reported. Default: one line on `console.error`. */
  onError?: ErrorHandler;
}

/** Long enough for a healthy Temporal to answer, short enough to stay a slow page load while it is down. */
const DEFAULT_START_TIMEOUT_MS = 10_000;
const MAX_TIMER_MS = 2 ** 31 - 1;
/** The bus route (`routes/bus.ts`), under any `basePath`. */
const BUS_PATH = '/resumable/bus';

/**
 * Handlers for Next.js App Router route files. The server routes on the full URL
 * path, so the same handlers serve one catch-all `app/api/[...resumable]/route.ts` or
 * per-path files (`app/api/temporal/stream/[taskId]/route.ts`, …).
 *
 * Loading the route module does nothing, so `next build` neither creates the server
 * nor reaches Temporal. The first request creates the server (when given a function)
 * and calls its `start()`, once; requests wait for that start-up recovery (at most
 * `startTimeoutMs`), so none is answered from a paused list still being rebuilt. A
 * CORS preflight and a worker's `POST resumable/bus` never wait. Calling `start()`
 * yourself as well (in `instrumentation.ts`) is fine: it runs once.
 *
 * No route segment config is needed (`dynamic` and `runtime` are refused under
 * `cacheComponents`): the handlers read the request before anything else, which makes
 * them dynamic, and the default Node.js runtime is the one Temporal's client needs.
 *
 * @example
 * // app/api/[...resumable]/route.ts
 * import { toNextHandlers } from '@resumable/recovery-server/next';
 * import { getResumable } from '@/lib/resumable';
 *
 * export const { GET, POST, OPTIONS } = toNextHandlers(getResumable);
 */
export function toNextHandlers(source: RecoveryServerSource, options: NextHandlersOptions = {}): NextRouteHandlers {
  if (typeof source !== 'function') checkServer(source, 'toNextHandlers was given');
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  if (!(startTimeoutMs >= 0)) {
    throw new ResumableError(
      'INVALID_PARAMETER',
      `toNextHandlers: startTimeoutMs must be a number ≥ 0, got ${String(startTimeoutMs)}`,
    );
  }
  let created: Promise<RecoveryServer> | undefined;
  let started: Promise<void> | undefined;

  const handle = async (request: Request): Promise<Response> => {
    // The request is read first, on purpose: under `cacheComponents`, `next build`
    // prerenders the GET handler of a path without dynamic segments, and reading the
    // request is what ends that prerender (the route is dynamic) before a server exists.
    const { pathname } = new URL(request.url);
    created ??= create(source).catch((error: unknown) => {
      created = undefined;
      throw error;
    });
    const server = await created;
    if (request.method === 'OPTIONS') return server.fetch(request);
    started ??= startOnce(server, startTimeoutMs, options.onError);
    // A worker's bus message goes in at once: the paused feed listens from the start
    // of start(), and a pause that arrives during the rebuild belongs in it.
    if (!(request.method === 'POST' && pathname.endsWith(BUS_PATH))) await started;
    // `next start` compresses every answer itself (next.config `compress`, on by default)
    // and would encode ours a second time.
    leaveCompressionToHost(request);
    return server.fetch(request);
  };
  return { GET: handle, POST: handle, OPTIONS: handle };
}

async function create(source: RecoveryServerSource): Promise<RecoveryServer> {
  if (typeof source !== 'function') return source;
  let server: unknown;
  try {
    server = await source();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ResumableError(
      'INTERNAL',
      `toNextHandlers: the function that creates the server threw (the next request calls it again): ${reason}`,
      { cause: error },
    );
  }
  return checkServer(server, 'toNextHandlers: the function that creates the server returned');
}

/** Calls `start()` now; resolves once it settled or `timeoutMs` passed, whichever is first. Never rejects. */
function startOnce(server: RecoveryServer, timeoutMs: number, onError: ErrorHandler | undefined): Promise<void> {
  let starting: Promise<unknown>;
  try {
    // Called synchronously: the paused feed subscribes to the bus before this request goes on.
    starting = server.start();
  } catch (error) {
    starting = Promise.reject(error);
  }
  // A failed rebuild is reported by the server itself (its onError); this is start() throwing.
  const settled = starting.then(
    () => undefined,
    (error: unknown) => reportError(onError, error, { source: 'next-adapter', operation: 'server.start()' }),
  );
  if (timeoutMs === Infinity) return settled;
  return new Promise((resolve) => {
    // setTimeout fires at once past 2^31 - 1 ms.
    const timer = setTimeout(resolve, Math.min(timeoutMs, MAX_TIMER_MS));
    // A wait must not keep a process alive (a test, a build worker).
    timer.unref?.();
    void settled.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function checkServer(value: unknown, what: string): RecoveryServer {
  const candidate = value as Partial<RecoveryServer> | null | undefined;
  if (typeof candidate?.fetch === 'function' && typeof candidate.start === 'function') return value as RecoveryServer;
  const got =
    value === null ? 'null' : typeof value === 'object' ? 'an object without fetch() and start()' : typeof value;
  throw new ResumableError(
    'INVALID_PARAMETER',
    `${what} ${got}, not a RecoveryServer: pass createRecoveryServer(…)'s result, or a function returning it`,
  );
}

export type { RecoveryServer };
