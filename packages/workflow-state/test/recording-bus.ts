import {
  topicOf,
  type BusHandler,
  type BusMessage,
  type BusTopic,
  type Unsubscribe,
  type UpdateBus,
} from '@resumable/protocol';

/**
 * An in-memory `UpdateBus` (our own interface) that records every message it is
 * given, with the time it arrived, so tests can check what the real sink delivered.
 */
export class RecordingBus implements UpdateBus {
  readonly messages: { message: BusMessage; receivedAt: number }[] = [];
  private readonly handlers = new Set<{ topic: BusTopic; handler: BusHandler }>();
  private closed = false;

  async publish(message: BusMessage): Promise<void> {
    if (this.closed) throw new Error('bus closed');
    // A bus hands over a copy: nothing the sender does later may change it.
    const copy = structuredClone(message);
    this.messages.push({ message: copy, receivedAt: Date.now() });
    for (const entry of this.handlers) if (entry.topic === topicOf(copy)) entry.handler(copy);
  }

  async subscribe(topic: BusTopic, handler: BusHandler): Promise<Unsubscribe> {
    const entry = { topic, handler };
    this.handlers.add(entry);
    return async () => {
      this.handlers.delete(entry);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }

  /** Update sequences of one task that reached the bus (with duplicates, in arrival order). */
  sequencesOf(taskId: string): number[] {
    return this.messages
      .map(({ message }) => message)
      .filter((message) => message.kind === 'update' && message.taskId === taskId)
      .map((message) => (message.kind === 'update' ? message.update.sequence : -1));
  }

  /** Pause messages of one task, in arrival order. */
  pauseEventsOf(taskId: string): string[] {
    return this.messages
      .map(({ message }) => message)
      .filter((message) => message.kind === 'pause' && message.taskId === taskId)
      .map((message) => (message.kind === 'pause' ? message.event : ''));
  }
}
