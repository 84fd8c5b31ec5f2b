/** Codes for the ways getting a Temporal server can fail. */
export type TemporalDevErrorCode = 'CLI_NOT_FOUND' | 'CLI_BUILD_FAILED' | 'SERVER_START_FAILED' | 'SERVER_UNREACHABLE';

/** An error from the dev-server tooling, with every attempt it made in `message`. */
export class TemporalDevError extends Error {
  readonly code: TemporalDevErrorCode;

  constructor(code: TemporalDevErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemporalDevError';
    this.code = code;
  }
}
