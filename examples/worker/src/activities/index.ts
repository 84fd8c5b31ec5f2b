/** Every activity the example worker runs: simulated work, no external services. */
export { performStep, mergeChanges } from './task';
export { reserveStock, releaseStock, shipOrder } from './order';
export { validateInvoice, sendInvoiceEmail, updateInvoiceStatus } from './invoice';
export { runPhase, compensatePhase, finalizeReport, type PhaseWork } from './test-cycle';
