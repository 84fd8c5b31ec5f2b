import { defineQuery, proxySinks, setHandler, sleep, workflowInfo, type Sinks } from '@temporalio/workflow';
import type { WorkflowState, WorkflowUpdate } from '@resumable/protocol';

/** Pushes each update out of the workflow as it happens (skipped on replay). */
export interface DemoSinks extends Sinks {
  progress: { emit(update: WorkflowUpdate): void };
}

export const stateQuery = defineQuery<WorkflowState>('getWorkflowState');

const { progress } = proxySinks<DemoSinks>();

const STEPS = ['fetching invoice', 'checking totals', 'charging card', 'sending receipt', 'archiving'];

/** A small task: five steps, each a sequence-numbered update kept in workflow state. */
export async function demoTask(): Promise<WorkflowState> {
  const state: WorkflowState = {
    taskId: workflowInfo().workflowId,
    status: 'IN_PROGRESS',
    updates: [],
    lastSequence: 0,
    startTime: Date.now(),
  };
  setHandler(stateQuery, () => state);
  const emit = (type: string, data: unknown) => {
    const sequence = state.lastSequence + 1;
    const update: WorkflowUpdate = { id: `${state.taskId}:${sequence}`, timestamp: Date.now(), sequence, type, data };
    state.updates.push(update);
    state.lastSequence = sequence;
    progress.emit(update);
  };
  for (const [index, step] of STEPS.entries()) {
    emit('message', { step, percent: Math.round(((index + 1) / STEPS.length) * 100) });
    await sleep(400);
  }
  state.status = 'DONE';
  emit('status', { status: 'DONE' });
  return state;
}
