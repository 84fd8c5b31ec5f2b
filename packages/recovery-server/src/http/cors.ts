/**
 * Cross-origin settings for browsers on another origin than the API.
 *
 * @example
 * const cors: CorsOptions = { origin: ['https://app.example.com'], credentials: true };
 * createRecoveryServer({ auth: { secret }, cors });
 */
export interface CorsOptions {
  /** Allowed origins: a list, `'*'`, or a predicate. */
  origin: string[] | '*' | ((origin: string) => boolean);
  /** Send `Access-Control-Allow-Credentials: true` (never with `'*'`). */
  credentials?: boolean;
  /** Preflight cache, in seconds (default 600). */
  maxAge?: number;
}

const ALLOW_HEADERS = 'Authorization, Content-Type, Last-Event-ID, Cache-Control, Idempotency-Key';
const ALLOW_METHODS = 'GET, POST, OPTIONS';

/** CORS headers for a request, or none when its origin is not allowed. */
export function corsHeaders(options: CorsOptions | undefined, request: Request): Record<string, string> {
  const origin = request.headers.get('origin');
  if (!options || !origin) return {};
  const allowed =
    options.origin === '*'
      ? true
      : typeof options.origin === 'function'
        ? options.origin(origin)
        : options.origin.includes(origin);
  if (!allowed) return {};
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': options.origin === '*' && !options.credentials ? '*' : origin,
    Vary: 'Origin',
  };
  if (options.credentials && options.origin !== '*') headers['Access-Control-Allow-Credentials'] = 'true';
  return headers;
}

/** The answer to a preflight `OPTIONS` request. */
export function preflight(options: CorsOptions | undefined, request: Request): Response {
  const headers = corsHeaders(options, request);
  if (headers['Access-Control-Allow-Origin']) {
    headers['Access-Control-Allow-Methods'] = ALLOW_METHODS;
    headers['Access-Control-Allow-Headers'] = ALLOW_HEADERS;
    headers['Access-Control-Max-Age'] = String(options?.maxAge ?? 600);
  }
  return new Response(null, { status: 204, headers });
}
