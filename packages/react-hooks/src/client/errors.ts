import type { ErrorCode } from '@resumable/protocol';

/**
 * The codes the client sets itself, when there is no usable error body: no response
 * at all (`NETWORK_ERROR`), an event whose data is not JSON (`INVALID_JSON`) or not an
 * update (`INVALID_PARAMETER`), a response that is not in the wire format (the status
 * decides: `UNAUTHORIZED`, `FORBIDDEN`, `NOT_FOUND`, `TOO_MANY_REQUESTS`, else
 * `INTERNAL`), or anything else thrown (`INTERNAL`). Every other code comes from the
 * server's `{"error": {"code": ...}}`.
 *
 * @example
 * const offline = (error: ClientError) => error.code === ('NETWORK_ERROR' satisfies ClientErrorCode);
 */
export type ClientErrorCode = Extract<
  ErrorCode,
  | 'NETWORK_ERROR'
  | 'INVALID_JSON'
  | 'INVALID_PARAMETER'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL'
>;

// The brand of @resumable/protocol's ResumableError: `ResumableError.is()` checks it,
// not the class, so this error passes without the browser bundle carrying protocol's
// code table.
const BRAND = /* @__PURE__ */ Symbol.for('@resumable/error');

/**
 * Every error the client reports: `code` for programs (the server's, or a
 * `ClientErrorCode`), `message` for people, `status` when it came from an HTTP
 * response. It carries `@resumable/protocol`'s brand and shape (`name`, `code`,
 * `status`, `details`; no `toBody()`: the client never answers with it), so `ResumableError.is(error)` is true for it;
 * unlike a server-side `ResumableError`, `status` is undefined when there was no
 * response.
 *
 * @example
 * const { error } = useTemporalSubscription({ taskId, refreshToken });
 * if (error?.code === 'FORBIDDEN') return <p>Not yours to watch.</p>;
 * if (ClientError.is(error) && error.status === undefined) console.warn('offline?', error.message);
 */
export class ClientError extends Error {
  /** The server's code, or a `ClientErrorCode`. */
  readonly code: ErrorCode;
  /** The HTTP status of the response it came from; undefined when there was none. */
  readonly status: number | undefined;
  /** The server's `error.details`, if it sent any. */
  readonly details: unknown;

  constructor(
    code: ErrorCode,
    message: string,
    options: { status?: number | undefined; cause?: unknown; details?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ResumableError';
    this.code = code;
    this.status = options.status;
    this.details = options.details;
    // Set, not declared: the class's type then has no private symbol in it, so the
    // copies in the two entries' type declarations stay assignable to each other.
    (this as Record<symbol, unknown>)[BRAND] = true;
  }

  /**
   * True for any Resumable error (this class, or `ResumableError` from any copy of
   * `@resumable/protocol`): both carry the same brand.
   */
  static is(value: unknown): value is ClientError {
    return (value as Record<symbol, unknown> | null)?.[BRAND] === true;
  }

  /**
   * Wraps anything thrown: a Resumable error keeps its code and status, anything else
   * becomes `INTERNAL`; the original is the `cause`.
   */
  static from(value: unknown): ClientError {
    if (value instanceof ClientError) return value;
    const known = ClientError.is(value) ? value : undefined;
    return new ClientError(known?.code ?? 'INTERNAL', value instanceof Error ? value.message : String(value), {
      status: known?.status,
      cause: value,
    });
  }
}
