import { describe, expect, it } from 'vitest';
import { createSseDecoder, parseJsonData, readSseEvents, type DecodedSseEvent } from './decode';
import { encodeJsonEvent, encodeSseComment, encodeSseEvent } from './encode';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(bytes.encode(chunk));
      controller.close();
    },
  });
}

describe('createSseDecoder', () => {
  it('reassembles events split across chunks and reports comments and retry', () => {
    const events: DecodedSseEvent[] = [];
    const comments: string[] = [];
    const retries: number[] = [];
    const decoder = createSseDecoder({
      onEvent: (e) => events.push(e),
      onComment: (c) => comments.push(c),
      onRetry: (r) => retries.push(r),
    });
    const text = `retry: 1000\n\n${encodeSseComment('hb')}${encodeJsonEvent('update', { a: 'x\ny' }, 5)}`;
    for (const char of text) decoder.feed(char);
    expect(retries).toEqual([1000]);
    expect(comments).toEqual(['hb']);
    expect(events).toEqual([{ event: 'update', data: '{"a":"x\\ny"}', id: '5' }]);
  });

  it('names untyped events "message"', () => {
    const events: DecodedSseEvent[] = [];
    createSseDecoder({ onEvent: (e) => events.push(e) }).feed('data: hi\n\n');
    expect(events).toEqual([{ event: 'message', data: 'hi', id: undefined }]);
  });

  it('drops a partial event on reset', () => {
    const events: DecodedSseEvent[] = [];
    const decoder = createSseDecoder({ onEvent: (e) => events.push(e) });
    decoder.feed('event: half\ndata: lost');
    decoder.reset();
    decoder.feed('\n\ndata: kept\n\n');
    expect(events.map((e) => e.data)).toEqual(['kept']);
  });
});

describe('readSseEvents', () => {
  it('yields every event of a byte stream, multi-byte characters split across chunks', async () => {
    const encoded =
      encodeSseEvent({ id: 1, event: 'update', data: 'héllo ✓' }) + encodeSseEvent({ id: 2, data: 'two' });
    const bytes = new TextEncoder().encode(encoded);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    const seen: DecodedSseEvent[] = [];
    for await (const event of readSseEvents(body)) seen.push(event);
    expect(seen).toEqual([
      { event: 'update', data: 'héllo ✓', id: '1' },
      { event: 'message', data: 'two', id: '2' },
    ]);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('data: one\n\n'));
      },
    });
    const seen: string[] = [];
    for await (const event of readSseEvents(body, { signal: controller.signal })) {
      seen.push(event.data);
      controller.abort();
    }
    expect(seen).toEqual(['one']);
  });

  it('ignores a stream of only comments', async () => {
    const seen: DecodedSseEvent[] = [];
    for await (const event of readSseEvents(streamOf([': a\n\n', ': b\n\n']))) seen.push(event);
    expect(seen).toEqual([]);
  });
});

describe('parseJsonData', () => {
  it('parses JSON and reports bad JSON with a code', () => {
    expect(parseJsonData<{ a: number }>({ event: 'update', data: '{"a":1}' })).toEqual({ a: 1 });
    expect(() => parseJsonData({ event: 'update', data: '{' })).toThrowError(
      expect.objectContaining({ code: 'INVALID_JSON' }),
    );
  });
});
