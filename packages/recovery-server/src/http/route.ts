import type { Caller } from '../auth/guard';
import type { TokenAction } from '../auth/tokens';
import type { ServerContext } from '../context';
import type { Outcome } from './router';

/**
 * Who may call a route. A token route names the action its token must allow and,
 * when it acts on one task or execution, the path parameter holding that id: the
 * pipeline validates the id and checks the token's scope against it before the
 * handler runs. The bus route is authenticated by the server secret instead.
 */
export type RouteAuth = { action: TokenAction; idParam?: 'taskId' | 'executionId' } | 'server-secret';

/** What a handler receives: the request, already authorised. */
export interface RouteInput {
  request: Request;
  url: URL;
  /** The checked id from the route's `idParam` ('' when it has none). */
  id: string;
  /** The path's `:name` parameters, raw (still percent-encoded): the handler validates any it reads. */
  params: Readonly<Record<string, string>>;
  /** Who is asking (for `'server-secret'` routes, nobody: the handler checks the secret). */
  caller: Caller | undefined;
  server: ServerContext;
}

/** One route of the HTTP API. */
export interface RouteDefinition {
  method: 'GET' | 'POST';
  /** Below the base path, with `:name` parameters, e.g. `temporal/stream/:taskId`. */
  path: string;
  auth: RouteAuth;
  /** Answers in the coding the request accepts (`br`, `gzip`) when the server's `compression` is on. */
  compress?: boolean;
  /** Served while start-up recovery runs, even under `refuseUntilStarted` (what recovery itself needs in). */
  duringStartUp?: boolean;
  handle(input: RouteInput): Promise<Outcome>;
}

/**
 * Declares a route. CORS, preflight, authorisation and error rendering are the
 * pipeline's, applied to every route the same way, so a handler holds only what
 * the route does.
 *
 * @example
 * export const latest = defineRoute({
 *   method: 'GET',
 *   path: 'temporal/recovery/:taskId/latest',
 *   auth: { action: 'read', idParam: 'taskId' },
 *   handle: async ({ id, server }) => json(await server.gateway.readState(id)),
 * });
 */
export function defineRoute(route: RouteDefinition): RouteDefinition {
  return route;
}

/** A caller known to hold a token (every route but `'server-secret'` ones). */
export function callerOf(input: RouteInput): Caller {
  if (!input.caller) throw new Error(`route needs a token caller but has none`);
  return input.caller;
}
