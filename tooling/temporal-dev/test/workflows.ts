import { condition, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';

export const approveSignal = defineSignal<[string]>('approve');
export const progressQuery = defineQuery<{ step: string; approvedBy: string | null }>('progress');

/** Waits for an `approve` signal, reports where it is through a query, returns who approved. */
export async function approvalWorkflow(name: string): Promise<string> {
  let step = 'waiting';
  let approvedBy: string | null = null;
  setHandler(progressQuery, () => ({ step, approvedBy }));
  setHandler(approveSignal, (by) => {
    approvedBy = by;
  });
  await condition(() => approvedBy !== null);
  step = 'approved';
  return `${name} approved by ${approvedBy}`;
}
