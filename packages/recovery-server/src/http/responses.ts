import { ResumableError } from '@resumable/protocol';

const RETRY_AFTER_SECONDS = 2;

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** The wire form of any error: `{"error": {"code", "message"}}` with the code's status. */
export function errorResponse(error: unknown, headers: Record<string, string> = {}): Response {
  const failure = ResumableError.from(error);
  const extra: Record<string, string> = { ...headers };
  if (failure.status === 401) extra['WWW-Authenticate'] = 'Bearer';
  // Every 503 is worth retrying (Temporal away, a task being retried, a restart): say when.
  if (failure.status === 503) extra['Retry-After'] = String(RETRY_AFTER_SECONDS);
  // Internal errors keep their details in logs, not on the wire.
  const body =
    failure.code === 'INTERNAL' ? { error: { code: 'INTERNAL', message: 'Internal server error' } } : failure.toBody();
  return json(body, failure.status, extra);
}
