import { ResumableError } from '@resumable/protocol';
import type { RouteDefinition } from './route';

/**
 * A handler's answer: a plain response, or an SSE stream to open on the request's transport.
 *
 * @example
 * const outcome: Outcome = new Response(null, { status: 204 }); // a plain answer, no stream
 */
export type Outcome = Response | StreamPlan;

/** @internal An SSE stream a route wants opened; the adapter opens it on Node or Web transport. */
export interface StreamPlan {
  kind: 'stream';
  headers: Record<string, string>;
  /** Called with the open connection; sends the first events and registers it. */
  start(connection: import('../stream/types').PublisherConnection): void;
}

/**
 * Marks the 404 of a path that no route owns, as told apart from a route's own 404
 * (`TASK_NOT_FOUND`, an unknown connection): an adapter with somewhere else to send
 * the request (Express's `next()`) hands it on. A registered symbol and a property
 * check, so it holds across duplicate copies of the package (ESM and CJS).
 */
const NO_ROUTE = Symbol.for('@resumable/recovery-server/no-route');

/** @internal The `NOT_FOUND` error of a path no route owns. */
export function noRouteError(): ResumableError {
  return markNoRoute(new ResumableError('NOT_FOUND', 'No such route'));
}

/** @internal Marks an error or a response as "no route owns this path". */
export function markNoRoute<T extends object>(value: T): T {
  Object.defineProperty(value, NO_ROUTE, { value: true });
  return value;
}

/** @internal True for an error or a response marked by `markNoRoute`. */
export function isNoRoute(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { [NO_ROUTE]?: unknown })[NO_ROUTE] === true;
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

  /**
   * Finds the route of a request, or throws METHOD_NOT_ALLOWED (a route owns the path,
   * not the method) or a `noRouteError()` (no route owns the path).
   */
  match(request: Request, url: URL): { route: RouteDefinition; params: Record<string, string> } {
    let pathMatched = false;
    for (const { definition, params } of this.routesOf(url)) {
      pathMatched = true;
      const { method } = definition;
      if (method === request.method || (method === 'GET' && request.method === 'HEAD')) {
        return { route: definition, params };
      }
    }
    if (pathMatched) throw new ResumableError('METHOD_NOT_ALLOWED', `${request.method} is not allowed here`);
    throw noRouteError();
  }

  /** True when some route owns the path (whatever the method): a preflight is ours to answer. */
  owns(url: URL): boolean {
    return !this.routesOf(url).next().done;
  }

  private *routesOf(url: URL): Generator<{ definition: RouteDefinition; params: Record<string, string> }> {
    const base = this.basePath.split('/').filter(Boolean);
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts.length < base.length || base.some((segment, index) => parts[index] !== segment)) return;
    const rest = parts.slice(base.length);
    for (const route of this.routes) {
      const params = matchSegments(route.segments, rest);
      if (params) yield { definition: route.definition, params };
    }
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
