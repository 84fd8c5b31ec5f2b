import { taskTopic, type UpdatesPage, type WorkflowUpdate } from '@resumable/protocol';
import type { RecoveryServer } from '../../src/index';
import { expect } from 'vitest';
import type { Harness } from '../harness';
import { StreamFollower, range } from '../sse-client';
import { emitMore, finish, steppedTask } from '../workflows';

/**
 * What every adapter must carry: a live workflow followed through the framework's
 * route, step by step on one connection, ending with exactly the durable log (content
 * compared with the recovery route's copy). With `busVia`, the worker's HTTP bus posts
 * must have come in through the framework too.
 */
export async function expectLiveStream(options: {
  origin: string;
  token: string;
  taskId: string;
  harness: Harness;
  steps: number;
  perStep: number;
  busVia?: RecoveryServer;
}): Promise<void> {
  const { origin, token, taskId: id, harness, steps, perStep, busVia } = options;
  const live: number[] = [];
  await busVia?.bus.subscribe(taskTopic(id), (message) => {
    if (message.kind === 'update') live.push(message.update.sequence);
  });
  const handle = await harness.client.workflow.start(steppedTask, { taskQueue: harness.taskQueue, workflowId: id });
  const seen: WorkflowUpdate[] = [];
  const follower = new StreamFollower(`${origin}/api/temporal/stream/${id}`, token, (update) => seen.push(update));
  await expect.poll(() => follower.record.connections.length, { timeout: 10_000 }).toBe(1);
  for (let step = 1; step <= steps; step++) {
    await handle.signal(emitMore, perStep);
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(step * perStep);
  }
  await handle.signal(finish);
  const record = await follower.done;
  const last = steps * perStep + 1;
  await expect(handle.result()).resolves.toBe(last);

  expect(record.sequences).toEqual(range(1, last));
  expect(record.end).toEqual({ status: 'DONE', lastSequence: last, execution: 'COMPLETED' });
  expect(record.opens).toBe(1);
  const log = (await (
    await fetch(`${origin}/api/temporal/recovery/${id}`, { headers: { Authorization: `Bearer ${token}` } })
  ).json()) as UpdatesPage;
  expect(log).toMatchObject({ taskId: id, status: 'DONE', lastSequence: last, hasMore: false });
  expect(seen).toEqual(log.updates);
  if (busVia) {
    await expect.poll(() => [...new Set(live)].sort((a, b) => a - b), { timeout: 5_000 }).toEqual(range(1, last));
  }
}
