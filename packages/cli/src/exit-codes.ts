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
  COMPLETED: 0,
  FAILED: 1,
  CANCELLED: 2,
  TERMINATED: 3,
  TIMED_OUT: 4,
  OTHER_STATUS: 5,
  USAGE: 64,
  REFUSED: 65,
  NOT_FOUND: 66,
  UNAVAILABLE: 69,
  INTERNAL: 70,
  PROTOCOL: 76,
  NO_PERMISSION: 77,
  INTERRUPTED: 130,
} as const;

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
