import type { PauseMessage } from '@resumable/protocol';

/** Tasks remembered; beyond it the longest-quiet ones are forgotten (their next message is applied). */
const MAX_TASKS = 10_000;

/**
 * Tells which pause messages to apply, once each and in order, although the bus may
 * duplicate and reorder them: per task, a message is applied when it comes after the
 * last one applied. "After" compares the log's clock first, then the sequence, because
 * a new run of a reused workflow id starts its sequences at 1 again, later in time.
 * Messages without a timestamp (older workers) compare by sequence alone.
 */
export class PauseOrder {
  private readonly last = new Map<string, { timestamp: number; sequence: number }>();

  /** True when `message` is new: it should be applied (and is now the last one). */
  admit(message: Pick<PauseMessage, 'taskId' | 'sequence' | 'timestamp'>): boolean {
    const previous = this.last.get(message.taskId);
    const timestamp = message.timestamp ?? previous?.timestamp ?? 0;
    if (previous) {
      const later =
        timestamp > previous.timestamp || (timestamp === previous.timestamp && message.sequence > previous.sequence);
      if (!later) return false;
      this.last.delete(message.taskId);
    }
    this.last.set(message.taskId, { timestamp, sequence: message.sequence });
    if (this.last.size > MAX_TASKS) this.last.delete(this.last.keys().next().value as string);
    return true;
  }
}
