import { ResumableError } from '@resumable/protocol';
import { createUpdateLog } from '@resumable/workflow-state';
import { sleep, workflowInfo } from '@temporalio/workflow';
import { expectedData, isHeavyTask, SOAK_TYPE, type SoakData } from './content';

export interface SoakInput {
  updates: number;
  /** Updates per workflow task. */
  batch: number;
  /** Pause between batches, ms. */
  pauseMs: number;
}

/**
 * Emits `updates` known updates, `batch` per workflow task. Every 50th update it
 * first tries a 1 MiB one, which the log must refuse with PAYLOAD_TOO_LARGE while
 * keeping its sequence unchanged (the client sees no gap and no oversized event).
 */
export async function soakTask(input: SoakInput): Promise<number> {
  const log = createUpdateLog<'RUNNING' | 'DONE', { [SOAK_TYPE]: SoakData; oversized: { bytes: number } }>({
    status: 'RUNNING',
  });
  const task = workflowInfo().workflowId;
  let refused = 0;
  for (let n = 1; n <= input.updates; n++) {
    if (n % 50 === 0) {
      try {
        log.emit('oversized', { bytes: 1024 * 1024, blob: 'x'.repeat(1024 * 1024) } as { bytes: number });
      } catch (error) {
        if (!(error instanceof ResumableError) || error.code !== 'PAYLOAD_TOO_LARGE') throw error;
        refused++;
      }
    }
    if (n === input.updates) log.setStatus('DONE');
    log.emit(SOAK_TYPE, expectedData(task, n, isHeavyTask(task)));
    if (n % input.batch === 0 && n < input.updates) await sleep(input.pauseMs);
  }
  return refused;
}
