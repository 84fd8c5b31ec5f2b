import {
  ResumableError,
  reportError,
  topicOf,
  type BusHandler,
  type BusTopic,
  type ErrorHandler,
  type Unsubscribe,
  type UpdateBus,
} from '@resumable/protocol';

/**
 * Options of `createInMemoryBus()`.
 *
 * @example
 * createInMemoryBus({ onError: (error, { taskId }) => console.error(`bus handler for ${taskId} failed`, error) });
 */
export interface InMemoryBusOptions {
  /** Called when a handler throws (context: the message and its task); the other handlers still get the message. Default: silent. */
  onError?: ErrorHandler;
}

function closedError(): ResumableError {
  return new ResumableError('SHUTTING_DOWN', 'The bus is closed');
}

/**
 * A bus inside one process: a worker and a server sharing a process, or tests.
 * Each handler gets its own copy (`structuredClone`), so neither the publisher nor
 * another handler can alter what it receives.
 *
 * @example
 * const bus = createInMemoryBus();
 * await bus.subscribe(taskTopic('order-1'), (message) => console.log(message));
 * await bus.publish({ kind: 'update', taskId: 'order-1', update });
 */
export function createInMemoryBus(options: InMemoryBusOptions = {}): UpdateBus {
  const topics = new Map<BusTopic, Set<BusHandler>>();
  let closed = false;

  return {
    async publish(message) {
      if (closed) throw closedError();
      const handlers = topics.get(topicOf(message));
      if (handlers === undefined || handlers.size === 0) return;
      for (const handler of [...handlers]) {
        try {
          handler(structuredClone(message));
        } catch (error) {
          if (options.onError)
            reportError(options.onError, error, { source: 'in-memory-bus', taskId: message.taskId, message });
        }
      }
    },
    async subscribe(topic, handler): Promise<Unsubscribe> {
      if (closed) throw closedError();
      // Each subscription is its own entry, so subscribing one function twice delivers twice and unsubscribes once each.
      const entry: BusHandler = (message) => handler(message);
      let handlers = topics.get(topic);
      if (handlers === undefined) topics.set(topic, (handlers = new Set()));
      handlers.add(entry);
      return async () => {
        const current = topics.get(topic);
        if (current === undefined) return;
        current.delete(entry);
        if (current.size === 0) topics.delete(topic);
      };
    },
    async close() {
      closed = true;
      topics.clear();
    },
  };
}
