import { taskTopic, type BusMessage, ResumableError } from '@resumable/protocol';
import { describe, expect, it } from 'vitest';
import { createInMemoryBus } from './in-memory';

const message = (taskId: string, sequence: number): BusMessage => ({
  kind: 'update',
  taskId,
  update: { id: `${taskId}:${sequence}`, timestamp: sequence, sequence, type: 'step', data: { n: sequence } },
});

describe('createInMemoryBus', () => {
  it('delivers to the subscribers of the message topic only, in order', async () => {
    const bus = createInMemoryBus();
    const a: number[] = [];
    const b: number[] = [];
    await bus.subscribe(taskTopic('a'), (m) => a.push(m.kind === 'update' ? m.update.sequence : -1));
    await bus.subscribe(taskTopic('b'), (m) => b.push(m.kind === 'update' ? m.update.sequence : -1));
    for (let i = 1; i <= 3; i += 1) await bus.publish(message('a', i));
    await bus.publish(message('b', 9));
    expect(a).toEqual([1, 2, 3]);
    expect(b).toEqual([9]);
  });

  it('stops delivering after unsubscribe', async () => {
    const bus = createInMemoryBus();
    const seen: BusMessage[] = [];
    const stop = await bus.subscribe(taskTopic('a'), (m) => seen.push(m));
    await bus.publish(message('a', 1));
    await stop();
    await bus.publish(message('a', 2));
    expect(seen).toHaveLength(1);
  });

  it('a throwing handler neither fails the publisher nor starves the others', async () => {
    const errors: unknown[] = [];
    const bus = createInMemoryBus({ onError: (error) => errors.push(error) });
    const seen: BusMessage[] = [];
    await bus.subscribe(taskTopic('a'), () => {
      throw new Error('boom');
    });
    await bus.subscribe(taskTopic('a'), (m) => seen.push(m));
    await expect(bus.publish(message('a', 1))).resolves.toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });

  it('never lets anyone alter a delivered message', async () => {
    const bus = createInMemoryBus();
    const seen: BusMessage[] = [];
    await bus.subscribe(taskTopic('a'), (m) => {
      if (m.kind === 'update') (m.update.data as { n: number }).n = 999;
    });
    await bus.subscribe(taskTopic('a'), (m) => seen.push(m));
    const original = message('a', 1);
    await bus.publish(original);
    if (original.kind === 'update') (original.update.data as { n: number }).n = -1;
    expect(seen[0]).toEqual(message('a', 1));
  });

  it('refuses publish and subscribe after close', async () => {
    const bus = createInMemoryBus();
    await bus.close();
    await expect(bus.publish(message('a', 1))).rejects.toSatisfy(
      (e) => ResumableError.is(e) && e.code === 'SHUTTING_DOWN',
    );
    await expect(bus.subscribe(taskTopic('a'), () => {})).rejects.toSatisfy((e) => ResumableError.is(e));
  });
});
