import {
  ACTION_KEY_HEADER,
  MAX_ACTION_KEY_LENGTH,
  MAX_UPDATES_PAGE,
  isActionKey,
  ResumableError,
  parseJsonBody,
  readBoundedBody,
  sequenceFromEventId,
} from '@resumable/protocol';

const MAX_ID_LENGTH = 256;
// Printable characters only: no controls (CR, LF, NUL…), no path separators.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_ID_CHARS = /[\u0000-\u001f\u007f/\\]/;

/**
 * Validates a task or execution id taken from the path (already percent-decoded).
 * Temporal workflow ids are free-form strings, so this refuses only what can never
 * be one of ours: empty, overlong, control characters, separators, dot segments.
 */
export function checkId(raw: string, kind: 'taskId' | 'executionId'): string {
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    throw new ResumableError('INVALID_TASK_ID', `${kind} is not valid percent-encoding`);
  }
  if (id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new ResumableError('INVALID_TASK_ID', `${kind} must be 1 to ${MAX_ID_LENGTH} characters`);
  }
  if (FORBIDDEN_ID_CHARS.test(id) || id === '.' || id === '..') {
    throw new ResumableError('INVALID_TASK_ID', `${kind} contains characters that are not allowed`);
  }
  return id;
}

/** A non-negative integer query parameter, or `fallback` when absent. */
export function intParam(url: URL, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d{1,15}$/.test(raw)) {
    throw new ResumableError('INVALID_PARAMETER', `${name} must be a non-negative integer`);
  }
  const value = Number(raw);
  if (value > max) throw new ResumableError('INVALID_PARAMETER', `${name} must be at most ${max}`);
  return value;
}

/**
 * A non-negative integer path parameter (raw, as the router took it), e.g. the
 * `:sequence` of `recovery/:taskId/at/:sequence`. Digits only: no sign, no
 * exponent, no percent-encoding of digits, so one number has one URL.
 */
export function sequencePathParam(raw: string | undefined, name: string): number {
  if (raw === undefined || !/^\d{1,15}$/.test(raw)) {
    throw new ResumableError('INVALID_PARAMETER', `${name} must be a non-negative integer (at most 15 digits)`);
  }
  return Number(raw);
}

/** `limit` for recovery pages: 1 … MAX_UPDATES_PAGE. */
export function limitParam(url: URL, fallback = MAX_UPDATES_PAGE): number {
  const limit = intParam(url, 'limit', fallback, MAX_UPDATES_PAGE);
  if (limit < 1) throw new ResumableError('INVALID_PARAMETER', 'limit must be at least 1');
  return limit;
}

/**
 * The stream's resume point: `Last-Event-ID` header, else `?lastEventId=`, else
 * `?sinceSequence=`; 0 when none is given.
 */
export function resumePoint(request: Request, url: URL): number {
  const header = request.headers.get('last-event-id');
  if (header !== null && header !== '') return sequenceFromEventId(header);
  const query = url.searchParams.get('lastEventId');
  if (query !== null && query !== '') return sequenceFromEventId(query);
  return intParam(url, 'sinceSequence', 0);
}

/**
 * The action's `Idempotency-Key` header, or undefined when absent. It goes into the
 * signal and workflow history, so only short printable ASCII passes.
 */
export function actionKey(request: Request): string | undefined {
  const key = request.headers.get(ACTION_KEY_HEADER);
  if (key === null) return undefined;
  if (!isActionKey(key)) {
    throw new ResumableError(
      'INVALID_PARAMETER',
      `${ACTION_KEY_HEADER} must be 1 to ${MAX_ACTION_KEY_LENGTH} printable ASCII characters`,
    );
  }
  return key;
}

/**
 * Reads a JSON body of at most `maxBytes` (refused without being buffered whole
 * when larger); an empty body is `BAD_REQUEST` unless `optional`.
 */
export async function readJsonBody(
  request: Request,
  maxBytes: number,
  options: { optional?: boolean } = {},
): Promise<unknown> {
  const bytes = await readBoundedBody(request, maxBytes);
  if (bytes.byteLength === 0) {
    if (options.optional) return undefined;
    throw new ResumableError('BAD_REQUEST', 'A JSON body is required');
  }
  return parseJsonBody(request, bytes);
}

/** Narrows a parsed body to a plain object, or throws `BAD_REQUEST`. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ResumableError('BAD_REQUEST', 'The body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/** A required non-empty string field of at most `max` characters. */
export function stringField(body: Record<string, unknown>, name: string, max = 1024): string {
  const value = body[name];
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new ResumableError('BAD_REQUEST', `${name} must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

/** An optional string field. */
export function optionalString(body: Record<string, unknown>, name: string, max = 1024): string | undefined {
  return body[name] === undefined || body[name] === null ? undefined : stringField(body, name, max);
}

/** A required non-negative integer field. */
export function sequenceField(body: Record<string, unknown>, name: string): number {
  const value = body[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ResumableError('BAD_REQUEST', `${name} must be a non-negative integer`);
  }
  return value;
}
