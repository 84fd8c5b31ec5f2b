/**
 * The two workflows compared side by side, bundled into one worker. Both wait for
 * `go`, emit `count` ticks in batches of `batch` (one workflow task per batch,
 * `pauseMs` apart), then wait for `finish` (sent once every subscriber is done, so
 * no subscriber is cut off by the workflow closing) and return. They differ only in
 * how an update leaves: Resumable's update log (durable state, read by queries; live
 * copy through the worker sink) or workflow-streams' `WorkflowStream` (durable state,
 * read by polling Updates).
 */
import { createUpdateLog } from '@resumable/workflow-state';
import { condition, defineSignal, proxySinks, setHandler, sleep, workflowInfo, type Sinks } from '@temporalio/workflow';
import { WorkflowStream } from '@temporalio/workflow-streams/workflow';

export interface EmitterInput {
  count: number;
  batch: number;
  pauseMs: number;
}

/**
 * The emit clock of both sides: called in the activation that emits a batch, before
 * its updates, so the worker stamps it when it carries the activation's sink calls
 * out (before the completion goes to the server and before Resumable's own sink
 * hands the batch to the bus).
 */
export interface TimingSinks extends Sinks {
  peerBench: {
    batch(first: number, last: number): void;
  };
}

export const go = defineSignal('go');
export const finish = defineSignal('finish');

const { peerBench } = proxySinks<TimingSinks>();

async function emitInBatches(input: EmitterInput, emit: (n: number) => void): Promise<void> {
  let started = false;
  let finished = false;
  setHandler(go, () => void (started = true));
  setHandler(finish, () => void (finished = true));
  await condition(() => started);
  for (let first = 1; first <= input.count; first += input.batch) {
    const last = Math.min(input.count, first + input.batch - 1);
    if (!workflowInfo().unsafe.isReplaying) peerBench.batch(first, last);
    for (let n = first; n <= last; n++) emit(n);
    if (last < input.count && input.pauseMs > 0) await sleep(input.pauseMs);
  }
  await condition(() => finished);
}

/** Resumable: each tick goes to the update log (sequence = n). */
export async function resumableEmitter(input: EmitterInput): Promise<number> {
  const log = createUpdateLog<'IN_PROGRESS' | 'DONE', { tick: { n: number } }>({ status: 'IN_PROGRESS' });
  await emitInBatches(input, (n) => log.emit('tick', { n }));
  return log.lastSequence;
}

/** workflow-streams: each tick is published on topic `tick` (offset = n − 1). */
export async function streamsEmitter(input: EmitterInput): Promise<number> {
  const stream = new WorkflowStream();
  const ticks = stream.topic<{ n: number }>('tick');
  let emitted = 0;
  await emitInBatches(input, (n) => {
    ticks.publish({ n });
    emitted = n;
  });
  return emitted;
}
