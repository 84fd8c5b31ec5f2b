import { MAX_UPDATES_PAGE } from '@resumable/protocol';

/**
 * Size budgets that keep every answer far below Temporal's limits. Temporal refuses
 * a payload over 2 MB (`limit.blobSize.error`) and warns from 512 KB
 * (`limit.blobSize.warn`, SDK warning TMPRL1103), so by default one query answer or
 * continue-as-new input carries at most 384 KiB of updates: under the warning, with
 * room for the envelope and the workflow's other arguments.
 *
 * @example
 * createUpdateLog<Status, Updates>({ status: 'IN_PROGRESS', limits: { stateUpdates: 500, updateBytes: 16 * 1024 } });
 */
export interface LogLimits {
  /** Most updates `getWorkflowState` returns (the newest ones). Default 2,000. */
  stateUpdates: number;
  /** Most bytes of updates (UTF-8 JSON) `getWorkflowState` returns. Default 384 KiB. */
  stateBytes: number;
  /** Most bytes of updates one `getUpdatesSince` page returns. Default 384 KiB. */
  pageBytes: number;
  /** Largest single update (UTF-8 JSON); a bigger one is refused by `emit`. Default 128 KiB. */
  updateBytes: number;
  /** Most bytes of updates carried into the next run by continue-as-new. Default 384 KiB. */
  carryBytes: number;
}

const KIB = 1024;

/**
 * The defaults of {@link LogLimits}.
 *
 * @example
 * DEFAULT_LIMITS.pageBytes; // 393216
 */
export const DEFAULT_LIMITS: Readonly<LogLimits> = Object.freeze({
  stateUpdates: 4 * MAX_UPDATES_PAGE,
  stateBytes: 384 * KIB,
  pageBytes: 384 * KIB,
  updateBytes: 128 * KIB,
  carryBytes: 384 * KIB,
});
