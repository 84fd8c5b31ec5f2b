import { ResumableError } from '../errors';
import { createSseParser } from './parse';

/**
 * An event as a client receives it.
 *
 * @example
 * const event: DecodedSseEvent = { event: 'update', data: '{"sequence":1}', id: '1' };
 */
export interface DecodedSseEvent {
  /** `message` when the stream named no type. */
  event: string;
  /** The event's data lines, joined with `\n`. */
  data: string;
  /** The event's `id` field, if it had one. */
  id: string | undefined;
}

/**
 * What `createSseDecoder` calls as it reads.
 *
 * @example
 * const handlers: SseDecoderHandlers = { onEvent: (event) => console.log(event.event), onRetry: (ms) => (delay = ms) };
 */
export interface SseDecoderHandlers {
  /** Called with each complete event. */
  onEvent(event: DecodedSseEvent): void;
  /** Called with each `retry:` field's milliseconds. */
  onRetry?(milliseconds: number): void;
  /** Called with each comment line's text (a heartbeat). */
  onComment?(text: string): void;
}

/**
 * Incremental decoder: feed it text as it arrives, in chunks of any size.
 *
 * @example
 * const decoder: SseDecoder = createSseDecoder({ onEvent: (event) => console.log(event.data) });
 * decoder.feed('data: 1\n\n');
 */
export interface SseDecoder {
  /** Reads the next chunk of text; calls the handlers for what it completes. */
  feed(chunk: string): void;
  /** Forgets a partial event, e.g. after a reconnect. */
  reset(): void;
}

/**
 * Decodes an SSE stream (spec-compliant line handling, including CR, LF and CRLF,
 * and the leading BOM), naming unnamed events `message` as `EventSource` does.
 *
 * @example
 * const decoder = createSseDecoder({ onEvent: (e) => console.log(e.event, e.data) });
 * decoder.feed('event: update\ndata: 1\n\n');
 */
export function createSseDecoder(handlers: SseDecoderHandlers): SseDecoder {
  return createSseParser({
    ...handlers,
    onEvent: (message) => handlers.onEvent({ ...message, event: message.event ?? 'message' }),
  });
}

/**
 * Reads events from a byte stream, e.g. `(await fetch(url)).body`.
 *
 * @example
 * for await (const event of readSseEvents(response.body!)) console.log(event);
 */
export async function* readSseEvents(
  body: ReadableStream<Uint8Array>,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<DecodedSseEvent, void, undefined> {
  const queue: DecodedSseEvent[] = [];
  const decoder = createSseDecoder({ onEvent: (event) => queue.push(event) });
  const text = new TextDecoder();
  const reader = body.getReader();
  const onAbort = () => void reader.cancel().catch(() => undefined);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      decoder.feed(text.decode(value, { stream: true }));
      while (queue.length > 0) yield queue.shift() as DecodedSseEvent;
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
}

/**
 * Parses an event's JSON data, with a typed error when it is not JSON.
 *
 * @example
 * const update = parseJsonData<WorkflowUpdate>(event);
 */
export function parseJsonData<T>(event: Pick<DecodedSseEvent, 'event' | 'data'>): T {
  try {
    return JSON.parse(event.data) as T;
  } catch (cause) {
    throw new ResumableError('INVALID_JSON', `SSE event "${event.event}" does not carry JSON data`, { cause });
  }
}
