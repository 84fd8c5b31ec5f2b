/**
 * Every error Resumable reports carries a stable `code` for programs, a message for
 * people, and the HTTP status it maps to on the wire.
 */

/**
 * Error codes and the HTTP status each maps to.
 *
 * @example
 * ERROR_STATUS.TASK_NOT_FOUND; // 404
 */
export const ERROR_STATUS = {
  /** The request is malformed. */
  BAD_REQUEST: 400,
  /** A parameter or option is out of range or of the wrong type. */
  INVALID_PARAMETER: 400,
  /** A body that should be JSON is not. */
  INVALID_JSON: 400,
  /** A task id is empty, too long or has characters a task id cannot have. */
  INVALID_TASK_ID: 400,
  /** A `Last-Event-ID` that is not a sequence number. */
  INVALID_LAST_EVENT_ID: 400,
  /** An SSE `event`, `id` or `retry` field that would break the framing (a CR or LF in it). */
  INVALID_SSE_FIELD: 400,
  /** No credentials, or credentials that do not verify. */
  UNAUTHORIZED: 401,
  /** A token that verified but is past its expiry. */
  TOKEN_EXPIRED: 401,
  /** The caller may not do this (to this task). */
  FORBIDDEN: 403,
  /** No such route or resource. */
  NOT_FOUND: 404,
  /** No workflow with this task id. */
  TASK_NOT_FOUND: 404,
  /** No paused execution with this id. */
  EXECUTION_NOT_FOUND: 404,
  /** The route exists, not with this method. */
  METHOD_NOT_ALLOWED: 405,
  /** The request conflicts with the current state. */
  CONFLICT: 409,
  /** The execution is not paused (any more), so it cannot be resumed or cancelled. */
  NOT_PAUSED: 409,
  /**
   * The log no longer holds this sequence: compaction folded it into the snapshot, and
   * the reducer only folds forward, so no state before the snapshot's edge can be rebuilt.
   */
  SEQUENCE_COMPACTED: 410,
  /** A body over its size limit. */
  PAYLOAD_TOO_LARGE: 413,
  /** A body of a content type the route does not take. */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** A dependency failed first, so this step did not run (e.g. a recovery component's prerequisite). */
  DEPENDENCY_FAILED: 424,
  /** Over a limit (connections, requests); try again later. */
  TOO_MANY_REQUESTS: 429,
  /** A bug or an unexpected failure. */
  INTERNAL: 500,
  /**
   * An encrypted payload or message that this key ring cannot open: its key id is not
   * in the ring, or it was altered. `details.keyId` names the key, `details.reason` is
   * `'unknown-key'` or `'tampered'`.
   */
  DECRYPTION_FAILED: 500,
  /** Temporal could not be reached. Retryable. */
  TEMPORAL_UNAVAILABLE: 503,
  /**
   * The workflow's task keeps failing (a bug, a determinism violation, an oversized
   * update) and Temporal is retrying it: its log cannot be read until a retry
   * succeeds. Retryable: answered with `Retry-After`.
   */
  WORKFLOW_TASK_FAILING: 503,
  /**
   * The Temporal namespace lacks the `Resumable*` search attributes pauses set, so a
   * pausing workflow's task fails (BadSearchAttributes) and paused workflows cannot be
   * listed. The message names them and the command that registers them; once run,
   * the same request succeeds. Answered with `Retry-After`.
   */
  SEARCH_ATTRIBUTES_MISSING: 503,
  /**
   * The server has not finished its start-up (rebuilding the paused list, the app's
   * timers and event routes from Temporal) and was told to refuse requests until it
   * has. Answered with `Retry-After`.
   */
  STARTING_UP: 503,
  /** The server or publisher is closing. */
  SHUTTING_DOWN: 503,
  /** A client could not reach the server (offline, refused, or the connection was cut). */
  NETWORK_ERROR: 503,
  /** A step did not finish within its time limit. */
  TIMEOUT: 504,
} as const;

/**
 * The stable code of every Resumable error, for programs to branch on.
 *
 * @example
 * const retry = (code: ErrorCode) => code === 'TEMPORAL_UNAVAILABLE' || code === 'WORKFLOW_TASK_FAILING';
 */
export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * The JSON body of every error response: `{"error": {"code": "...", "message": "..."}}`.
 *
 * @example
 * const body: ErrorBody = { error: { code: 'TASK_NOT_FOUND', message: 'No task order-1' } };
 */
export interface ErrorBody {
  /** The error: its code, its message, anything more it carries. */
  error: {
    /** An `ErrorCode` (or a code a newer server sends). */
    code: ErrorCode | (string & {});
    /** For people. */
    message: string;
    /** Machine-readable extra facts, when the code has any. */
    details?: unknown;
  };
}

const BRAND = Symbol.for('@resumable/error');

/** What a 503 answer tells a client to wait before its next try. */
const RETRY_AFTER_SECONDS = 2;

/**
 * Options of `new ResumableError(code, message, options)`.
 *
 * @example
 * new ResumableError('TEMPORAL_UNAVAILABLE', 'Temporal is down', { cause: error, details: { address } });
 */
export interface ResumableErrorOptions {
  /** What caused it (normalised to an `Error`). */
  cause?: unknown;
  /** Machine-readable extra facts, sent as the body's `details`. */
  details?: unknown;
  /** Overrides the status the code maps to. */
  status?: number;
}

/**
 * The error class of every Resumable package.
 *
 * @example
 * throw new ResumableError('INVALID_PARAMETER', 'sinceSequence must be a non-negative integer');
 */
export class ResumableError extends Error {
  /** The stable code, for programs. */
  readonly code: ErrorCode;
  /** The HTTP status it is answered with. */
  readonly status: number;
  /** Machine-readable extra facts (the wire body's `details`). */
  readonly details: unknown;
  /** Marks a `ResumableError` across duplicate copies of this package (see `is`). */
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options: ResumableErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: normaliseCause(options.cause) });
    this.name = 'ResumableError';
    this.code = code;
    this.status = options.status ?? ERROR_STATUS[code];
    this.details = options.details;
  }

  /** True for a `ResumableError` from any copy of this package (bundles may hold two). */
  static is(value: unknown): value is ResumableError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** Wraps anything thrown into a `ResumableError`, keeping the original as `cause`. */
  static from(value: unknown, fallback: ErrorCode = 'INTERNAL'): ResumableError {
    if (ResumableError.is(value)) return value;
    const message = value instanceof Error ? value.message : String(value);
    return new ResumableError(fallback, message, { cause: value });
  }

  /**
   * The HTTP answer for this error: its status, the JSON body, `no-store`, and the
   * headers its status calls for (`WWW-Authenticate` on 401, `Retry-After` on
   * every 503, since each is worth retrying). An `INTERNAL` error keeps its message
   * for the logs and says only "Internal server error" on the wire.
   *
   * @example
   * catch (error) { return ResumableError.from(error).toResponse(corsHeaders); }
   */
  toResponse(headers: Record<string, string> = {}): Response {
    const extra: Record<string, string> = { ...headers };
    if (this.status === 401 && extra['WWW-Authenticate'] === undefined) extra['WWW-Authenticate'] = 'Bearer';
    if (this.status === 503) extra['Retry-After'] = String(RETRY_AFTER_SECONDS);
    const body =
      this.code === 'INTERNAL' ? { error: { code: this.code, message: 'Internal server error' } } : this.toBody();
    return new Response(JSON.stringify(body), {
      status: this.status,
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...extra },
    });
  }

  /** The wire body for this error. */
  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

function normaliseCause(cause: unknown): unknown {
  if (cause instanceof Error || cause === undefined) return cause;
  return new Error(typeof cause === 'string' ? cause : safeStringify(cause));
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * True when `value` has the shape of an `ErrorBody` (for clients reading responses).
 *
 * @example
 * const body: unknown = await response.json();
 * if (isErrorBody(body)) console.warn(body.error.code, body.error.message);
 */
export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

/**
 * Where an error reported to an `onError` handler happened. Every part that cannot
 * throw to its caller (buses, feeds, timers, sinks, the HTTP pipeline) reports
 * through the same shape, so one handler can serve a whole app.
 *
 * @example
 * const context: ErrorContext = { source: 'task-feed', taskId: 'order-1' };
 */
export interface ErrorContext {
  /** The part that caught it: `'redis-bus'`, `'http-bus-sender'`, `'task-feed'`, `'server'`, … */
  source: string;
  /** What it was doing, for people: `'GET /api/resumable/tasks/a/stream'`, `'timer order-1'`. */
  operation?: string;
  /** The task concerned, when there is one. */
  taskId?: string;
  /** The bus message concerned, when there is one. */
  message?: unknown;
  /** How many bus messages were lost because of it (0 or absent: none). */
  dropped?: number;
}

/**
 * The one shape of every `onError` option in Resumable.
 *
 * @example
 * const onError: ErrorHandler = (error, context) =>
 *   console.warn(`${describeErrorContext(context)}: ${error.code} ${error.message}`);
 */
export type ErrorHandler = (error: ResumableError, context: ErrorContext) => void;

/**
 * An error context in words, for logs: `task-feed task order-1`,
 * `http-bus-sender (3 dropped)`.
 *
 * @example
 * onError: (error, context) => logger.warn(`${describeErrorContext(context)}: ${error.message}`)
 */
export function describeErrorContext(context: ErrorContext): string {
  const parts = [context.source];
  if (context.operation) parts.push(context.operation);
  if (context.taskId !== undefined) parts.push(`task ${context.taskId}`);
  if (context.dropped) parts.push(`(${context.dropped} dropped)`);
  return parts.join(' ');
}

/**
 * The handler used when none is given: one line on `console.error`.
 *
 * @example
 * const onError: ErrorHandler = (error, context) => (error.code === 'TIMEOUT' ? undefined : logError(error, context));
 */
export const logError: ErrorHandler = (error, context) => {
  console.error(`[resumable] ${describeErrorContext(context)}:`, error);
};

/**
 * Hands `error` (wrapped as a `ResumableError`) to `handler`. A handler that
 * throws is caught: reporting a failure must never become a second one.
 *
 * @example
 * reportError(options.onError, error, { source: 'my-feed', taskId });
 */
export function reportError(handler: ErrorHandler | undefined, error: unknown, context: ErrorContext): void {
  try {
    (handler ?? logError)(ResumableError.from(error), context);
  } catch {
    // The user's handler failed; there is nowhere left to report to.
  }
}
