import { EXIT_CODES } from './exit-codes';

/**
 * What went wrong, for programs: each code has its own exit code (see `EXIT_CODES`).
 * - `USAGE`: the command line is wrong (unknown command or option, a bad value);
 * - `UNREACHABLE`: no answer from the server (refused, cut, timed out, or a 5xx/429
 *   for longer than the retry window);
 * - `UNAUTHORIZED` / `FORBIDDEN`: the token is missing, bad or expired / not allowed this;
 * - `NOT_FOUND`: no such task or execution;
 * - `REFUSED`: the server refused the request as asked (400, 409 e.g. `NOT_PAUSED`, 413);
 * - `PROTOCOL`: the server answered something that is not Resumable's wire format;
 * - `INTERRUPTED`: Ctrl-C (or the caller's `AbortSignal`);
 * - `INTERNAL`: a bug.
 *
 * @example
 * const retryLater = (code: CliErrorCode) => code === 'UNREACHABLE';
 */
export type CliErrorCode =
  | 'USAGE'
  | 'UNREACHABLE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'REFUSED'
  | 'PROTOCOL'
  | 'INTERRUPTED'
  | 'INTERNAL';

const BRAND = Symbol.for('@resumable/cli-error');

/** What a server or client error carries that the CLI reads (a `ClientError` or a `ResumableError`). */
interface WireError {
  code?: unknown;
  status?: unknown;
  message?: unknown;
}

/**
 * Every error the `resumable` command reports: a stable `code` (and its `exitCode`) for
 * programs, a message for people (printed without a stack), and, when a server answered,
 * its own code (`serverCode`, e.g. `NOT_PAUSED`) and HTTP `status`.
 *
 * @example
 * try {
 *   await tail({ baseUrl, taskId: 'task-1', onUpdate: console.log });
 * } catch (error) {
 *   if (CliError.is(error) && error.code === 'UNREACHABLE') console.error('is the server up?');
 * }
 */
export class CliError extends Error {
  /** What went wrong, for programs (see `CliErrorCode`); it decides `exitCode`. */
  readonly code: CliErrorCode;
  /** The server's error code (`{"error": {"code"}}`) or the client's, when there was one. */
  readonly serverCode: string | undefined;
  /** The HTTP status it came from; undefined when no response was involved. */
  readonly status: number | undefined;
  /** What to do about it, for people (printed after the message), e.g. the usage or a resume command. */
  readonly hint: string | undefined;

  constructor(
    code: CliErrorCode,
    message: string,
    options: { cause?: unknown; serverCode?: string | undefined; status?: number | undefined; hint?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.serverCode = options.serverCode;
    this.status = options.status;
    this.hint = options.hint;
    // A brand, not `instanceof`, so the check works across two copies of the package.
    (this as Record<symbol, unknown>)[BRAND] = true;
  }

  /** The process exit code of this error. */
  get exitCode(): number {
    return EXIT_CODES[CLI_ERROR_EXIT[this.code]];
  }

  /** True for a `CliError` of any copy of this package. */
  static is(value: unknown): value is CliError {
    return (value as Record<symbol, unknown> | null)?.[BRAND] === true;
  }

  /**
   * Normalises anything thrown: a `CliError` stays as it is; a Resumable error (a
   * `ClientError` from the client, or any `{ code, status, message }`) gets the CLI code
   * its status means; anything else is `INTERNAL`, with the original as `cause`.
   */
  static from(value: unknown): CliError {
    if (CliError.is(value)) return value;
    const wire = (typeof value === 'object' && value !== null ? value : {}) as WireError;
    const status = typeof wire.status === 'number' ? wire.status : undefined;
    const serverCode = typeof wire.code === 'string' ? wire.code : undefined;
    const message =
      value instanceof Error ? value.message : typeof wire.message === 'string' ? wire.message : String(value);
    return new CliError(cliCodeOf(status, serverCode), message, { cause: value, serverCode, status });
  }
}

/** Which exit code each error code exits with (a key of `EXIT_CODES`). */
const CLI_ERROR_EXIT = {
  USAGE: 'USAGE',
  UNREACHABLE: 'UNAVAILABLE',
  UNAUTHORIZED: 'NO_PERMISSION',
  FORBIDDEN: 'NO_PERMISSION',
  NOT_FOUND: 'NOT_FOUND',
  REFUSED: 'REFUSED',
  PROTOCOL: 'PROTOCOL',
  INTERRUPTED: 'INTERRUPTED',
  INTERNAL: 'INTERNAL',
} as const satisfies Record<CliErrorCode, keyof typeof EXIT_CODES>;

/** The CLI code for a server or client error, by HTTP status first, then by code. */
function cliCodeOf(status: number | undefined, serverCode: string | undefined): CliErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429 || (status !== undefined && status >= 500)) return 'UNREACHABLE';
  if (status !== undefined && status >= 400) return 'REFUSED';
  if (serverCode === 'NETWORK_ERROR') return 'UNREACHABLE';
  if (serverCode === 'INVALID_JSON' || serverCode === 'INVALID_PARAMETER') return 'PROTOCOL';
  return 'INTERNAL';
}

/** True for errors worth another try: no answer, or an answer that says "later". */
export const isRetryable = (error: CliError): boolean => error.code === 'UNREACHABLE';
