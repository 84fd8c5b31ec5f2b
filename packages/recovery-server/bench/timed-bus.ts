import type { UpdateBus } from '@resumable/protocol';

/** An `UpdateBus` that notes when each task update was first handed to it. */
export interface TimedBus extends UpdateBus {
  /** Publish time (`performance.timeOrigin + performance.now()`) per sequence of `taskId`; index = sequence. */
  publishTimes(taskId: string): (number | null)[];
  /** How many update messages were published for `taskId` (duplicates included). */
  published(taskId: string): number;
}

/**
 * Wraps a bus (here the in-memory one the worker's sinks and the server share) and
 * stamps every update as `publish` is called, before the bus hands it on: the
 * moment the live path starts.
 */
export function timedBus(inner: UpdateBus): TimedBus {
  const stamps = new Map<string, { times: (number | null)[]; count: number }>();
  return {
    publish(message) {
      if (message.kind === 'update') {
        const at = performance.timeOrigin + performance.now();
        let entry = stamps.get(message.taskId);
        if (!entry) stamps.set(message.taskId, (entry = { times: [], count: 0 }));
        entry.count++;
        const sequence = message.update.sequence;
        while (entry.times.length <= sequence) entry.times.push(null);
        // A retried workflow task may publish again: the first hand-off is what counts.
        entry.times[sequence] ??= at;
      }
      return inner.publish(message);
    },
    subscribe: (topic, handler) => inner.subscribe(topic, handler),
    close: () => inner.close(),
    publishTimes: (taskId) => stamps.get(taskId)?.times ?? [],
    published: (taskId) => stamps.get(taskId)?.count ?? 0,
  };
}
