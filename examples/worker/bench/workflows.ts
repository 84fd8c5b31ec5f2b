/**
 * What the worker-tuning benchmark runs: the example's task workflow (the load: short
 * activities, a retried merge, an update per step) and a ticker for the restart test.
 */
import { createUpdateLog } from '@resumable/workflow-state';
import { sleep } from '@temporalio/workflow';

export { taskWorkflow } from '../src/workflows/task';

export interface TickInput {
  ticks: number;
  everyMs: number;
}

/**
 * An update every `everyMs`, on timers only: when its worker dies, the next workflow
 * task waits on the dead worker's sticky queue and on nothing else (an activity
 * running at the kill would wait for its own timeout, whatever the sticky setting).
 */
export async function tickWorkflow({ ticks, everyMs }: TickInput): Promise<number> {
  const log = createUpdateLog<'RUNNING' | 'DONE', { tick: { n: number } }>({ status: 'RUNNING' });
  for (let n = 1; n <= ticks; n++) {
    await sleep(everyMs);
    log.emit('tick', { n });
  }
  log.setStatus('DONE');
  return ticks;
}
