import { ClientError, type ClientErrorCode } from './errors';
import { createTokenSource, type RefreshToken, type TokenSource } from './token';

/** What every request of the client needs: a `fetch` and, when auth is on, tokens. */
export interface RequestContext {
  /** The `fetch` to use (a wrapper, a test double). Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Where bearer tokens come from; none when auth is off. */
  tokens?: TokenSource | undefined;
}

const FALLBACK_CODES: Record<number, ClientErrorCode> = {
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  429: 'TOO_MANY_REQUESTS',
};

/** Turns a failed response into a `ClientError`, keeping the server's code, message and details. */
export async function responseError(response: Response): Promise<ClientError> {
  const { status } = response;
  // `{"error": {code, message}}`, or not our format (a proxy's HTML page): fall back on the status.
  const error = (await response.json().catch(() => undefined))?.error;
  return typeof error?.code === 'string'
    ? new ClientError(error.code, String(error.message), { status, details: error.details })
    : new ClientError(FALLBACK_CODES[status] ?? 'INTERNAL', `HTTP ${status}`, { status });
}

/** A network failure (offline, refused, cut) as a `ClientError` without a status. */
export const networkError = (cause: unknown, message = 'Could not reach the server'): ClientError =>
  new ClientError('NETWORK_ERROR', message, { cause });

/**
 * An event's JSON data; `INVALID_JSON` when it is not JSON.
 *
 * @example
 * const update = parseEventData<WorkflowUpdate>(event);
 */
export function parseEventData<T>({ event, data }: { event: string; data: string }): T {
  try {
    return JSON.parse(data) as T;
  } catch (cause) {
    throw new ClientError('INVALID_JSON', `SSE event "${event}": data is not JSON`, { cause });
  }
}

/** Request headers: `Accept` and, when auth is on, `Authorization` with a token that is not about to expire. */
export async function requestHeaders(accept: string, tokens: TokenSource | undefined): Promise<Record<string, string>> {
  if (!tokens) return { Accept: accept };
  let token: string;
  try {
    token = await tokens.get();
  } catch (cause) {
    // The app's refreshToken() failed (its session ended, its token route is down): say
    // so, as the ClientError every caller expects, not as a network failure.
    throw ClientError.is(cause)
      ? ClientError.from(cause)
      : new ClientError(
          'UNAUTHORIZED',
          `refreshToken() failed: ${cause instanceof Error ? cause.message : String(cause)}`,
          {
            cause,
          },
        );
  }
  return { Accept: accept, Authorization: `Bearer ${token}` };
}

/**
 * A JSON request (a POST when `body` is given) with the bearer token; on 401 it
 * refreshes the token and tries once more with the new one. Errors reject as
 * `ClientError`.
 *
 * @example
 * const page = await requestJson<UpdatesPage>(`${api}/temporal/recovery/t1?sinceSequence=4`, undefined, { tokens });
 */
export async function requestJson<T>(url: string, body: unknown, context: RequestContext): Promise<T> {
  for (let retried = false; ; retried = true) {
    const headers = await requestHeaders('application/json', context.tokens);
    let response: Response;
    try {
      response = await (context.fetch ?? fetch)(
        url,
        body === undefined
          ? { headers }
          : { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) },
      );
    } catch (cause) {
      throw networkError(cause);
    }
    if (response.status === 401 && context.tokens && !retried) {
      context.tokens.invalidate();
      continue;
    }
    if (!response.ok) throw await responseError(response);
    return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
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
