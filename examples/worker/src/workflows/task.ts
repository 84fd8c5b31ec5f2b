import { createUpdateLog } from '@resumable/workflow-state';
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities';
import type { TaskInput, TaskStatus, TaskUpdates } from '../shared';

const { performStep } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '200ms', maximumAttempts: 5 },
});

/**
 * The task board's task: IN_PROGRESS with a message per step, then DONE, then MERGED.
 * Every emit lands in the workflow's log (the durable copy) and goes out live.
 */
export async function taskWorkflow(input: TaskInput): Promise<TaskStatus> {
  const log = createUpdateLog<TaskStatus, TaskUpdates>({ status: 'IN_PROGRESS' });
  // The merge's attempts, failures and retry delays are facts in the log; its progress goes live.
  const { mergeChanges } = log.proxyActivities<typeof activities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1s', maximumAttempts: 3 },
  });
  const steps = Math.max(1, Math.min(input.steps ?? 12, 200));
  const stepMs = input.stepMs ?? 600;
  log.emit('status', { status: 'IN_PROGRESS' });
  for (let step = 1; step <= steps; step++) {
    const text = await performStep({ title: input.title, step, steps, ms: stepMs });
    log.emit('message', { text, step, steps, percent: Math.round((step / steps) * 100) });
  }
  log.setStatus('DONE');
  log.emit('status', { status: 'DONE' });
  const merged = await mergeChanges({ title: input.title, ms: stepMs });
  log.setStatus('MERGED');
  log.emit('message', { text: merged, step: steps, steps, percent: 100 });
  log.emit('status', { status: 'MERGED' });
  return log.status;
}
