import { ResumableError } from '../errors';

/**
 * One event to write on an SSE stream.
 *
 * @example
 * const event: SseEvent = { id: 7, event: 'update', data: '{"sequence":7}' };
 */
export interface SseEvent {
  /** Becomes the client's last event ID (`Last-Event-ID` on reconnect). */
  id?: string | number;
  /** Event type; the client's default is `message`. */
  event?: string;
  /** Any string without CR: each LF starts a new `data:` line and is restored by the client. */
  data: string;
  /** Reconnection delay for the client, in milliseconds. */
  retry?: number;
}

// WHATWG HTML §9.2.6: "Lines must be separated by either a U+000D CARRIAGE RETURN
// U+000A LINE FEED (CRLF) character pair, a single U+000A LINE FEED (LF) character,
// or a single U+000D CARRIAGE RETURN (CR) character." Any of the three inside a
// field value would end the field, so data is split on all three.
const LINE_BREAK = /\r\n|\r|\n/;
const HAS_LINE_BREAK = /[\r\n]/;
// "If the field value does not contain U+0000 NULL, then set the last event ID
// buffer to the field value. Otherwise, ignore the field." An id with NUL would
// be silently dropped by every client, so it is refused instead.
const INVALID_ID = /[\r\n\0]/;

function refuse(field: string, why: string): never {
  throw new ResumableError('INVALID_SSE_FIELD', `SSE ${field} ${why}`);
}

function checkId(id: string | number): string {
  const text = typeof id === 'number' ? numberField('id', id) : id;
  if (INVALID_ID.test(text)) refuse('id', 'must not contain CR, LF or NUL');
  return text;
}

function checkEvent(event: string): string {
  if (HAS_LINE_BREAK.test(event)) refuse('event', 'must not contain CR or LF');
  // "If the event type buffer has a value other than the empty string, change the
  // type of the newly created event to equal the value": an empty name arrives as
  // "message", so it is refused rather than silently renamed.
  if (event === '') refuse('event', 'must not be empty (omit it for "message")');
  return event;
}

function numberField(field: string, value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) refuse(field, `must be a non-negative integer, got ${value}`);
  return String(value);
}

/**
 * Encodes one event. Values a field cannot carry exactly (a line break in `event`
 * or `id`, NUL in `id`, an empty `event`, CR in `data`, a non-integer `retry`) are
 * refused with `INVALID_SSE_FIELD`, never written: a client receives exactly what
 * was published or nothing.
 *
 * @example
 * encodeSseEvent({ id: 7, event: 'update', data: '{"a":1}' });
 * // 'id: 7\nevent: update\ndata: {"a":1}\n\n'
 */
export function encodeSseEvent(message: SseEvent): string {
  let out = '';
  if (message.id !== undefined) out += `id: ${checkId(message.id)}\n`;
  if (message.event !== undefined) out += `event: ${checkEvent(message.event)}\n`;
  if (message.retry !== undefined) out += `retry: ${numberField('retry', message.retry)}\n`;
  out += encodeData(message.data);
  return `${out}\n`;
}

function encodeData(data: string): string {
  if (typeof data !== 'string') refuse('data', `must be a string, got ${typeof data}`);
  // The space after the colon is always written, so a value that itself starts
  // with a space keeps it ("If value starts with a U+0020 SPACE, remove it").
  if (!HAS_LINE_BREAK.test(data)) return `data: ${data}\n`;
  // Clients join data lines with LF, so a CR or CRLF would arrive as LF: refused,
  // rather than delivered altered. JSON (encodeJsonEvent) escapes both.
  if (data.includes('\r')) refuse('data', 'must not contain CR (clients turn it into LF); send it as JSON');
  let out = '';
  for (const line of data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return out;
}

/**
 * Encodes an event whose data is `value` as JSON.
 *
 * @example
 * encodeJsonEvent('update', { sequence: 1 }, 1); // 'id: 1\nevent: update\ndata: {"sequence":1}\n\n'
 */
export function encodeJsonEvent(event: string, value: unknown, id?: string | number): string {
  const data = JSON.stringify(value);
  if (data === undefined) refuse('data', 'must be JSON-serialisable');
  return encodeSseEvent(id === undefined ? { event, data } : { id, event, data });
}

/**
 * Encodes a comment (ignored by clients; used as a heartbeat). Each line of `text`
 * becomes its own comment line, so a comment can never start a field.
 *
 * @example
 * encodeSseComment('ping'); // ': ping\n\n'
 */
export function encodeSseComment(text = ''): string {
  let out = '';
  for (const line of text.split(LINE_BREAK)) out += `: ${line}\n`;
  return `${out}\n`;
}

/**
 * Encodes a lone `retry:` field (no event is dispatched).
 *
 * @example
 * encodeSseRetry(3000); // 'retry: 3000\n\n'
 */
export function encodeSseRetry(milliseconds: number): string {
  return `retry: ${numberField('retry', milliseconds)}\n\n`;
}
