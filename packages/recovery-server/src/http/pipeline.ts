import { ResumableError } from '@resumable/protocol';
import type { ServerContext } from '../context';
import { corsHeaders, preflight } from './cors';
import { checkId } from './params';
import type { RouteDefinition, RouteInput } from './route';
import { Router, isStreamPlan, type Outcome } from './router';

/**
 * @internal The one way into every route. Applied here once, in this order, so a
 * new route cannot forget any of it: preflight; refusal while shutting down; route
 * matching; the route's id parameter checked; its token checked for the declared
 * action on that id; then the handler; CORS headers on every answer and stream;
 * any error rendered as `{"error": {code, message}}` with its status (and logged
 * when it is the server's fault).
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
      if (request.method === 'OPTIONS') return preflight(server.cors, request);
      if (server.closing) throw new ResumableError('SHUTTING_DOWN', 'The server is shutting down');
      const url = new URL(request.url);
      const { route, params } = router.match(request, url);
      const input = await authorise(server, route, request, url, params);
      return withHeaders(await route.handle(input), cors);
    } catch (error) {
      const failure = ResumableError.from(error);
      if (failure.status >= 500)
        server.onError(error, { source: 'server', operation: `${request.method} ${safePath(request.url)}` });
      return failure.toResponse(cors);
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
  if (route.auth === 'server-secret') return { request, url, id: '', caller: undefined, server };
  const { action, idParam } = route.auth;
  const id = idParam ? checkId(params[idParam] ?? '', idParam) : '';
  const caller = await server.guard.check(request, url, action, idParam ? id : undefined);
  return { request, url, id, caller, server };
}

function withHeaders(outcome: Outcome, headers: Record<string, string>): Outcome {
  if (Object.keys(headers).length === 0) return outcome;
  if (isStreamPlan(outcome)) return { ...outcome, headers: { ...outcome.headers, ...headers } };
  for (const [name, value] of Object.entries(headers)) outcome.headers.set(name, value);
  return outcome;
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname.slice(0, 200);
  } catch {
    return '(bad url)';
  }
}
