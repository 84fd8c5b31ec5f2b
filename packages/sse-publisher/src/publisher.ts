import type { IncomingMessage, ServerResponse } from 'node:http';
import { ResumableError, type SseEvent } from '@resumable/protocol';
import { SseChannel, type ChannelHost } from './channel';
import { SseConnection, type ConnectionHost } from './connection';
import { commentFrame, retryFrame, type Frame, type PreparedEvent } from './frame';
import { SSE_HEADERS } from './headers';
import type { ReplayLimits } from './replay-buffer';
import { NodeTransport, NULL_TRANSPORT, WebTransport } from './transport';

/**
 * Options of `createSsePublisher()`.
 *
 * @example
 * const options: SsePublisherOptions = { heartbeatMs: 15_000, retryMs: 2_000, replay: { maxEvents: 256 } };
 */
export interface SsePublisherOptions {
  /** Interval of comment heartbeats, in milliseconds (0 turns them off). Default 15000. */
  heartbeatMs?: number;
  /**
   * Sent once as `retry:` at the start of every stream: the client's reconnection
   * delay, in milliseconds. Default 1000 (without it each browser picks its own,
   * a few seconds). `null` sends no `retry:` line, leaving the delay to the client; `0` is
   * sent as is and means "reconnect at once".
   */
  retryMs?: number | null;
  /** Bytes a connection may have waiting for its client before it is closed as a slow consumer. Default 1 MiB. */
  maxBufferedBytes?: number;
  /**
   * Heartbeats in a row at which a connection had bytes waiting and its client took
   * none of them, after which it is closed as a slow consumer (the client resumes by
   * Last-Event-ID when it comes back). Catches a peer that stopped reading without
   * closing its socket once the kernel's buffers are full, long before
   * `maxBufferedBytes` is reached. Default 4 (about a minute at the default
   * heartbeat); 0 turns the check off, as does `heartbeatMs: 0`.
   */
  maxStalledHeartbeats?: number;
  /** Per-channel replay buffer bounds. Defaults: 512 events, 1 MiB. */
  replay?: Partial<ReplayLimits>;
  /** How long a channel nobody listens to keeps its replay buffer, in milliseconds. Default 5 minutes. */
  channelIdleMs?: number;
  /** Extra headers on every stream (e.g. CORS). */
  headers?: Record<string, string>;
  /** Connection id generator. Default `crypto.randomUUID()`. */
  generateId?: () => string;
}

/**
 * Options of `openNode()` and `openWeb()`.
 *
 * @example
 * publisher.openNode(req, res, { channel: 'paused', headers: { 'Access-Control-Allow-Origin': 'https://app.example' } });
 */
export interface OpenOptions {
  /** Attach the new connection to this channel at once. */
  channel?: string;
  /** Extra response headers (e.g. CORS), on top of the publisher's. */
  headers?: Record<string, string>;
  /** Response status. Default 200 (a native `EventSource` accepts nothing else). */
  status?: number;
}

/**
 * Counters of `publisher.stats()`.
 *
 * @example
 * const { connections, bufferedBytes, closed } = publisher.stats();
 */
export interface PublisherStats {
  /** Open connections. */
  connections: number;
  /** Channels that exist. */
  channels: number;
  /** Bytes waiting for clients, summed over every connection. */
  bufferedBytes: number;
  /** Events held in replay buffers, summed over every channel. */
  replayEvents: number;
  /** Bytes of those events. */
  replayBytes: number;
  /** False once `shutdown()` was called. */
  accepting: boolean;
  /** Connections closed so far, by reason. */
  closed: Record<string, number>;
}

/**
 * Options of `shutdown()`.
 *
 * @example
 * await publisher.shutdown({ graceMs: 2_000 });
 */
export interface ShutdownOptions {
  /** How long to wait for buffered bytes to reach clients before dropping them. Default 5000 ms. */
  graceMs?: number;
}

/**
 * SSE fan-out for one server process: connections, channels, heartbeats, replay
 * and the slow-consumer policy. Create one with `createSsePublisher()`.
 *
 * @example
 * const publisher: SsePublisher = createSsePublisher();
 * const { response } = publisher.openWeb(request, { channel: 'task:order-1' });
 */
export interface SsePublisher {
  /**
   * Turns a Node request into an SSE stream, written straight to the socket.
   * While shutting down, answers 503 and returns an already-closed connection.
   */
  openNode(req: IncomingMessage, res: ServerResponse, options?: OpenOptions): SseConnection;
  /**
   * Makes a streaming `Response` for fetch runtimes (Next.js route handlers, Hono,
   * Deno, Bun). The stream closes when `request.signal` aborts or the reader cancels.
   */
  openWeb(
    request: Request,
    options?: OpenOptions,
  ): {
    /** The connection, to send on and attach to channels. */
    connection: SseConnection;
    /** The streaming response to return to the runtime. */
    response: Response;
  };
  /** The channel called `name`, created on first use. */
  channel(name: string): SseChannel;
  /** Shorthand for `channel(name).broadcast(event)` (a plain or a prepared event). */
  broadcast(channel: string, event: SseEvent | PreparedEvent): number;
  /** An open connection by id. */
  getConnection(id: string): SseConnection | undefined;
  /** The channel called `name` if it exists, without creating it. */
  findChannel(name: string): SseChannel | undefined;
  /** Counters and gauges, for metrics and health checks. */
  stats(): PublisherStats;
  /** Stops accepting, lets buffered bytes drain for up to `graceMs`, closes every connection, clears timers. */
  shutdown(options?: ShutdownOptions): Promise<void>;
  /** True once `shutdown()` was called. */
  readonly isShuttingDown: boolean;
}

const DEFAULTS = {
  heartbeatMs: 15_000,
  retryMs: 1_000,
  maxStalledHeartbeats: 4,
  maxBufferedBytes: 1024 * 1024,
  replay: { maxEvents: 512, maxBytes: 1024 * 1024 },
  channelIdleMs: 5 * 60_000,
  // Without heartbeats the maintenance sweep still runs, this often.
  sweepMs: 30_000,
};

/** Idle time before TCP keep-alive probes start on a stream's socket. */
const KEEPALIVE_DELAY_MS = 30_000;

function positiveInteger(name: string, value: number | undefined, fallback: number, allowZero = true): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ResumableError(
      'INVALID_PARAMETER',
      `${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}`,
    );
  }
  return value;
}

function shuttingDownBody(): string {
  return JSON.stringify(
    new ResumableError('SHUTTING_DOWN', 'The server is shutting down; reconnect to another instance').toBody(),
  );
}

class Publisher implements SsePublisher, ConnectionHost, ChannelHost {
  readonly maxBufferedBytes: number;
  readonly replay: ReplayLimits;
  readonly #heartbeatMs: number;
  readonly #maxStalledHeartbeats: number;
  readonly #channelIdleMs: number;
  readonly #retry: Frame | null;
  readonly #heartbeat: Frame = commentFrame('');
  readonly #headers: Record<string, string>;
  readonly #generateId: () => string;
  readonly #connections = new Map<string, SseConnection>();
  readonly #channels = new Map<string, SseChannel>();
  readonly #closedCounts: Record<string, number> = {};
  #timer: ReturnType<typeof setInterval> | undefined;
  #shutdown: Promise<void> | undefined;

  constructor(options: SsePublisherOptions) {
    this.#heartbeatMs = positiveInteger('heartbeatMs', options.heartbeatMs, DEFAULTS.heartbeatMs);
    this.maxBufferedBytes = positiveInteger(
      'maxBufferedBytes',
      options.maxBufferedBytes,
      DEFAULTS.maxBufferedBytes,
      false,
    );
    this.#maxStalledHeartbeats = positiveInteger(
      'maxStalledHeartbeats',
      options.maxStalledHeartbeats,
      DEFAULTS.maxStalledHeartbeats,
    );
    this.replay = {
      maxEvents: positiveInteger('replay.maxEvents', options.replay?.maxEvents, DEFAULTS.replay.maxEvents),
      maxBytes: positiveInteger('replay.maxBytes', options.replay?.maxBytes, DEFAULTS.replay.maxBytes),
    };
    this.#channelIdleMs = positiveInteger('channelIdleMs', options.channelIdleMs, DEFAULTS.channelIdleMs);
    // Encoded (and so validated) once, up front.
    this.#retry = options.retryMs === null ? null : retryFrame(options.retryMs ?? DEFAULTS.retryMs);
    this.#headers = { ...SSE_HEADERS, ...options.headers };
    this.#generateId = options.generateId ?? (() => globalThis.crypto.randomUUID());
  }

  get isShuttingDown(): boolean {
    return this.#shutdown !== undefined;
  }

  openNode(req: IncomingMessage, res: ServerResponse, options: OpenOptions = {}): SseConnection {
    const lastEventId = headerValue(req.headers['last-event-id']);
    if (this.#shutdown) {
      const body = shuttingDownBody();
      res.writeHead(503, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        Connection: 'close',
      });
      res.end(body);
      return this.#refused(lastEventId);
    }
    // HTTP/1.0 has no chunked encoding: its stream ends with the connection, so it
    // must not claim keep-alive; nor may a response to a client that asked to close
    // (an explicit keep-alive header makes Node keep the socket open).
    const keepAlive =
      (req.httpVersionMajor > 1 || (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1)) &&
      !/\bclose\b/i.test(headerValue(req.headers.connection) ?? '');
    res.writeHead(options.status ?? 200, {
      ...this.#headers,
      ...(keepAlive ? { Connection: 'keep-alive' } : {}),
      ...options.headers,
    });
    const socket = req.socket;
    // Small frames must leave at once (Nagle would hold them), and a quiet stream is not idle.
    socket.setNoDelay(true);
    socket.setTimeout(0);
    // Lets the kernel find a peer that vanished (host gone, no FIN or RST) while
    // nothing is in flight: heartbeats off, or an interval longer than this delay.
    // With bytes unacknowledged, TCP's retransmission timeout decides instead.
    socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
    const transport = new NodeTransport(res);
    const connection = new SseConnection(this, transport, this.#generateId(), lastEventId);
    transport.owner = connection;
    this.#register(connection);
    // The headers must reach the client now: EventSource fires `open` on them.
    res.flushHeaders();
    transport.useSocketWhenSafe();
    if (this.#retry) connection._write(this.#retry);
    if (transport.gone || socket.destroyed) connection.close('client-closed');
    else if (options.channel !== undefined) connection.attach(options.channel);
    return connection;
  }

  openWeb(request: Request, options: OpenOptions = {}): { connection: SseConnection; response: Response } {
    const lastEventId = request.headers.get('last-event-id');
    if (this.#shutdown) {
      const response = new Response(shuttingDownBody(), {
        status: 503,
        headers: { 'Content-Type': 'application/json' },
      });
      return { connection: this.#refused(lastEventId), response };
    }
    const highWaterMark = this.maxBufferedBytes;
    let transport: WebTransport | undefined;
    const signal = request.signal;
    // The stream's callbacks run once `connection` below exists (start runs now, but only sets the transport).
    const onAbort = () => connection.close('client-closed');
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          transport = new WebTransport(controller, highWaterMark);
        },
        cancel: () => {
          transport?.cancelled();
          connection.close('client-closed');
        },
      },
      // The queue counts bytes, so `desiredSize` tells how far behind the reader is.
      { highWaterMark, size: (chunk) => chunk.byteLength },
    );
    const connection = new SseConnection(this, transport as WebTransport, this.#generateId(), lastEventId);
    this.#register(connection);
    if (signal.aborted) {
      connection.close('client-closed');
    } else {
      signal.addEventListener('abort', onAbort, { once: true });
      connection.onClose(() => signal.removeEventListener('abort', onAbort));
      if (this.#retry) connection._write(this.#retry);
      if (options.channel !== undefined) connection.attach(options.channel);
    }
    const response = new Response(stream, {
      status: options.status ?? 200,
      headers: { ...this.#headers, ...options.headers },
    });
    return { connection, response };
  }

  channel(name: string): SseChannel {
    return this.channelFor(name);
  }

  findChannel(name: string): SseChannel | undefined {
    return this.#channels.get(name);
  }

  broadcast(channel: string, event: SseEvent | PreparedEvent): number {
    return this.channelFor(channel).broadcast(event);
  }

  getConnection(id: string): SseConnection | undefined {
    return this.#connections.get(id);
  }

  stats(): PublisherStats {
    let bufferedBytes = 0;
    for (const connection of this.#connections.values()) bufferedBytes += connection.bufferedBytes;
    let replayEvents = 0;
    let replayBytes = 0;
    for (const channel of this.#channels.values()) {
      const { events, bytes } = channel.replayStats;
      replayEvents += events;
      replayBytes += bytes;
    }
    return {
      connections: this.#connections.size,
      channels: this.#channels.size,
      bufferedBytes,
      replayEvents,
      replayBytes,
      accepting: this.#shutdown === undefined,
      closed: { ...this.#closedCounts },
    };
  }

  shutdown(options: ShutdownOptions = {}): Promise<void> {
    this.#shutdown ??= this.#drain(positiveInteger('graceMs', options.graceMs, 5000));
    return this.#shutdown;
  }

  async #drain(graceMs: number): Promise<void> {
    const open = [...this.#connections.values()];
    for (const connection of open) connection.close('shutdown');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all(open.map((connection) => connection._finished())), grace]);
    clearTimeout(timer);
    // Whoever has not taken its last bytes by now is dropped.
    for (const connection of open) connection._destroy();
    this.#stopTimer();
    for (const channel of this.#channels.values()) channel._retire();
    this.#channels.clear();
  }

  // ConnectionHost and ChannelHost

  channelFor(name: string): SseChannel {
    let channel = this.#channels.get(name);
    if (channel === undefined) {
      if (typeof name !== 'string' || name === '')
        throw new ResumableError('INVALID_PARAMETER', 'A channel name must be a non-empty string');
      channel = new SseChannel(this, name);
      this.#channels.set(name, channel);
      this.#startTimer();
    }
    return channel;
  }

  connectionClosed(connection: SseConnection): void {
    if (this.#connections.get(connection.id) === connection) this.#connections.delete(connection.id);
    const reason = connection.closeReason ?? 'closed';
    this.#closedCounts[reason] = (this.#closedCounts[reason] ?? 0) + 1;
    this.#stopTimerIfIdle();
  }

  channelEmptied(channel: SseChannel): void {
    // A channel with nothing to replay costs nothing to recreate: drop it now.
    if (channel._collectable(Date.now(), this.#channelIdleMs) && channel.replayStats.events === 0)
      this.#collect(channel);
  }

  #collect(channel: SseChannel): void {
    if (this.#channels.get(channel.name) === channel) this.#channels.delete(channel.name);
    channel._retire();
    this.#stopTimerIfIdle();
  }

  #register(connection: SseConnection): void {
    this.#connections.set(connection.id, connection);
    this.#startTimer();
  }

  #refused(lastEventId: string | null): SseConnection {
    const connection = new SseConnection(this, NULL_TRANSPORT, this.#generateId(), lastEventId);
    connection.close('shutdown');
    return connection;
  }

  // One timer for every connection: heartbeats and the idle-channel sweep.
  #startTimer(): void {
    if (this.#timer !== undefined || this.#shutdown) return;
    const interval = this.#heartbeatMs > 0 ? this.#heartbeatMs : DEFAULTS.sweepMs;
    this.#timer = setInterval(() => this.#tick(), interval);
    // Heartbeats alone must not keep a process alive.
    this.#timer.unref?.();
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #stopTimerIfIdle(): void {
    if (this.#connections.size === 0 && this.#channels.size === 0) this.#stopTimer();
  }

  #tick(): void {
    if (this.#heartbeatMs > 0) {
      const frame = this.#heartbeat;
      const maxStalled = this.#maxStalledHeartbeats;
      // A connection closed as stalled leaves the map during the loop: Map iteration allows that.
      for (const connection of this.#connections.values()) connection._heartbeat(frame, maxStalled);
    }
    const now = Date.now();
    for (const channel of this.#channels.values()) {
      if (channel._collectable(now, this.#channelIdleMs)) this.#collect(channel);
    }
  }
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

/**
 * Creates the SSE publisher of one server process.
 *
 * @example
 * import { createServer } from 'node:http';
 * import { createSsePublisher } from '@resumable/sse-publisher';
 *
 * const publisher = createSsePublisher({ heartbeatMs: 15_000, retryMs: 2_000 });
 * createServer((req, res) => {
 *   const connection = publisher.openNode(req, res, { channel: 'news' });
 *   connection.send({ event: 'connected', data: JSON.stringify({ connectionId: connection.id }) });
 * }).listen(3000);
 * publisher.channel('news').broadcast({ id: 1, event: 'update', data: '{"text":"hello"}' });
 */
export function createSsePublisher(options: SsePublisherOptions = {}): SsePublisher {
  return new Publisher(options);
}
