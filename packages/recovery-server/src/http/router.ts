import { ResumableError } from '@resumable/protocol';
import type { RouteDefinition } from './route';

/** A handler's answer: a plain response, or an SSE stream to open on the request's transport. */
export type Outcome = Response | StreamPlan;

/** @internal An SSE stream a route wants opened; the adapter opens it on Node or Web transport. */
export interface StreamPlan {
  kind: 'stream';
  headers: Record<string, string>;
  /** Called with the open connection; sends the first events and registers it. */
  start(connection: import('../stream/types').PublisherConnection): void;
}

/** @internal Adapters use it to tell a stream from a response. */
export function isStreamPlan(outcome: Outcome): outcome is StreamPlan {
  return !(outcome instanceof Response) && (outcome as StreamPlan).kind === 'stream';
}

interface Route {
  definition: RouteDefinition;
  segments: string[];
}

/**
 * @internal A tiny router over path segments below a base path. Parameters are taken raw
 * (still percent-encoded) and validated by the handler.
 */
export class Router {
  private readonly routes: Route[] = [];

  constructor(private readonly basePath: string) {}

  add(definition: RouteDefinition): this {
    this.routes.push({ definition, segments: definition.path.split('/').filter(Boolean) });
    return this;
  }

  /** Finds the route of a request, or throws NOT_FOUND / METHOD_NOT_ALLOWED. */
  match(request: Request, url: URL): { route: RouteDefinition; params: Record<string, string> } {
    const base = this.basePath.split('/').filter(Boolean);
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts.length < base.length || base.some((segment, index) => parts[index] !== segment)) {
      throw new ResumableError('NOT_FOUND', 'No such route');
    }
    const rest = parts.slice(base.length);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, rest);
      if (!params) continue;
      pathMatched = true;
      const { method } = route.definition;
      if (method === request.method || (method === 'GET' && request.method === 'HEAD')) {
        return { route: route.definition, params };
      }
    }
    if (pathMatched) throw new ResumableError('METHOD_NOT_ALLOWED', `${request.method} is not allowed here`);
    throw new ResumableError('NOT_FOUND', 'No such route');
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < pattern.length; index++) {
    const expected = pattern[index] as string;
    const actual = parts[index] as string;
    if (expected.startsWith(':')) params[expected.slice(1)] = actual;
    else if (expected !== actual) return undefined;
  }
  return params;
}
