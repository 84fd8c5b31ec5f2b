import { encodeSseComment, encodeSseEvent, encodeSseRetry, type SseEvent } from '@resumable/protocol';

const utf8 = new TextEncoder();
// In Node, a Buffer goes to the socket as is; a plain Uint8Array would be wrapped
// in a new Buffer on every write, i.e. once per connection per event.
const NodeBuffer = (
  globalThis as { Buffer?: { from(text: string, encoding: 'utf8'): Uint8Array; allocUnsafe(size: number): Uint8Array } }
).Buffer;

/**
 * One encoded piece of an SSE stream. A broadcast encodes its event once and hands
 * the same bytes to every connection, so fan-out costs one encode, not one per client.
 */
export class Frame {
  readonly text: string;
  #bytes: Uint8Array | undefined;
  #chunk: Uint8Array | undefined;

  constructor(text: string) {
    this.text = text;
  }

  /** UTF-8 bytes, encoded on first use and shared by every writer. */
  get bytes(): Uint8Array {
    if (this.#bytes === undefined)
      this.#bytes = NodeBuffer ? NodeBuffer.from(this.text, 'utf8') : utf8.encode(this.text);
    return this.#bytes;
  }

  get byteLength(): number {
    return this.bytes.byteLength;
  }

  /**
   * The frame as one complete HTTP/1.1 chunk (`<hex length>CRLF<bytes>CRLF`,
   * RFC 9112 §7.1). The framing depends only on the length, so every chunked
   * response can share it: one socket write per connection per event, where
   * `res.write()` makes four.
   */
  get chunk(): Uint8Array {
    if (this.#chunk === undefined) {
      const bytes = this.bytes;
      const head = utf8.encode(`${bytes.byteLength.toString(16)}\r\n`);
      const chunk = NodeBuffer
        ? NodeBuffer.allocUnsafe(head.byteLength + bytes.byteLength + 2)
        : new Uint8Array(head.byteLength + bytes.byteLength + 2);
      chunk.set(head, 0);
      chunk.set(bytes, head.byteLength);
      chunk[chunk.byteLength - 2] = 13;
      chunk[chunk.byteLength - 1] = 10;
      this.#chunk = chunk;
    }
    return this.#chunk;
  }
}

/** Encodes an event through the protocol encoder; throws `INVALID_SSE_FIELD` before anything is written. */
export function eventFrame(event: SseEvent): Frame {
  return new Frame(encodeSseEvent(event));
}

export function commentFrame(text: string): Frame {
  return new Frame(encodeSseComment(text));
}

export function retryFrame(milliseconds: number): Frame {
  return new Frame(encodeSseRetry(milliseconds));
}
