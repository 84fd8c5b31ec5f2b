/** Codes for the ways getting a Temporal server can fail. */
export type TemporalDevErrorCode =
  | 'CLI_NOT_FOUND'
  | 'CLI_BUILD_FAILED'
  | 'SERVER_START_FAILED'
  | 'SERVER_UNREACHABLE'
  /** `go install` of the Temporal server or its SQL tool failed. */
  | 'SERVER_BUILD_FAILED'
  /** PostgreSQL is missing, or would not initialise, start or stop. */
  | 'POSTGRES_FAILED'
  /** A cluster node, the schema setup or the namespace setup failed. */
  | 'CLUSTER_START_FAILED'
  /** A cluster is already running in that state folder. */
  | 'CLUSTER_RUNNING'
  /** Bad `cluster` options (ports, node count). */
  | 'CLUSTER_BAD_OPTIONS'
  /** A node would not restart (it exited, or did not serve in time) or would not stop. */
  | 'CLUSTER_NODE_FAILED'
  /** `openssl` is missing or could not make the test certificates. */
  | 'PKI_FAILED';

/** An error from the dev-server tooling, with every attempt it made in `message`. */
export class TemporalDevError extends Error {
  readonly code: TemporalDevErrorCode;

  constructor(code: TemporalDevErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemporalDevError';
    this.code = code;
  }
}
