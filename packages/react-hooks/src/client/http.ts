import { isErrorBody, ResumableError, type ErrorCode } from '@resumable/protocol';
import { createTokenSource, type RefreshToken, type TokenSource } from './token';

/** What every request of the client needs: a `fetch` and, when auth is on, tokens. */
export interface RequestContext {
  fetch?: typeof fetch;
  tokens?: TokenSource | undefined;
}

const FALLBACK_CODES: Record<number, ErrorCode> = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 429: 'TOO_MANY_REQUESTS' };

/** Turns a failed response into a `ResumableError`, keeping the server's code and message. */
export async function responseError(response: Response): Promise<ResumableError> {
  const { status } = response;
  // Not our error format (a proxy's HTML page): fall back on the status.
  const body: unknown = await response.json().catch(() => undefined);
  return isErrorBody(body)
    ? new ResumableError(body.error.code as ErrorCode, body.error.message, { status })
    : new ResumableError(FALLBACK_CODES[status] ?? 'INTERNAL', `HTTP ${status}`, { status });
}

/** A network failure (offline, refused, cut) as a `ResumableError`. */
export function networkError(cause: unknown): ResumableError {
  return new ResumableError('NETWORK_ERROR', 'Could not reach the server', { cause });
}

/** `Authorization` for the token the source hands out (none when auth is off). */
export async function authHeaders(tokens: TokenSource | undefined): Promise<Record<string, string>> {
  return tokens ? { Authorization: `Bearer ${await tokens.get()}` } : {};
}

/**
 * A JSON request with the bearer token; on 401 it refreshes the token and tries
 * once more with the new one. Errors reject as `ResumableError`.
 *
 * @example
 * const page = await requestJson<UpdatesPage>(`${api}/temporal/recovery/t1?sinceSequence=4`, {}, { tokens });
 */
export async function requestJson<T>(
  url: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal },
  context: RequestContext,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { Accept: 'application/json', ...(await authHeaders(context.tokens)) };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await (context.fetch ?? fetch)(url, {
        method: init.method ?? 'GET',
        headers,
        body: init.body === undefined ? null : JSON.stringify(init.body),
        signal: init.signal ?? null,
      });
    } catch (cause) {
      throw networkError(cause);
    }
    if (response.status === 401 && context.tokens && attempt === 0) {
      context.tokens.invalidate();
      continue;
    }
    if (!response.ok) throw await responseError(response);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
}

/**
 * The request context of a subscription whose options may change: `fetch` and the
 * token are read from the newest options at each use; the token cache is kept.
 */
export function liveContext(get: () => { fetch?: typeof fetch; refreshToken?: RefreshToken }): () => RequestContext {
  const tokens = createTokenSource(() => (get().refreshToken as RefreshToken)());
  return () => ({ fetch: get().fetch, tokens: get().refreshToken && tokens });
}
