/**
 * The publisher's ordering on a client whose signals answer out of order (a fake of our
 * own `SignalingClient`): a task's next batch is not signalled before the previous one
 * was recorded, so Temporal records them in publish order. The real worker and dev
 * server side is in test/task-publisher.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createTaskPublisher, type SignalingClient } from './task-publisher';

interface Sent {
  taskId: string;
  indexes: number[];
  record(): void;
  refuse(error: Error): void;
}

/** A client that records nothing until the test says so, in whatever order it likes. */
function heldClient() {
  const sent: Sent[] = [];
  const client: SignalingClient = {
    workflow: {
      getHandle: (taskId) => ({
        signal: (_name, batch) =>
          new Promise<void>((resolve, reject) => {
            const { updates } = batch as { updates: { data: { index: number } }[] };
            sent.push({ taskId, indexes: updates.map((u) => u.data.index), record: resolve, refuse: reject });
          }),
      }),
    },
  };
  return { client, sent };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createTaskPublisher ordering', () => {
  it('signals one batch of a task at a time, other tasks in parallel', async () => {
    const { client, sent } = heldClient();
    const publisher = createTaskPublisher({ client, maxBatch: 2, batchMs: 60_000 });
    const done = [1, 2, 3, 4, 5].map((index) => publisher.publish('a', 'step', { index }));
    const other = publisher.publish('b', 'step', { index: 1 });
    await tick();
    // Batch [1, 2] is out; [3, 4] waits for it although it is full.
    expect(sent.map((s) => [s.taskId, s.indexes])).toEqual([['a', [1, 2]]]);

    const flushed = publisher.flush();
    await tick();
    expect(sent.map((s) => [s.taskId, s.indexes])).toEqual([
      ['a', [1, 2]],
      ['b', [1]],
    ]);
    sent[1]!.record();
    await other;

    sent[0]!.record();
    await tick();
    expect(sent.map((s) => s.indexes)).toEqual([[1, 2], [1], [3, 4]]);
    sent[2]!.record();
    await tick();
    expect(sent.map((s) => s.indexes)).toEqual([[1, 2], [1], [3, 4], [5]]);
    sent[3]!.record();
    await Promise.all([...done, flushed]);
  });

  it('rejects the publishes of a refused batch and still sends the next one', async () => {
    const { client, sent } = heldClient();
    const publisher = createTaskPublisher({ client, maxBatch: 1 });
    const first = publisher.publish('a', 'step', { index: 1 });
    const second = publisher.publish('a', 'step', { index: 2 });
    await tick();
    sent[0]!.refuse(new Error('workflow not found'));
    await expect(first).rejects.toThrow('workflow not found');
    await tick();
    expect(sent.map((s) => s.indexes)).toEqual([[1], [2]]);
    sent[1]!.record();
    await expect(second).resolves.toBeUndefined();
  });
});
