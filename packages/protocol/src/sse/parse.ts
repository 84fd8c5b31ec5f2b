/**
 * One event as the parser reads it: `event` is undefined when the stream named no type.
 *
 * @example
 * const message: SseMessage = { event: undefined, data: 'hello', id: undefined };
 */
export interface SseMessage {
  /** The `event` field, if the event had one. */
  event: string | undefined;
  /** The event's data lines, joined with `\n`. */
  data: string;
  /** The `id` field of this event, if it had one. */
  id: string | undefined;
}

/**
 * What `createSseParser` calls as it reads.
 *
 * @example
 * const handlers: SseParserHandlers = { onEvent: (message) => console.log(message.data), onComment: () => alive() };
 */
export interface SseParserHandlers {
  /** Called with each complete event. */
  onEvent(message: SseMessage): void;
  /** Called with each `retry:` field's milliseconds. */
  onRetry?(milliseconds: number): void;
  /** Called with each comment line's text (a heartbeat). */
  onComment?(text: string): void;
}

/**
 * Incremental parser: feed it decoded text in chunks of any size.
 *
 * @example
 * const parser: SseParser = createSseParser({ onEvent: (message) => console.log(message.data) });
 * parser.feed('data: 1\n\n');
 */
export interface SseParser {
  /** Reads the next chunk of text; calls the handlers for what it completes. */
  feed(chunk: string): void;
  /** Forgets a partial line and event, e.g. after a reconnect. */
  reset(): void;
}

/**
 * A small, dependency-free parser of the WHATWG `text/event-stream` format, for
 * browsers and servers alike (the hooks bundle it, so every byte counts).
 *
 * @example
 * const parser = createSseParser({ onEvent: (m) => console.log(m.event, m.data) });
 * parser.feed('event: update\ndata: 1\n\n');
 */
export function createSseParser(handlers: SseParserHandlers): SseParser {
  let pending = '';
  let first = true;
  // A chunk ended with CR: a LF opening the next one belongs to that line end.
  let skipLf = false;
  let data = '';
  let lines = 0;
  let event: string | undefined;
  let id: string | undefined;

  const line = (text: string): void => {
    // "If the line is empty (a blank line): Dispatch the event."
    if (text === '') {
      if (lines) handlers.onEvent({ event, data, id });
      data = '';
      lines = 0;
      event = id = undefined;
      return;
    }
    // "If the line starts with a U+003A COLON character (:): Ignore the line." (a comment)
    if (text[0] === ':') return handlers.onComment?.(text.slice(text[1] === ' ' ? 2 : 1));
    // "collect the characters on the line before the first U+003A COLON … Let value be
    // the characters after [it]. If value starts with a U+0020 SPACE character, remove it."
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    const value = colon < 0 ? '' : text.slice(text[colon + 1] === ' ' ? colon + 2 : colon + 1);
    if (field === 'data') {
      data = lines++ ? `${data}\n${value}` : value;
    } else if (field === 'event') {
      event = value || undefined;
    } else if (field === 'id') {
      // "If the field value does not contain U+0000 NULL, then set the last event ID buffer."
      if (!value.includes('\0')) id = value;
    } else if (field === 'retry') {
      // "If the field value consists of only ASCII digits, then interpret [it] as an integer."
      if (/^\d+$/.test(value)) handlers.onRetry?.(parseInt(value, 10));
    }
    // "Otherwise: The field is ignored."
  };

  return {
    feed(chunk) {
      if (chunk === '') return;
      // "One leading U+FEFF BYTE ORDER MARK character must be ignored if any are present."
      if (first && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      first = false;
      if (skipLf && chunk[0] === '\n') chunk = chunk.slice(1);
      skipLf = false;
      // "Lines must be separated by either a U+000D U+000A (CRLF) pair, a single U+000A (LF)
      // character, or a single U+000D (CR) character."
      // Only the new chunk is scanned, and a partial line grows by concatenation (a rope in
      // V8), so a long line fed in small chunks costs linear, not quadratic, time.
      let start = 0;
      for (let index = 0; index < chunk.length; index++) {
        const char = chunk.charCodeAt(index);
        if (char !== 10 && char !== 13) continue;
        line(pending + chunk.slice(start, index));
        pending = '';
        if (char === 13) {
          if (index + 1 === chunk.length) skipLf = true;
          else if (chunk.charCodeAt(index + 1) === 10) index++;
        }
        start = index + 1;
      }
      pending += chunk.slice(start);
    },
    reset() {
      pending = data = '';
      lines = 0;
      event = id = undefined;
      skipLf = false;
    },
  };
}
