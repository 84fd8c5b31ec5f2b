import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Frame } from './frame';

/**
 * Where a connection's bytes go. Two implementations: a Node `ServerResponse`
 * (written straight to the socket) and a Web `ReadableStream` controller.
 */
export interface Transport {
  /**
   * Queues bytes. Returns `true` while the backlog is below `highWaterMark` (then
   * it is certainly below any larger bound and need not be measured).
   */
  write(frame: Frame): boolean;
  /** Backlog below which `write` returns `true`. */
  readonly highWaterMark: number;
  /** Bytes accepted but not yet handed to the network (or to the stream's reader). */
  readonly bufferedBytes: number;
  /**
   * Bytes accepted so far, counted as `bufferedBytes` counts them (so with HTTP
   * chunk framing on Node): `writtenBytes - bufferedBytes` is what has left.
   */
  readonly writtenBytes: number;
  /** Ends the stream after what is buffered has been sent. */
  end(): void;
  /** Drops the stream and whatever is buffered at once. */
  destroy(): void;
  /** Resolves when the transport is fully closed (for shutdown's grace period). */
  finished(): Promise<void>;
}

function ignore(): void {}

const TRANSPORT = Symbol('resumable.sse.transport');
type TaggedResponse = ServerResponse & { [TRANSPORT]?: NodeTransport };

// One listener function shared by every response (no closure per connection):
// it finds its transport through a symbol on the response.
function onResponseClose(this: TaggedResponse): void {
  this[TRANSPORT]?._closed();
}

// Sockets corked during this tick, uncorked together on the next: everything
// written to a connection in one tick leaves in one writev() system call
// (Node's res.write() does the same, with one nextTick callback per socket).
const corked: Socket[] = [];
let uncorkScheduled = false;

function uncorkAll(): void {
  uncorkScheduled = false;
  for (let i = 0; i < corked.length; i += 1) (corked[i] as Socket).uncork();
  corked.length = 0;
}

/** A `ServerResponse` already carrying SSE headers. */
export class NodeTransport implements Transport {
  readonly #res: TaggedResponse;
  /** Set once the headers are on the socket and the body is chunked: then frames go straight to the socket. */
  #socket: Socket | null = null;
  /** Closed with `client-closed` when the client goes away (a field, not a closure: this is per connection). */
  owner: { close(reason: 'client-closed'): void } | undefined;
  #gone = false;
  #written = 0;
  #waiters: (() => void)[] | undefined;

  constructor(res: ServerResponse) {
    this.#res = res as TaggedResponse;
    this.#res[TRANSPORT] = this;
    // Socket errors are reported through 'close'; without a listener an 'error' would crash the process.
    res.on('error', ignore);
    res.on('close', onResponseClose);
  }

  /**
   * Call after the headers were flushed. Takes the fast path only when it is
   * exactly what `res.write()` would send: a chunked body (so not HEAD, not
   * 204/304, not an HTTP/1.0 client) whose headers already reached this socket
   * (so not a response queued behind a pipelined one).
   */
  useSocketWhenSafe(): void {
    const res = this.#res;
    const socket = res.socket;
    const headersOnSocket = socket !== null && res.headersSent && res.writableLength === socket.writableLength;
    if (res.chunkedEncoding === true && headersOnSocket && socket.writable) this.#socket = socket as Socket;
  }

  /** @internal */
  _closed(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#res[TRANSPORT] = undefined;
    this.#socket = null;
    this.owner?.close('client-closed');
    if (this.#waiters) for (const resolve of this.#waiters) resolve();
    this.#waiters = undefined;
  }

  get gone(): boolean {
    return this.#gone || this.#res.destroyed;
  }

  write(frame: Frame): boolean {
    const socket = this.#socket;
    if (socket === null) {
      const length = frame.byteLength;
      // res.write() frames a chunked body itself: `<hex length>CRLF<bytes>CRLF`.
      this.#written += this.#res.chunkedEncoding === true ? length + length.toString(16).length + 4 : length;
      return this.#res.write(frame.bytes);
    }
    if (socket.destroyed) {
      // Gone, and 'close' is on its way: report it now rather than count a dead backlog.
      this._closed();
      return true;
    }
    if (socket.writableCorked === 0) {
      socket.cork();
      corked.push(socket);
      if (!uncorkScheduled) {
        uncorkScheduled = true;
        process.nextTick(uncorkAll);
      }
    }
    const chunk = frame.chunk;
    this.#written += chunk.byteLength;
    return socket.write(chunk);
  }

  get highWaterMark(): number {
    return this.#res.writableHighWaterMark;
  }

  get bufferedBytes(): number {
    // OutgoingMessage.writableLength counts its own queue plus the socket's.
    return this.#gone ? 0 : this.#res.writableLength;
  }

  get writtenBytes(): number {
    return this.#written;
  }

  end(): void {
    // res.end() writes the closing zero-length chunk after whatever the socket still holds.
    if (!this.#res.writableEnded) this.#res.end();
  }

  destroy(): void {
    this.#res.destroy();
  }

  finished(): Promise<void> {
    if (this.gone) return Promise.resolve();
    return new Promise((resolve) => {
      (this.#waiters ??= []).push(resolve);
    });
  }
}

/** The controller of a `ReadableStream` body with a byte-counting queue of `highWaterMark` bytes. */
export class WebTransport implements Transport {
  readonly #controller: ReadableStreamDefaultController<Uint8Array>;
  readonly #highWaterMark: number;
  #done = false;
  #written = 0;

  constructor(controller: ReadableStreamDefaultController<Uint8Array>, highWaterMark: number) {
    this.#controller = controller;
    this.#highWaterMark = highWaterMark;
  }

  write(frame: Frame): boolean {
    const bytes = frame.bytes;
    this.#written += bytes.byteLength;
    this.#controller.enqueue(bytes);
    return (this.#controller.desiredSize ?? 0) > 0;
  }

  get highWaterMark(): number {
    return this.#highWaterMark;
  }

  get bufferedBytes(): number {
    if (this.#done) return 0;
    const desired = this.#controller.desiredSize;
    return desired === null ? 0 : Math.max(0, this.#highWaterMark - desired);
  }

  get writtenBytes(): number {
    return this.#written;
  }

  end(): void {
    if (this.#done) return;
    this.#done = true;
    try {
      this.#controller.close();
    } catch {
      // Already cancelled by the reader.
    }
  }

  destroy(): void {
    if (this.#done) return;
    this.#done = true;
    try {
      // Erroring the stream discards its queue, so a slow reader's backlog is freed at once.
      this.#controller.error(new Error('SSE stream closed by the server'));
    } catch {
      // Already cancelled by the reader.
    }
  }

  /** Marks the stream as cancelled by its reader. */
  cancelled(): void {
    this.#done = true;
  }

  finished(): Promise<void> {
    return Promise.resolve();
  }
}

/** The transport of a connection that was refused (shutdown): accepts nothing. */
export const NULL_TRANSPORT: Transport = {
  write: () => true,
  highWaterMark: 0,
  bufferedBytes: 0,
  writtenBytes: 0,
  end: ignore,
  destroy: ignore,
  finished: () => Promise.resolve(),
};
