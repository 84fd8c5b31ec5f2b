import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { ResumableError } from '../errors';
import { encodeSseEvent, type SseEvent } from './encode';
import { INJECTION_PAYLOADS } from './injection-payloads';

const PAYLOADS = INJECTION_PAYLOADS;

const BEFORE: SseEvent = { id: 'before', event: 'sentinel', data: 'start' };
const AFTER: SseEvent = { id: 'after', event: 'sentinel', data: 'end' };

/** Decodes a whole stream with eventsource-parser, fed in awkward chunk sizes. */
function decode(stream: string): EventSourceMessage[] {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  for (let i = 0; i < stream.length; i += 7919) parser.feed(stream.slice(i, i + 7919));
  return events;
}

function expectedOf(event: SseEvent): Partial<EventSourceMessage> {
  return {
    data: event.data,
    event: event.event,
    id: event.id === undefined ? undefined : String(event.id),
  };
}

/**
 * Publishes `event` between two sentinels; the decoder must see exactly the three
 * events, unchanged, or the encoder must refuse with INVALID_SSE_FIELD.
 */
function publishOrRefuse(event: SseEvent): 'delivered' | 'refused' {
  let encoded: string;
  try {
    encoded = encodeSseEvent(event);
  } catch (error) {
    expect(ResumableError.is(error) && error.code).toBe('INVALID_SSE_FIELD');
    return 'refused';
  }
  const decoded = decode(encodeSseEvent(BEFORE) + encoded + encodeSseEvent(AFTER));
  expect(decoded).toHaveLength(3);
  expect(decoded[0]).toMatchObject(expectedOf(BEFORE));
  expect(decoded[1]).toEqual(expectedOf(event));
  expect(decoded[2]).toMatchObject(expectedOf(AFTER));
  return 'delivered';
}

describe('SSE injection suite (decoded by eventsource-parser)', () => {
  const cases = Object.entries(PAYLOADS);

  it.each(cases)('data with %s is delivered unchanged or refused', (name, payload) => {
    const outcome = publishOrRefuse({ event: 'update', id: 1, data: payload });
    // Only CR is refused: the SSE format can carry every other character in data.
    expect(outcome, name).toBe(payload.includes('\r') ? 'refused' : 'delivered');
  });

  it.each(cases)('JSON data carries %s unchanged', (_, payload) => {
    const event = { event: 'update', id: 1, data: JSON.stringify({ text: payload }) };
    expect(publishOrRefuse(event)).toBe('delivered');
  });

  it.each(cases)('event with %s is delivered unchanged or refused', (name, payload) => {
    const outcome = publishOrRefuse({ event: payload, id: 1, data: 'd' });
    if (/[\r\n]/.test(payload)) expect(outcome, name).toBe('refused');
  });

  it.each(cases)('id with %s is delivered unchanged or refused', (name, payload) => {
    const outcome = publishOrRefuse({ event: 'update', id: payload, data: 'd' });
    if (/[\r\n\0]/.test(payload)) expect(outcome, name).toBe('refused');
  });

  it.each(cases)('retry given %s is refused', (_, payload) => {
    expect(publishOrRefuse({ data: 'd', retry: payload as unknown as number })).toBe('refused');
  });

  it('a numeric retry reaches the parser as a reconnection time, with no extra event', () => {
    const retries: number[] = [];
    const events: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (e) => events.push(e), onRetry: (ms) => retries.push(ms) });
    parser.feed(encodeSseEvent({ data: 'd', retry: 2500 }));
    expect(retries).toEqual([2500]);
    expect(events).toEqual([{ data: 'd', event: undefined, id: undefined }]);
  });
});
