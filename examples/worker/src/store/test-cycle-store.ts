import type { CompensationOutcome, CompensationStrategy, PhaseNumber } from '../shared';
import { PHASE_RECORDS, phaseItems } from './phase-records';
import { TEST_CYCLE_SCHEMA } from './schema';
import { openSqliteFile, rows, type SqliteFileOptions } from './sqlite-file';

export interface RecordRow {
  cycle_id: string;
  phase: number;
  kind: string;
  item: string;
  status: 'complete' | 'pending';
  data: string;
  attempt: number;
  written_at: string;
}

export interface NotificationRow {
  cycle_id: string;
  phase: number;
  name: string;
  message: string;
  created_at: string;
}

/** One compensation, as the ledger keeps it. */
export interface LedgerEntry {
  cycleId: string;
  phase: number;
  name: string;
  strategy: CompensationStrategy;
  /** Whether the phase had finished or was the one that failed. */
  phaseState: 'completed' | 'failed';
  outcome: CompensationOutcome;
  /** Items removed, and items left in place. */
  undone: string[];
  kept: string[];
  text: string;
  at: string;
}

export interface CompensationRequest {
  cycleId: string;
  phase: PhaseNumber;
  name: string;
  strategy: CompensationStrategy;
  phaseState: 'completed' | 'failed';
  /** For `skip`: what the person decided at the pause. */
  decision?: 'resumed' | 'cancelled';
}

export interface TestCycleStore {
  readonly path: string;
  /**
   * Writes a phase's items: the first `complete` as complete, the rest pending (a phase
   * that broke off part-way). Replaces earlier attempts' rows, so a retry never adds rows.
   * Writes nothing once the phase was compensated (an attempt still running when its
   * cycle was cancelled and compensated must not bring rows back): false then.
   */
  writePhase(input: {
    cycleId: string;
    phase: PhaseNumber;
    attempt: number;
    complete: number;
    data?: unknown;
  }): Promise<boolean>;
  /**
   * Undoes or keeps a phase's rows by its strategy, and records it in the ledger, in one
   * transaction. Idempotent: a second call returns the ledger entry of the first. A failed
   * phase that wrote nothing needs no compensation: `null`. Either way the phase is closed:
   * later writes to it are dropped.
   */
  compensate(request: CompensationRequest): Promise<LedgerEntry | null>;
  records(cycleId: string): Promise<RecordRow[]>;
  notifications(cycleId: string): Promise<NotificationRow[]>;
  ledger(cycleId: string): Promise<LedgerEntry[]>;
}

interface LedgerRow {
  cycle_id: string;
  phase: number;
  name: string;
  strategy: CompensationStrategy;
  phase_state: 'completed' | 'failed';
  outcome: CompensationOutcome;
  undone: string;
  kept: string;
  text: string;
  at: string;
}

const entryOf = (row: LedgerRow): LedgerEntry => ({
  cycleId: row.cycle_id,
  phase: row.phase,
  name: row.name,
  strategy: row.strategy,
  phaseState: row.phase_state,
  outcome: row.outcome,
  undone: JSON.parse(row.undone) as string[],
  kept: JSON.parse(row.kept) as string[],
  text: row.text,
  at: row.at,
});

/**
 * The test cycle's SQLite store in the file at `path`. Any number of handles, in any
 * number of processes, may write one file: each write holds the file's lock (see
 * `openSqliteFile`), so none is lost.
 */
export function openTestCycleStore(path: string, options?: SqliteFileOptions): TestCycleStore {
  const file = openSqliteFile(path, TEST_CYCLE_SCHEMA, options);
  return {
    path,
    writePhase: ({ cycleId, phase, attempt, complete, data }) =>
      file.write((db) => {
        // Closed by its compensation (files from before `closed_phases` have the ledger row only).
        const closed = rows(
          db,
          `SELECT 1 FROM closed_phases WHERE cycle_id = ?1 AND phase = ?2
           UNION ALL SELECT 1 FROM compensations WHERE cycle_id = ?1 AND phase = ?2`,
          [cycleId, phase],
        );
        if (closed.length > 0) return false;
        const now = new Date().toISOString();
        phaseItems(phase).forEach((item, index) => {
          db.run(
            `INSERT OR REPLACE INTO records (cycle_id, phase, kind, item, status, data, attempt, written_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
            [
              cycleId,
              phase,
              PHASE_RECORDS[phase].kind,
              item,
              index < complete ? 'complete' : 'pending',
              JSON.stringify(data ?? {}),
              attempt,
              now,
            ],
          );
        });
        return true;
      }),

    compensate: (request) =>
      file.write((db) => {
        const { cycleId, phase, name, strategy, phaseState } = request;
        const before = rows<LedgerRow>(db, 'SELECT * FROM compensations WHERE cycle_id = ? AND phase = ?', [
          cycleId,
          phase,
        ])[0];
        if (before) return entryOf(before);
        db.run('INSERT OR IGNORE INTO closed_phases (cycle_id, phase, closed_at) VALUES (?, ?, ?)', [
          cycleId,
          phase,
          new Date().toISOString(),
        ]);
        const written = rows<Pick<RecordRow, 'item' | 'status'>>(
          db,
          'SELECT item, status FROM records WHERE cycle_id = ? AND phase = ? ORDER BY rowid',
          [cycleId, phase],
        );
        if (phaseState === 'failed' && written.length === 0) return null;

        const items = written.map((row) => row.item);
        const where = 'cycle_id = ? AND phase = ?';
        let outcome: CompensationOutcome;
        let undone: string[] = [];
        let text: string;
        switch (strategy) {
          case 'rollback':
            db.run(`DELETE FROM records WHERE ${where}`, [cycleId, phase]);
            undone = items;
            outcome = 'rolled-back';
            text = `Rolled back ${name}: deleted ${undone.length} row(s)`;
            break;
          case 'partial-rollback':
            db.run(`DELETE FROM records WHERE ${where} AND status = 'pending'`, [cycleId, phase]);
            undone = written.filter((row) => row.status === 'pending').map((row) => row.item);
            outcome = 'partially-rolled-back';
            text = `Rolled back the unfinished part of ${name}: deleted ${undone.length} pending row(s), kept ${items.length - undone.length} complete`;
            break;
          case 'notify': {
            const message = `Cycle ${cycleId}: ${name} ${phaseState === 'failed' ? 'failed' : 'was undone by a later failure'}; its ${items.length} record(s) are kept for review`;
            db.run(
              'INSERT OR REPLACE INTO notifications (cycle_id, phase, name, message, created_at) VALUES (?, ?, ?, ?, ?)',
              [cycleId, phase, name, message, new Date().toISOString()],
            );
            outcome = 'notified';
            text = `Notified the owners of ${name}; kept ${items.length} row(s)`;
            break;
          }
          case 'skip':
            outcome = request.decision === 'cancelled' ? 'cancelled' : 'resumed';
            text =
              outcome === 'resumed'
                ? `${name} left to a person, who resumed the cycle; kept ${items.length} row(s)`
                : `${name} left to a person, who cancelled the cycle; kept ${items.length} row(s)`;
            break;
        }
        const undoneSet = new Set(undone);
        const entry: LedgerEntry = {
          cycleId,
          phase,
          name,
          strategy,
          phaseState,
          outcome,
          undone,
          kept: items.filter((item) => !undoneSet.has(item)),
          text,
          at: new Date().toISOString(),
        };
        db.run(
          `INSERT INTO compensations (cycle_id, phase, name, strategy, phase_state, outcome, undone, kept, text, at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            cycleId,
            phase,
            name,
            strategy,
            phaseState,
            outcome,
            JSON.stringify(entry.undone),
            JSON.stringify(entry.kept),
            text,
            entry.at,
          ],
        );
        return entry;
      }),

    records: (cycleId) =>
      file.read((db) =>
        rows<RecordRow>(db, 'SELECT * FROM records WHERE cycle_id = ? ORDER BY phase, rowid', [cycleId]),
      ),
    notifications: (cycleId) =>
      file.read((db) =>
        rows<NotificationRow>(db, 'SELECT * FROM notifications WHERE cycle_id = ? ORDER BY phase', [cycleId]),
      ),
    ledger: (cycleId) =>
      file.read((db) =>
        rows<LedgerRow>(db, 'SELECT * FROM compensations WHERE cycle_id = ? ORDER BY rowid', [cycleId]).map(entryOf),
      ),
  };
}
