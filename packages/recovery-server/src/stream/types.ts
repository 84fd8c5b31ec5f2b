import type { SseEvent } from '@resumable/protocol';
import type { PreparedEvent } from '@resumable/sse-publisher';

/** The part of an SSE connection a feed drives. */
export interface StreamConnection {
  readonly id: string;
  readonly isClosed: boolean;
  /** Bytes written but not yet taken by the client (flow control for long catch-ups). */
  readonly bufferedBytes?: number;
  /** A prepared event goes out as encoded (once, for many clients); a joined one in one write. */
  send(event: SseEvent | PreparedEvent): boolean;
  attach(channel: string): void;
  detach(channel: string): void;
  close(reason?: 'closed' | 'error'): void;
}

/** The part of the publisher a feed broadcasts through (one encode, many sockets). */
export interface StreamChannels {
  channel(name: string): { broadcast(event: SseEvent | PreparedEvent): number };
}

/** A connection as the publisher hands it out: a stream connection with a close hook. */
export interface PublisherConnection extends StreamConnection {
  onClose(listener: (reason: string) => void): () => void;
  /** `evicted`: cut at once to make room for a newer stream of the same token. */
  close(reason?: 'closed' | 'error' | 'evicted'): void;
}
