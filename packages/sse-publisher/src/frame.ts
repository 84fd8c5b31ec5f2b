import { encodeSseComment, encodeSseEvent, encodeSseRetry, ResumableError, type SseEvent } from '@resumable/protocol';

const utf8 = new TextEncoder();
// In Node, a Buffer goes to the socket as is; a plain Uint8Array would be wrapped
// in a new Buffer on every write, i.e. once per connection per event.
const NodeBuffer = (
  globalThis as { Buffer?: { from(text: string, encoding: 'utf8'): Uint8Array; allocUnsafe(size: number): Uint8Array } }
).Buffer;
/** Comments and retries carry no event; one shared list, not one per heartbeat. */
const NO_EVENTS: readonly SseEvent[] = Object.freeze([]);

/**
 * One encoded piece of an SSE stream. A broadcast encodes its event once and hands
 * the same bytes to every connection, so fan-out costs one encode, not one per client.
 * Public as `PreparedEvent` (see `prepareEvent`, `joinEvents`).
 */
export class Frame {
  #text: string | undefined;
  #bytes: Uint8Array | undefined;
  #chunk: Uint8Array | undefined;
  /** The events it carries, in order: one for an event, several once joined, none for a comment. */
  readonly events: readonly SseEvent[];

  /**
   * @internal Use `prepareEvent` or `joinEvents`. Built from text (one event, a comment)
   * it encodes on first use; built from bytes (a join) it is encoded already.
   */
  constructor(text: string | undefined, events: readonly SseEvent[] = NO_EVENTS, bytes?: Uint8Array) {
    this.#text = text;
    this.#bytes = bytes;
    this.events = events;
  }

  /** UTF-8 bytes, encoded on first use and shared by every writer. */
  get bytes(): Uint8Array {
    if (this.#bytes === undefined) {
      const text = this.#text ?? '';
      this.#bytes = NodeBuffer ? NodeBuffer.from(text, 'utf8') : utf8.encode(text);
      // A prepared event may be kept (a history cache): hold its bytes, not the text too.
      this.#text = undefined;
    }
    return this.#bytes;
  }

  /** Size of the encoded event(s) in bytes (0 for an empty join). */
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
  return new Frame(encodeSseEvent(event), [event]);
}

/**
 * An SSE event encoded once, to send to many connections (`connection.send`,
 * `channel.broadcast`) without encoding it again for each: made by `prepareEvent`,
 * or many of them as one write by `joinEvents`. Read-only: `byteLength` (encoded
 * size) and `events` (the source events it carries, in order; the same objects, not
 * copies), so a test double can see what was sent. `send` and `broadcast` tell it
 * from a plain event by its class, so a plain object is never taken for one.
 *
 * @example
 * const prepared: PreparedEvent = prepareEvent({ id: 7, event: 'update', data: json });
 * prepared.byteLength; // encoded size in bytes
 */
export type PreparedEvent = Frame;

/**
 * Encodes an event once. Send the result to as many connections as you like: they
 * all get the same bytes. Throws `ResumableError` (`INVALID_SSE_FIELD`) for a field
 * SSE cannot carry, as `send` does.
 *
 * @example
 * const prepared = prepareEvent({ id: update.sequence, event: 'update', data: JSON.stringify(update) });
 * for (const connection of catchingUp) connection.send(prepared);
 */
export function prepareEvent(event: SseEvent): PreparedEvent {
  return eventFrame(event);
}

/**
 * Many prepared events as one: their bytes joined once, so a catch-up of hundreds
 * of events is one socket write (one HTTP chunk) instead of hundreds. Its `events`
 * are theirs, flattened, in order. Joining one event returns it; joining none gives
 * an empty event that sends nothing (`send` returns `true`, `broadcast` 0).
 * `channel.broadcast` of a joined event keeps each of its events that has an `id`
 * for replay, in order. Anything but a prepared event throws `ResumableError`
 * (`INVALID_PARAMETER`).
 *
 * @example
 * connection.send(joinEvents(history.map(prepareEvent)));
 */
export function joinEvents(events: readonly PreparedEvent[]): PreparedEvent {
  if (events.length === 1 && events[0] instanceof Frame) return events[0];
  let length = 0;
  for (const event of events) {
    if (!(event instanceof Frame)) {
      throw new ResumableError('INVALID_PARAMETER', 'joinEvents takes prepared events: pass each through prepareEvent');
    }
    length += event.byteLength;
  }
  const bytes = NodeBuffer ? NodeBuffer.allocUnsafe(length) : new Uint8Array(length);
  const carried: SseEvent[] = [];
  let offset = 0;
  for (const event of events) {
    bytes.set(event.bytes, offset);
    offset += event.byteLength;
    for (const item of event.events) carried.push(item);
  }
  return new Frame(undefined, carried, bytes);
}

export function commentFrame(text: string): Frame {
  return new Frame(encodeSseComment(text));
}

export function retryFrame(milliseconds: number): Frame {
  return new Frame(encodeSseRetry(milliseconds));
}
