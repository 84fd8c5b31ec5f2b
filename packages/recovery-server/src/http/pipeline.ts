import { ResumableError } from '@resumable/protocol';
import type { ServerContext } from '../context';
import { compressResponse, hostCompresses } from './compression';
import { corsHeaders, preflight } from './cors';
import { checkId } from './params';
import type { RouteDefinition, RouteInput } from './route';
import { Router, isNoRoute, isStreamPlan, markNoRoute, noRouteError, type Outcome } from './router';

/**
 * @internal The one way into every route. Applied here once, in this order, so a
 * new route cannot forget any of it: preflight (for a path a route owns); route
 * matching; refusal while shutting down, and while starting up under
 * `refuseUntilStarted` (but for routes marked `duringStartUp`); the route's id
 * parameter checked; its token checked for the declared action on that id; then
 * the handler; CORS headers on every answer and stream; any error rendered as
 * `{"error": {code, message}}` with its status (and logged when it is the server's
 * fault). A path no route owns is
 * answered by a 404 marked `isNoRoute`, which an adapter may hand on instead.
 */
export function createPipeline(
  server: ServerContext,
  routes: readonly RouteDefinition[],
): (request: Request) => Promise<Outcome> {
  const router = new Router(server.basePath);
  for (const route of routes) router.add(route);

  return async (request) => {
    const cors = corsHeaders(server.cors, request);
    try {
      const url = new URL(request.url);
      if (request.method === 'OPTIONS') {
        if (!router.owns(url)) throw noRouteError();
        return preflight(server.cors, request);
      }
      // Matched before the shutdown refusal: a path that is not ours stays not ours.
      const { route, params } = router.match(request, url);
      if (server.closing) throw new ResumableError('SHUTTING_DOWN', 'The server is shutting down');
      if (server.startingUp && !route.duringStartUp) {
        throw new ResumableError(
          'STARTING_UP',
          'The server is starting: its start-up recovery (paused workflows, timers, event routes) has not finished; try again shortly',
        );
      }
      const input = await authorise(server, route, request, url, params);
      const outcome = await route.handle(input);
      const encoded =
        route.compress && server.compression && !isStreamPlan(outcome) && !hostCompresses(request)
          ? await compressResponse(request, outcome)
          : outcome;
      return withHeaders(encoded, cors);
    } catch (error) {
      const failure = ResumableError.from(error);
      if (failure.status >= 500)
        server.onError(error, { source: 'server', operation: `${request.method} ${safePath(request.url)}` });
      const response = failure.toResponse(cors);
      return isNoRoute(error) ? markNoRoute(response) : response;
    }
  };
}

async function authorise(
  server: ServerContext,
  route: RouteDefinition,
  request: Request,
  url: URL,
  params: Record<string, string>,
): Promise<RouteInput> {
  if (route.auth === 'server-secret') return { request, url, id: '', params, caller: undefined, server };
  const { action, idParam } = route.auth;
  const id = idParam ? checkId(params[idParam] ?? '', idParam) : '';
  const caller = await server.guard.check(request, url, action, idParam ? id : undefined);
  return { request, url, id, params, caller, server };
}

function withHeaders(outcome: Outcome, headers: Record<string, string>): Outcome {
  if (Object.keys(headers).length === 0) return outcome;
  if (isStreamPlan(outcome)) return { ...outcome, headers: { ...outcome.headers, ...headers } };
  for (const [name, value] of Object.entries(headers)) {
    // A route may vary on more than the origin (e.g. Authorization): keep both.
    if (name === 'Vary') outcome.headers.append(name, value);
    else outcome.headers.set(name, value);
  }
  return outcome;
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname.slice(0, 200);
  } catch {
    return '(bad url)';
  }
}
