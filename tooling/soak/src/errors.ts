/** Codes for the ways the soak itself (not the system under test) can fail. */
export type SoakErrorCode =
  /** Options that cannot go together, or a bad value. */
  | 'BAD_OPTIONS'
  /** A cluster node would not stop, restart or serve again. */
  | 'CLUSTER_NODE_FAILED';

/** A failure of the soak's own machinery: a run that throws this proved nothing either way. */
export class SoakError extends Error {
  readonly code: SoakErrorCode;

  constructor(code: SoakErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SoakError';
    this.code = code;
  }
}
