import { CliError } from './errors';
import type { Connection } from './args';

/** The `fetch` the commands use; tests and embedders may pass their own. */
export type Fetch = typeof fetch;

/** `{baseUrl}/{path}`, each id in `path` already encoded by the caller. */
export const routeUrl = (connection: Connection, path: string): string => `${connection.baseUrl}/${path}`;

/**
 * A JSON request to a Resumable route with the bearer token. Resolves with the parsed
 * body; rejects with a `CliError` carrying the server's code and status (a body in
 * the wire format `{"error": {code, message}}`), `UNREACHABLE` when nothing answered,
 * `PROTOCOL` when the answer is not JSON.
 *
 * @example
 * const list = await requestJson<{ pausedWorkflows: PausedWorkflow[] }>(connection, 'workflow/paused');
 */
export async function requestJson<T>(
  connection: Connection,
  path: string,
  init: { method?: 'GET' | 'POST'; body?: unknown; fetch?: Fetch | undefined; signal?: AbortSignal | undefined } = {},
): Promise<T> {
  const url = routeUrl(connection, path);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (connection.token) headers.Authorization = `Bearer ${connection.token}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await (init.fetch ?? fetch)(url, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  } catch (cause) {
    throw new CliError('UNREACHABLE', `cannot reach ${connection.baseUrl}: ${reasonOf(cause)}`, {
      cause,
      serverCode: 'NETWORK_ERROR',
    });
  }
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) throw errorOfResponse(response.status, body, url);
  if (body === undefined) {
    throw new CliError('PROTOCOL', `${url} answered HTTP ${response.status} without JSON: is --url a Resumable base?`, {
      status: response.status,
    });
  }
  return body as T;
}

/** A failed answer as a `CliError`: the server's code and message when in the wire format, else the status. */
function errorOfResponse(status: number, body: unknown, url: string): CliError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const serverCode = typeof error?.code === 'string' ? error.code : undefined;
  const message = serverCode ? `${serverCode}: ${String(error?.message ?? '')}` : `${url} answered HTTP ${status}`;
  return CliError.from({ status, code: serverCode, message });
}

/**
 * Why a request failed, as short as it can be said: the system error code (`ECONNREFUSED`,
 * `ECONNRESET`, …) Node keeps in the `cause` chain, else the innermost message.
 */
export function reasonOf(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let current: unknown = error, depth = 0; current && depth < 8; depth++) {
    const { code, message: text, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    if (typeof text === 'string' && text) message = text;
    current = cause;
  }
  return message;
}
