/**
 * The exit codes of `resumable`. A finished `tail` exits with its workflow's final
 * status (0–5); failures of the command itself use the BSD `sysexits.h` numbers, so
 * scripts can tell "the workflow failed" (1) from "the server is down" (69).
 *
 * | code | meaning |
 * |---|---|
 * | 0 | the workflow completed (or `paused` did what was asked) |
 * | 1 | the workflow failed |
 * | 2 | the workflow was cancelled |
 * | 3 | the workflow was terminated |
 * | 4 | the workflow timed out |
 * | 5 | the workflow ended with a status the command does not know (see `--ok`) |
 * | 64 | bad usage |
 * | 65 | the server refused the request as asked (400, 409 `NOT_PAUSED`, 413) |
 * | 66 | no such task or execution (404) |
 * | 69 | the server cannot be reached (or answered 5xx/429 for the whole retry window) |
 * | 70 | an internal error (a bug) |
 * | 76 | the server's answer is not Resumable's wire format |
 * | 77 | no or bad token, or not allowed (401, 403) |
 * | 130 | interrupted (Ctrl-C) |
 *
 * @example
 * if (code === EXIT_CODES.UNAVAILABLE) console.error('is the recovery server running?');
 */
export const EXIT_CODES = {
  /** 0, success: the tailed workflow completed (or ended with an `--ok` status), or `help`/`paused` did what was asked. */
  COMPLETED: 0,
  /** 1: the tailed workflow ended with a failed status (`FAILED`, `ERROR`…). */
  FAILED: 1,
  /** 2: the tailed workflow was cancelled. */
  CANCELLED: 2,
  /** 3: the tailed workflow was terminated. */
  TERMINATED: 3,
  /** 4: the tailed workflow timed out (`TIMED_OUT`, `EXPIRED`…). */
  TIMED_OUT: 4,
  /** 5: the tailed workflow ended with a status not recognised (and not in `--ok`), or with none. */
  OTHER_STATUS: 5,
  /** 64 (`EX_USAGE`): the command line is wrong; a `USAGE` error. */
  USAGE: 64,
  /** 65 (`EX_DATAERR`): the server refused the request as asked (400, 409 e.g. `NOT_PAUSED`, 413); a `REFUSED` error. */
  REFUSED: 65,
  /** 66 (`EX_NOINPUT`): no such task or execution (404); a `NOT_FOUND` error. */
  NOT_FOUND: 66,
  /** 69 (`EX_UNAVAILABLE`): the server cannot be reached, or answered 5xx/429 for the whole retry window; an `UNREACHABLE` error. */
  UNAVAILABLE: 69,
  /** 70 (`EX_SOFTWARE`): an internal error, i.e. a bug; an `INTERNAL` error. */
  INTERNAL: 70,
  /** 76 (`EX_PROTOCOL`): the server's answer is not Resumable's wire format; a `PROTOCOL` error. */
  PROTOCOL: 76,
  /** 77 (`EX_NOPERM`): no or bad token, or not allowed (401, 403); an `UNAUTHORIZED` or `FORBIDDEN` error. */
  NO_PERMISSION: 77,
  /** 130 (128 + `SIGINT`, the shell's convention): interrupted by Ctrl-C or the caller's `AbortSignal`; an `INTERRUPTED` error. */
  INTERRUPTED: 130,
} as const;

/**
 * The exit code of a finished `tail`: Temporal's outcome of the run when the server said
 * it (a workflow that threw failed, whatever its log's status), except that a completed
 * run exits with its log's status (an app's `FAILED` status is a failure it reported),
 * and that statuses in `ok` count as success. Without an outcome, the log's status alone
 * decides (`exitCodeForStatus`).
 *
 * @example
 * exitCodeForEnd({ status: 'IN_PROGRESS', execution: 'FAILED' }); // 1
 * exitCodeForEnd({ status: 'DONE', execution: 'COMPLETED' }); // 0
 * exitCodeForEnd({ status: 'MERGED' }, ['merged']); // 0
 */
export function exitCodeForEnd(
  end: { status: string | undefined; execution?: string | undefined },
  ok: readonly string[] = [],
): number {
  const execution = end.execution && normaliseStatus(end.execution);
  if (!execution || execution === 'COMPLETED' || execution === 'CONTINUED_AS_NEW') {
    const byStatus = exitCodeForStatus(end.status, ok);
    // Temporal says it completed: an unknown log status is still a success.
    return execution && byStatus === EXIT_CODES.OTHER_STATUS ? EXIT_CODES.COMPLETED : byStatus;
  }
  return exitCodeForStatus(execution);
}

/** Final statuses recognised by name (after `normaliseStatus`), by outcome. */
const STATUS_NAMES: Record<'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TERMINATED' | 'TIMED_OUT', readonly string[]> = {
  COMPLETED: ['COMPLETED', 'COMPLETE', 'DONE', 'SUCCEEDED', 'SUCCESS', 'SUCCESSFUL', 'FINISHED', 'OK'],
  FAILED: ['FAILED', 'FAILURE', 'ERROR', 'ERRORED'],
  CANCELLED: ['CANCELLED', 'CANCELED'],
  TERMINATED: ['TERMINATED'],
  TIMED_OUT: ['TIMED_OUT', 'TIMEDOUT', 'TIMEOUT', 'EXPIRED'],
};

/** `'Timed out'`, `'timed-out'`, `'TIMED_OUT'` → `'TIMED_OUT'`. */
const normaliseStatus = (status: string) =>
  status
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

/**
 * The exit code of a workflow's final status. The status is the one the workflow wrote
 * into its update log (`log.setStatus()`), so its names are the app's own: they are
 * matched case- and punctuation-insensitively against the names above, and `ok` adds
 * statuses that count as success (e.g. `['MERGED']`). Anything else is `OTHER_STATUS` (5).
 *
 * @example
 * exitCodeForStatus('DONE'); // 0
 * exitCodeForStatus('failed'); // 1
 * exitCodeForStatus('MERGED', ['merged']); // 0
 */
export function exitCodeForStatus(status: string | undefined, ok: readonly string[] = []): number {
  if (status === undefined) return EXIT_CODES.OTHER_STATUS;
  const name = normaliseStatus(status);
  if (ok.some((extra) => normaliseStatus(extra) === name)) return EXIT_CODES.COMPLETED;
  for (const [outcome, names] of Object.entries(STATUS_NAMES)) {
    if (names.includes(name)) return EXIT_CODES[outcome as keyof typeof STATUS_NAMES];
  }
  return EXIT_CODES.OTHER_STATUS;
}
