import { encodeSseEvent, ResumableError, type SseEvent } from '@resumable/protocol';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSsePublisher, type SseConnection } from '../src/index';
import { INJECTION_PAYLOADS } from '../../protocol/src/sse/injection-payloads';
import { parseStream, startServer, waitFor, type TestServer } from './helpers';

// The payloads of @resumable/protocol's injection suite, pushed here through the
// publisher and a real socket to clients nobody here wrote.
const PAYLOADS = INJECTION_PAYLOADS;

interface Seen {
  type: string;
  data: string;
  lastEventId: string;
}

/** Every event we try to publish, in order: a sentinel before and after each attempt. */
function attempts(): { label: string; event: SseEvent }[] {
  const list: { label: string; event: SseEvent }[] = [];
  let n = 0;
  for (const [name, payload] of Object.entries(PAYLOADS)) {
    const variants: [string, SseEvent][] = [
      ['data', { id: `d${n}`, event: 'update', data: payload }],
      ['json data', { id: `j${n}`, event: 'update', data: JSON.stringify({ text: payload }) }],
      ['event', { id: `e${n}`, event: payload, data: 'd' }],
      ['id', { id: payload, event: 'update', data: 'd' }],
      ['retry', { event: 'update', data: 'd', retry: payload as unknown as number }],
    ];
    for (const [field, event] of variants) {
      list.push({
        label: `sentinel before ${field} ${name}`,
        event: { id: `s${n}`, event: 'sentinel', data: `before ${n}` },
      });
      list.push({ label: `${field} with ${name}`, event });
      n += 1;
    }
  }
  list.push({ label: 'last sentinel', event: { id: 'end', event: 'sentinel', data: 'end' } });
  return list;
}

function refused(event: SseEvent): boolean {
  try {
    encodeSseEvent(event);
    return false;
  } catch (error) {
    expect(ResumableError.is(error) && error.code).toBe('INVALID_SSE_FIELD');
    return true;
  }
}

describe('injection payloads through the publisher', () => {
  let server: TestServer;
  const publisher = createSsePublisher({ maxBufferedBytes: 64 * 1024 * 1024 });
  const opened: SseConnection[] = [];

  beforeAll(async () => {
    server = await startServer((req, res) => {
      opened.push(publisher.openNode(req, res, { channel: 'injection' }));
    });
  });
  afterAll(async () => {
    await publisher.shutdown({ graceMs: 100 });
    await server.close();
  });

  it('reach the eventsource client with 0 forged or altered events', async () => {
    const list = attempts();
    const expected: Seen[] = [];
    // Listen for every event type that could arrive: what we send, plus the forgery target and the default.
    const types = new Set(['message', 'admin', 'sentinel', 'update']);
    let lastId = '';
    for (const { event } of list) {
      if (refused(event)) continue;
      if (event.id !== undefined) lastId = String(event.id);
      expected.push({ type: event.event ?? 'message', data: event.data, lastEventId: lastId });
      if (event.event !== undefined) types.add(event.event);
    }

    const source = new EventSource(`${server.url}/`);
    const seen: Seen[] = [];
    for (const type of types) {
      source.addEventListener(type, (e) => seen.push({ type, data: e.data, lastEventId: e.lastEventId }));
    }
    await new Promise<void>((resolve, reject) => {
      source.addEventListener('open', () => resolve(), { once: true });
      source.addEventListener('error', reject, { once: true });
    });
    const raw = parseStream((await fetch(`${server.url}/`)).body!);
    await waitFor(() => publisher.channel('injection').size === 2, 'both clients');

    const channel = publisher.channel('injection');
    const outcomes: Record<string, 'delivered' | 'refused'> = {};
    for (const [index, { label, event }] of list.entries()) {
      try {
        // Half through the channel, half through one connection: both paths use the same encoder.
        if (index % 2 === 0) expect(channel.broadcast(event)).toBe(2);
        else for (const connection of opened) expect(connection.send(event)).toBe(true);
        outcomes[label] = 'delivered';
      } catch (error) {
        expect(ResumableError.is(error) && error.code, label).toBe('INVALID_SSE_FIELD');
        outcomes[label] = 'refused';
      }
    }

    await waitFor(() => seen.length >= expected.length && raw.events.length >= expected.length, 'every event', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 100)); // anything forged would arrive by now
    source.close();
    void raw.cancel();

    const forgedOrAltered = seen.filter((event, i) => JSON.stringify(event) !== JSON.stringify(expected[i]));
    expect(forgedOrAltered).toEqual([]);
    expect(seen).toHaveLength(expected.length);
    expect(raw.events.map((e) => ({ type: e.event ?? 'message', data: e.data }))).toEqual(
      expected.map(({ type, data }) => ({ type, data })),
    );
    // Only what a field cannot carry exactly was refused.
    expect(outcomes['data with CR']).toBe('refused');
    expect(outcomes['data with forged event']).toBe('delivered');
    expect(outcomes['event with forged event']).toBe('refused');
    expect(outcomes['id with NUL']).toBe('refused');
    expect(outcomes['json data with CRLF']).toBe('delivered');
    expect(
      Object.entries(outcomes)
        .filter(([label]) => label.startsWith('retry'))
        .every(([, o]) => o === 'refused'),
    ).toBe(true);
  }, 60_000);
});
