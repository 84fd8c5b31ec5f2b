/** The test cycle's SQLite store: what the phases write, notifications, and the compensation ledger. */
export {
  openTestCycleStore,
  type TestCycleStore,
  type LedgerEntry,
  type RecordRow,
  type NotificationRow,
} from './test-cycle-store';
export { PHASE_RECORDS, phaseItems } from './phase-records';
export { testCycleDbPath } from './path';
export { FileLockError, type FileLockErrorCode, type FileLockOptions, type LockHolder } from './file-lock';
export { openSqliteFile, type SqliteFile, type SqliteFileOptions } from './sqlite-file';
