/**
 * The parser against the spec's own examples, and against `eventsource-parser` (the
 * reference we used before) on hostile payloads and random streams cut into random
 * chunks: every line-ending style, CR at a chunk's end, comments, unknown fields.
 */
import { createParser } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { encodeJsonEvent, encodeSseComment, encodeSseEvent } from './encode';
import { INJECTION_PAYLOADS } from './injection-payloads';
import { createSseParser, type SseMessage } from './parse';

interface Seen {
  events: SseMessage[];
  retries: number[];
  comments: string[];
}

function ours(chunks: string[]): Seen {
  const seen: Seen = { events: [], retries: [], comments: [] };
  const parser = createSseParser({
    onEvent: (message) => seen.events.push(message),
    onRetry: (ms) => seen.retries.push(ms),
    onComment: (text) => seen.comments.push(text),
  });
  for (const chunk of chunks) parser.feed(chunk);
  return seen;
}

function reference(chunks: string[]): Seen {
  const seen: Seen = { events: [], retries: [], comments: [] };
  const parser = createParser({
    onEvent: (message) => seen.events.push({ event: message.event, data: message.data, id: message.id }),
    onRetry: (ms) => seen.retries.push(ms),
    onComment: (text) => seen.comments.push(text),
  });
  for (const chunk of chunks) parser.feed(chunk);
  return seen;
}

/** A seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function chunked(text: string, next: () => number): string[] {
  const chunks: string[] = [];
  for (let at = 0; at < text.length;) {
    const size = 1 + Math.floor(next() * 12);
    chunks.push(text.slice(at, at + size));
    at += size;
  }
  return chunks;
}

describe('createSseParser', () => {
  it("reads the spec's examples", () => {
    // From the WHATWG HTML standard, "Interpreting an event stream" examples.
    expect(ours(['data: YHOO\ndata: +2\ndata: 10\n\n']).events).toEqual([
      { event: undefined, data: 'YHOO\n+2\n10', id: undefined },
    ]);
    expect(
      ours([': test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n']).events,
    ).toEqual([
      { event: undefined, data: 'first event', id: '1' },
      { event: undefined, data: 'second event', id: '' },
      { event: undefined, data: ' third event', id: undefined },
    ]);
    expect(ours(['data\n\ndata\ndata\n\ndata:']).events.map((e) => e.data)).toEqual(['', '\n']);
  });

  it('treats CR, LF and CRLF as line ends, also when a chunk ends between CR and LF', () => {
    const expected = [
      { event: 'update', data: 'a', id: '1' },
      { event: 'update', data: 'b', id: '2' },
    ];
    expect(ours(['id: 1\revent: update\rdata: a\r\rid: 2\r\nevent: update\r\ndata: b\r\n\r\n']).events).toEqual(
      expected,
    );
    expect(
      ours(['id: 1\r', '\nevent: update\r', '\ndata: a\r', '\n\r', '\nid: 2\nevent: update\ndata: b\n\n']).events,
    ).toEqual(expected);
  });

  it('ignores one leading BOM, ids with NUL, bad retry values and unknown fields; reports retry and comments', () => {
    const seen = ours(['\uFEFFretry: 1500\nretry: 1x\n: hi\nid: a\0b\nfoo: bar\ndata: x\n\n']);
    expect(seen.events).toEqual([{ event: undefined, data: 'x', id: undefined }]);
    expect(seen.retries).toEqual([1500]);
    expect(seen.comments).toEqual(['hi']);
  });

  it('drops an event that never ended, and a reset forgets a partial one', () => {
    expect(ours(['data: a\n\ndata: b\n']).events.map((e) => e.data)).toEqual(['a']);
    const seen: string[] = [];
    const parser = createSseParser({ onEvent: (m) => seen.push(m.data) });
    parser.feed('data: lost\ndata: to');
    parser.reset();
    parser.feed('data: kept\n\n');
    expect(seen).toEqual(['kept']);
  });

  it.each(Object.entries(INJECTION_PAYLOADS))(
    'decodes our encoding of %s exactly as eventsource-parser does',
    (_name, payload) => {
      const stream =
        encodeJsonEvent('update', { value: payload }, 7) +
        encodeSseComment(payload) +
        encodeJsonEvent('end', { payload }, 8);
      for (let seed = 1; seed <= 5; seed++) {
        const chunks = chunked(stream, random(seed));
        expect(ours(chunks)).toEqual(reference(chunks));
      }
      expect(JSON.parse(ours([stream]).events[0]?.data ?? 'null')).toEqual({ value: payload });
    },
  );

  it('agrees with eventsource-parser on 300 random streams in random chunks', () => {
    const next = random(2026);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
    const ends = ['\n', '\r', '\r\n'] as const;
    const lines = [
      'data: x',
      'data:y',
      'data',
      'data:  z',
      'event: update',
      'event:',
      'id: 4',
      'id',
      'retry: 300',
      'retry: x',
      ': note',
      ':',
      'foo: bar',
      'data: a:b',
      '',
    ];
    for (let run = 0; run < 300; run++) {
      let stream = '';
      for (let count = 0; count < 40; count++) stream += pick(lines) + pick(ends);
      stream += encodeSseEvent({ event: 'update', data: 'last', id: 9 });
      const chunks = chunked(stream, next);
      expect(ours(chunks), `run ${run}: ${JSON.stringify(stream)}`).toEqual(reference(chunks));
    }
  });
});
