import type { SseEvent } from '@resumable/protocol';
import type { SseConnection } from './connection';
import { eventFrame, Frame, type PreparedEvent } from './frame';
import { ReplayBuffer, type ReplayLimits } from './replay-buffer';

/** What a channel needs from the publisher that owns it. */
export interface ChannelHost {
  readonly replay: ReplayLimits;
  /** The live channel of that name (creating it when it was collected). */
  channelFor(name: string): SseChannel;
  /** Called when the channel loses its last connection. */
  channelEmptied(channel: SseChannel): void;
}

/**
 * A named group of connections that receive the same events (one per task, one
 * for the paused list), with a replay buffer of its recent events.
 *
 * @example
 * const channel = publisher.channel('task:order-1');
 * channel.broadcast({ id: 3, event: 'update', data: JSON.stringify(update) });
 * channel.replaySince('1'); // events 2 and 3, or null if the buffer no longer reaches back
 */
export class SseChannel {
  /** The channel's name, e.g. `task:order-1`. */
  readonly name: string;
  readonly #host: ChannelHost;
  readonly #connections = new Set<SseConnection>();
  readonly #replay: ReplayBuffer;
  #lastActive = Date.now();
  #retired = false;

  /** @internal Use `publisher.channel(name)`. */
  constructor(host: ChannelHost, name: string) {
    this.#host = host;
    this.name = name;
    this.#replay = new ReplayBuffer(host.replay);
  }

  /** Number of attached connections. */
  get size(): number {
    return this.current().#connections.size;
  }

  /** Id of the newest event broadcast with an id (kept even after it leaves the replay buffer). */
  get lastEventId(): string | null {
    return this.current().#replay.lastId;
  }

  /** Events and bytes held for replay. */
  get replayStats(): {
    /** Events held. */
    events: number;
    /** Their encoded size, bytes. */
    bytes: number;
  } {
    const live = this.current();
    return { events: live.#replay.size, bytes: live.#replay.bytes };
  }

  /**
   * Sends `event` to every attached connection and, when it has an `id`, keeps it
   * for replay. Returns how many connections it was delivered to. An invalid field
   * throws `ResumableError` (`INVALID_SSE_FIELD`) before anything is sent. A prepared
   * event (`prepareEvent`) goes out as encoded and is kept for replay like the plain
   * one; a joined one (`joinEvents`) goes out in one write per connection, and each
   * of its events that has an id is kept for replay, in order. An empty join sends
   * nothing and returns 0.
   *
   * @example
   * const delivered = channel.broadcast({ id: update.sequence, event: 'update', data: JSON.stringify(update) });
   * channel.broadcast(prepareEvent({ id: 4, event: 'update', data: json })); // encoded once, e.g. for a cache too
   */
  broadcast(event: SseEvent | PreparedEvent): number {
    if (this.#retired) return this.current().broadcast(event);
    const frame = event instanceof Frame ? event : eventFrame(event);
    const { events } = frame;
    if (events.length === 1) {
      // One event, plain or prepared: kept for replay as it always was.
      const only = events[0] as SseEvent;
      if (only.id !== undefined) this.#replay.push(only, String(only.id), frame.byteLength);
    } else {
      // An empty join: nothing to send (an empty HTTP chunk would end the responses).
      if (frame.byteLength === 0) return 0;
      // A joined frame's events share its bytes: each is counted at its share, so the
      // replay budget still sees about what they weigh without encoding them again.
      const share = Math.ceil(frame.byteLength / events.length);
      for (const carried of events) {
        if (carried.id !== undefined) this.#replay.push(carried, String(carried.id), share);
      }
    }
    this.#lastActive = Date.now();
    return this._deliver(frame);
  }

  /**
   * The buffered events after the one with id `id`, oldest first, or `null` when
   * the buffer no longer reaches back that far (read the durable log instead).
   * Integer ids are compared as numbers.
   *
   * @example
   * const missed = channel.replaySince(connection.lastEventId ?? '0');
   * if (missed) for (const event of missed) connection.send(event);
   */
  replaySince(id: string | number): SseEvent[] | null {
    return this.current().#replay.since(String(id));
  }

  /** The connections attached now. */
  connections(): SseConnection[] {
    return [...this.current().#connections];
  }

  /** @internal This channel, or the one that replaced it after it was collected. */
  current(): SseChannel {
    return this.#retired ? this.#host.channelFor(this.name) : this;
  }

  /** @internal */
  _deliver(frame: Frame): number {
    let delivered = 0;
    // A connection closing mid-loop (slow consumer) removes itself; Set iteration allows that.
    for (const connection of this.#connections) if (connection._write(frame)) delivered += 1;
    return delivered;
  }

  /** @internal */
  _add(connection: SseConnection): void {
    this.#connections.add(connection);
    this.#lastActive = Date.now();
  }

  /** @internal */
  _remove(connection: SseConnection): void {
    if (this.#connections.delete(connection) && this.#connections.size === 0) {
      this.#lastActive = Date.now();
      this.#host.channelEmptied(this);
    }
  }

  /** @internal True when nobody listens and there is nothing worth keeping for replay. */
  _collectable(now: number, idleMs: number): boolean {
    if (this.#connections.size > 0) return false;
    return this.#replay.size === 0 || now - this.#lastActive >= idleMs;
  }

  /** @internal */
  _retire(): void {
    this.#retired = true;
    this.#replay.clear();
  }
}
