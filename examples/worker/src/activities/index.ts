/**
 * Every activity the example worker runs: simulated work, no external services but
 * the test cycle's SQLite file (`createTestCycleActivities` binds another file).
 */
export { performStep, mergeChanges } from './task';
export { reserveStock, releaseStock, shipOrder } from './order';
export { validateInvoice, sendInvoiceEmail, updateInvoiceStatus } from './invoice';
export { runPhase, compensatePhase, compensateStoredPhase, finalizeReport, type PhaseWork } from './test-cycle';
