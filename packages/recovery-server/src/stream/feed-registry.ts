import type { UpdateBus } from '@resumable/protocol';
import { TaskFeed, type FeedSource, type TaskFeedOptions } from './task-feed';
import type { StreamChannels } from './types';

/**
 * One `TaskFeed` per task with clients on this instance. A feed lingers for
 * `idleMs` after its last client leaves, so a quick reconnect finds its cache warm.
 */
export class FeedRegistry {
  private readonly feeds = new Map<string, TaskFeed>();
  private readonly idleTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly source: FeedSource,
    private readonly bus: UpdateBus,
    private readonly channels: StreamChannels,
    private readonly options: TaskFeedOptions & { idleMs: number },
  ) {}

  /** The feed of `taskId`, created on first use. */
  get(taskId: string): TaskFeed {
    clearTimeout(this.idleTimers.get(taskId));
    this.idleTimers.delete(taskId);
    let feed = this.feeds.get(taskId);
    if (!feed) {
      feed = new TaskFeed(taskId, this.source, this.bus, this.channels, this.options);
      this.feeds.set(taskId, feed);
    }
    return feed;
  }

  /**
   * A fresh feed for `taskId` in place of the one it has (which holds a closed run
   * while the workflow id has started another). The old one lets its clients finish.
   */
  renew(taskId: string): TaskFeed {
    const old = this.feeds.get(taskId);
    this.feeds.delete(taskId);
    if (old) void old.dispose();
    return this.get(taskId);
  }

  /** The feed of `taskId` if one exists. */
  find(taskId: string): TaskFeed | undefined {
    return this.feeds.get(taskId);
  }

  /** Called when a client leaves: schedules disposal once the feed is empty. */
  release(taskId: string): void {
    const feed = this.feeds.get(taskId);
    if (!feed || feed.clientCount > 0 || this.idleTimers.has(taskId)) return;
    const timer = setTimeout(() => {
      this.idleTimers.delete(taskId);
      if (feed.clientCount > 0) return;
      this.feeds.delete(taskId);
      void feed.dispose();
    }, this.options.idleMs);
    timer.unref?.();
    this.idleTimers.set(taskId, timer);
  }

  get size(): number {
    return this.feeds.size;
  }

  async close(): Promise<void> {
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    await Promise.all([...this.feeds.values()].map((feed) => feed.dispose()));
    this.feeds.clear();
  }
}
