/**
 * Activities of the hook tests, run by the test's own worker (same process), so a
 * test can hold one mid-run and let it go (`gates.open(key)`).
 */
import { Gates, gatedImport } from '@resumable/kit/gates';
import { reportProgress } from '@resumable/workflow-state/worker';

export const gates = new Gates();

/** See `gatedImport`: fails attempt 1 after 3 reports, holds attempt 2 after 2. */
export const importFile = gatedImport(gates, reportProgress);
