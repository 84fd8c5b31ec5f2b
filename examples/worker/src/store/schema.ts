/**
 * The test cycle's tables. `records` holds what the phases write, one row per item
 * (its `kind` says which: attribute, sample, owner, …), keyed by cycle, phase and
 * item so a retried activity replaces its rows instead of adding more. `closed_phases`
 * lists the phases compensation has dealt with: no write reaches them afterwards (an
 * attempt of a cancelled cycle that was still running when the saga ran).
 */
export const TEST_CYCLE_SCHEMA = `
CREATE TABLE IF NOT EXISTS records (
  cycle_id TEXT NOT NULL,
  phase INTEGER NOT NULL,
  kind TEXT NOT NULL,
  item TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('complete', 'pending')),
  data TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  written_at TEXT NOT NULL,
  PRIMARY KEY (cycle_id, phase, item)
);
CREATE TABLE IF NOT EXISTS notifications (
  cycle_id TEXT NOT NULL,
  phase INTEGER NOT NULL,
  name TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (cycle_id, phase)
);
CREATE TABLE IF NOT EXISTS compensations (
  cycle_id TEXT NOT NULL,
  phase INTEGER NOT NULL,
  name TEXT NOT NULL,
  strategy TEXT NOT NULL,
  phase_state TEXT NOT NULL,
  outcome TEXT NOT NULL,
  undone TEXT NOT NULL,
  kept TEXT NOT NULL,
  text TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (cycle_id, phase)
);
CREATE TABLE IF NOT EXISTS closed_phases (
  cycle_id TEXT NOT NULL,
  phase INTEGER NOT NULL,
  closed_at TEXT NOT NULL,
  PRIMARY KEY (cycle_id, phase)
);
`;
