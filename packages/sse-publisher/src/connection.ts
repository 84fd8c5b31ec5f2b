import type { SseEvent } from '@resumable/protocol';
import type { SseChannel } from './channel';
import { commentFrame, eventFrame, Frame, type PreparedEvent } from './frame';
import type { Transport } from './transport';

/**
 * Why a connection closed:
 * - `client-closed`: the client went away (socket closed, request aborted, reader cancelled);
 * - `closed`: the server called `close()`;
 * - `slow-consumer`: more than `maxBufferedBytes` were waiting for the client, or bytes
 *   were waiting and the client took none of them for `maxStalledHeartbeats` heartbeats;
 * - `evicted`: the server called `close('evicted')` to make room for a newer stream
 *   (e.g. a per-user stream limit); like `slow-consumer`, the backlog is dropped and
 *   the transport cut at once, since the client it was for is likely gone;
 * - `shutdown`: the publisher shut down (or refused the connection while shutting down);
 * - `error`: writing to the transport failed.
 *
 * @example
 * connection.onClose((reason: CloseReason) => reason === 'slow-consumer' && log.warn('client too slow'));
 */
export type CloseReason = 'client-closed' | 'closed' | 'slow-consumer' | 'evicted' | 'shutdown' | 'error';

/** What a connection needs from the publisher that owns it. */
export interface ConnectionHost {
  readonly maxBufferedBytes: number;
  channelFor(name: string): SseChannel;
  connectionClosed(connection: SseConnection): void;
}

/**
 * One client's SSE stream. Created by `publisher.openNode()` or `publisher.openWeb()`.
 *
 * @example
 * const connection = publisher.openNode(req, res, { channel: 'task:order-1' });
 * connection.send({ event: 'connected', data: JSON.stringify({ connectionId: connection.id }) });
 * connection.onClose((reason) => console.log(connection.id, 'closed:', reason));
 */
export class SseConnection {
  /** Random and unguessable (a UUID v4): safe to hand to the client as a handle. */
  readonly id: string;
  /**
   * The request's `Last-Event-ID` header as sent (or `null`), not interpreted: the
   * caller decides what a resume point means.
   */
  readonly lastEventId: string | null;
  readonly #host: ConnectionHost;
  readonly #transport: Transport;
  /** Usually one or two: an array is smaller than a Set, and this is per connection. */
  readonly #channels: SseChannel[] = [];
  /** True when the bound is below the transport's high-water mark, so every write must be measured. */
  readonly #measureAlways: boolean;
  #reason: CloseReason | null = null;
  /** Bytes that had left for the client at the last heartbeat, and heartbeats in a row since any left. */
  #leftAtHeartbeat = 0;
  #stalledHeartbeats = 0;
  #listeners: ((reason: CloseReason) => void)[] | undefined;
  #closed: Promise<CloseReason> | undefined;

  /** @internal Use `publisher.openNode()` or `publisher.openWeb()`. */
  constructor(host: ConnectionHost, transport: Transport, id: string, lastEventId: string | null) {
    this.#host = host;
    this.#transport = transport;
    this.id = id;
    this.lastEventId = lastEventId;
    this.#measureAlways = host.maxBufferedBytes < transport.highWaterMark;
  }

  /** True once the connection is closed, for whatever reason. */
  get isClosed(): boolean {
    return this.#reason !== null;
  }

  /** Why it closed, or `null` while open. */
  get closeReason(): CloseReason | null {
    return this.#reason;
  }

  /** Bytes written but not yet taken by the client; above `maxBufferedBytes` the connection is cut. */
  get bufferedBytes(): number {
    return this.#reason === null ? this.#transport.bufferedBytes : 0;
  }

  /** Names of the channels this connection is attached to. */
  get channels(): string[] {
    return this.#channels.map((channel) => channel.name);
  }

  /** Resolves with the close reason once the connection is closed. */
  get closed(): Promise<CloseReason> {
    if (this.#closed === undefined) {
      this.#closed =
        this.#reason !== null ? Promise.resolve(this.#reason) : new Promise((resolve) => this.onClose(resolve));
    }
    return this.#closed;
  }

  /**
   * Calls `listener` once when the connection closes (at once if it already has).
   * Returns a function that removes the listener.
   *
   * @example
   * const off = connection.onClose((reason) => metrics.increment(`sse.close.${reason}`));
   */
  onClose(listener: (reason: CloseReason) => void): () => void {
    if (this.#reason !== null) {
      listener(this.#reason);
      return () => {};
    }
    (this.#listeners ??= []).push(listener);
    return () => {
      const list = this.#listeners;
      const at = list ? list.indexOf(listener) : -1;
      if (list && at >= 0) list.splice(at, 1);
    };
  }

  /**
   * Sends one event to this client only: a plain event, or one encoded earlier with
   * `prepareEvent` / `joinEvents` (written as it is, in one write). Returns `false`
   * when the connection is closed (never throws for a gone client). A field the SSE
   * format cannot carry exactly throws `ResumableError` (`INVALID_SSE_FIELD`) before
   * anything is written.
   *
   * @example
   * connection.send({ id: 7, event: 'update', data: JSON.stringify(update) });
   * connection.send(joinEvents(missed.map(prepareEvent))); // a catch-up in one write
   */
  send(event: SseEvent | PreparedEvent): boolean {
    // A plain event is encoded here as before; a prepared one is written as it is.
    if (!(event instanceof Frame)) return this._write(eventFrame(event));
    // An empty join: nothing to write, and an empty HTTP chunk would end the response.
    if (event.byteLength === 0) return this.#reason === null;
    return this._write(event);
  }

  /**
   * Sends a comment line (clients ignore it; proxies see traffic).
   *
   * @example
   * connection.comment('still working');
   */
  comment(text = ''): boolean {
    return this._write(commentFrame(text));
  }

  /**
   * Attaches this connection to a channel, so the channel's broadcasts reach it.
   *
   * @example
   * connection.attach('paused');
   */
  attach(channel: string | SseChannel): SseChannel {
    const target = typeof channel === 'string' ? this.#host.channelFor(channel) : channel.current();
    if (this.#reason !== null) return target;
    if (!this.#channels.includes(target)) this.#channels.push(target);
    target._add(this);
    return target;
  }

  /**
   * Detaches this connection from a channel. Returns whether it was attached.
   *
   * @example
   * connection.detach('task:order-1');
   */
  detach(channel: string | SseChannel): boolean {
    const name = typeof channel === 'string' ? channel : channel.name;
    const at = this.#channels.findIndex((attached) => attached.name === name);
    if (at < 0) return false;
    const [attached] = this.#channels.splice(at, 1);
    attached?._remove(this);
    return true;
  }

  /**
   * Closes the stream: what is already buffered is still sent (except for a slow
   * consumer, whose backlog is dropped). Idempotent.
   *
   * @example
   * connection.send({ event: 'end', data: JSON.stringify({ status: 'COMPLETED', lastSequence: 12 }) });
   * connection.close();
   */
  close(reason: CloseReason = 'closed'): void {
    if (this.#reason !== null) return;
    this.#reason = reason;
    for (const channel of this.#channels.splice(0)) channel._remove(this);
    this.#host.connectionClosed(this);
    // A stream cut on the server's terms is destroyed (its backlog freed, the reader told
    // it broke). A client that left reads nothing more: its stream only ends, so hosts that
    // log every errored body (@hono/node-server) stay quiet as clients come and go.
    if (reason === 'slow-consumer' || reason === 'evicted' || reason === 'error') this.#transport.destroy();
    else this.#transport.end();
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners) for (const listener of listeners) listener(reason);
  }

  /** @internal Writes an encoded frame: the hot path of broadcast and heartbeat, once per connection per event. */
  _write(frame: Frame): boolean {
    if (this.#reason !== null) return false;
    let belowHighWater: boolean;
    try {
      belowHighWater = this.#transport.write(frame);
    } catch {
      this.close('error');
      return false;
    }
    // Below the transport's own high-water mark the backlog needs no measuring.
    if (belowHighWater && this.#measureAlways === false) return this.#reason === null;
    // The slow-consumer policy: a reader that falls this far behind is cut off and
    // resumes by sequence when it reconnects, instead of growing server memory.
    if (this.#transport.bufferedBytes > this.#host.maxBufferedBytes) {
      this.close('slow-consumer');
      return false;
    }
    return this.#reason === null;
  }

  /**
   * @internal Called on every heartbeat tick, before the heartbeat is written.
   * Closes the connection as a slow consumer when bytes were waiting at each of the
   * last `maxStalled` ticks and none of them left in between: a peer that stopped
   * reading (or vanished) without closing its socket, caught long before its
   * backlog reaches `maxBufferedBytes`.
   *
   * The limit: only bytes Node (or the stream's queue) holds are visible, not those
   * the kernel accepted. Until the kernel's send buffer is full nothing is waiting
   * here, so a stalled peer of a quiet stream (heartbeats only) is not detected this
   * way; the kernel's retransmission timeout closes it (about 15 minutes with Linux
   * defaults). And Node counts a write as gone only once all of it reached the
   * kernel, so a live client slower than about one catch-up slice (one writev) per
   * `maxStalled` heartbeats is cut too; it reconnects and resumes by Last-Event-ID.
   */
  _heartbeat(frame: Frame, maxStalled: number): void {
    if (this.#reason !== null) return;
    if (maxStalled > 0) {
      const waiting = this.#transport.bufferedBytes;
      const left = this.#transport.writtenBytes - waiting;
      if (waiting > 0 && left <= this.#leftAtHeartbeat) this.#stalledHeartbeats += 1;
      else this.#stalledHeartbeats = 0;
      this.#leftAtHeartbeat = left;
      if (this.#stalledHeartbeats >= maxStalled) {
        this.close('slow-consumer');
        return;
      }
    }
    this._write(frame);
  }

  /** @internal Resolves when the transport has fully closed. */
  _finished(): Promise<void> {
    return this.#transport.finished();
  }

  /** @internal Drops the transport at once (end of shutdown's grace period). */
  _destroy(): void {
    this.#transport.destroy();
  }
}
