import { ResumableError } from '@resumable/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSsePublisher } from './publisher';

afterEach(() => {
  vi.useRealTimers();
});

async function readAll(response: Response): Promise<string> {
  return new Response(response.body).text();
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return ResumableError.is(error) ? error.code : 'not a ResumableError';
  }
  return undefined;
}

describe('createSsePublisher', () => {
  it('runs one timer for every connection, and none when idle', async () => {
    vi.useFakeTimers();
    const publisher = createSsePublisher({ heartbeatMs: 1000 });
    expect(vi.getTimerCount()).toBe(0);
    const opened = Array.from({ length: 100 }, (_, i) => publisher.openWeb(new Request(`http://x/${i}`)));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(3000);
    for (const { connection } of opened) connection.close();
    expect(vi.getTimerCount()).toBe(0);
    // The default retry, then three heartbeats each, as comments.
    const bodies = await Promise.all(opened.map(({ response }) => readAll(response)));
    expect(bodies.every((body) => body === `retry: 1000\n\n${': \n\n'.repeat(3)}`)).toBe(true);
  });

  it('collects an empty channel at once when it has nothing to replay, else after channelIdleMs', () => {
    vi.useFakeTimers();
    const publisher = createSsePublisher({ heartbeatMs: 1000, channelIdleMs: 5000 });
    const { connection } = publisher.openWeb(new Request('http://x/'), { channel: 'plain' });
    connection.attach('kept');
    publisher.broadcast('kept', { id: 1, data: 'one' });
    publisher.broadcast('plain', { data: 'no id: not kept' });
    expect(publisher.stats().channels).toBe(2);
    connection.close();
    expect(publisher.findChannel('plain')).toBeUndefined();
    expect(publisher.findChannel('kept')?.replaySince(0)).toEqual([{ id: 1, data: 'one' }]);
    vi.advanceTimersByTime(4000);
    expect(publisher.stats().channels).toBe(1);
    vi.advanceTimersByTime(2000);
    expect(publisher.stats().channels).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a handle to a collected channel still reaches the live channel of that name', () => {
    const publisher = createSsePublisher();
    const stale = publisher.channel('t');
    const first = publisher.openWeb(new Request('http://x/'), { channel: 't' });
    first.connection.close();
    expect(publisher.findChannel('t')).toBeUndefined();
    const second = publisher.openWeb(new Request('http://x/'), { channel: 't' });
    expect(stale.size).toBe(1);
    expect(stale.broadcast({ data: 'hi' })).toBe(1);
    expect(second.connection.channels).toEqual(['t']);
  });

  it('attach and detach move a connection between channels', () => {
    const publisher = createSsePublisher();
    const { connection } = publisher.openWeb(new Request('http://x/'), { channel: 'a' });
    connection.attach('b');
    connection.attach('b');
    expect(connection.channels).toEqual(['a', 'b']);
    expect(publisher.broadcast('b', { data: 'x' })).toBe(1);
    expect(connection.detach('a')).toBe(true);
    expect(connection.detach('a')).toBe(false);
    expect(publisher.broadcast('a', { data: 'x' })).toBe(0);
    expect(connection.channels).toEqual(['b']);
  });

  it('reports close reasons through onClose and closed, once', async () => {
    const publisher = createSsePublisher();
    const { connection } = publisher.openWeb(new Request('http://x/'));
    const reasons: string[] = [];
    connection.onClose((reason) => reasons.push(reason));
    const off = connection.onClose((reason) => reasons.push(`removed ${reason}`));
    off();
    connection.close();
    connection.close('error');
    expect(reasons).toEqual(['closed']);
    expect(await connection.closed).toBe('closed');
    connection.onClose((reason) => reasons.push(`late ${reason}`));
    expect(reasons).toEqual(['closed', 'late closed']);
    expect(publisher.stats().closed).toEqual({ closed: 1 });
  });

  it('refuses invalid options and channel names with clear errors', () => {
    expect(code(() => createSsePublisher({ heartbeatMs: -1 }))).toBe('INVALID_PARAMETER');
    expect(code(() => createSsePublisher({ maxBufferedBytes: 0 }))).toBe('INVALID_PARAMETER');
    expect(code(() => createSsePublisher({ replay: { maxEvents: 1.5 } }))).toBe('INVALID_PARAMETER');
    expect(code(() => createSsePublisher({ retryMs: -5 }))).toBe('INVALID_SSE_FIELD');
    expect(code(() => createSsePublisher({ maxStalledHeartbeats: -1 }))).toBe('INVALID_PARAMETER');
    expect(code(() => createSsePublisher().channel(''))).toBe('INVALID_PARAMETER');
  });

  it('sends retry: 1000 once by default; retryMs: null sends none, 0 is sent as is', async () => {
    const first = async (options?: Parameters<typeof createSsePublisher>[0]) => {
      const { connection, response } = createSsePublisher(options).openWeb(new Request('http://x/'));
      connection.send({ id: 1, data: 'one' });
      connection.close();
      return readAll(response);
    };
    expect(await first()).toBe('retry: 1000\n\nid: 1\ndata: one\n\n');
    expect(await first({ retryMs: null })).toBe('id: 1\ndata: one\n\n');
    expect(await first({ retryMs: 0 })).toBe('retry: 0\n\nid: 1\ndata: one\n\n');
    expect(await first({ retryMs: 750 })).toBe('retry: 750\n\nid: 1\ndata: one\n\n');
  });

  it('closes a connection whose client took none of its waiting bytes for maxStalledHeartbeats heartbeats', async () => {
    vi.useFakeTimers();
    const publisher = createSsePublisher({ heartbeatMs: 1000, maxStalledHeartbeats: 3 });
    const stalled = publisher.openWeb(new Request('http://x/stalled'), { channel: 't' });
    const reading = publisher.openWeb(new Request('http://x/reading'), { channel: 't' });
    const reader = reading.response.body!.getReader();
    let read = 0;
    const pump = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        read += value.byteLength;
      }
    })();
    publisher.broadcast('t', { id: 1, data: 'x'.repeat(100) });
    await vi.advanceTimersByTimeAsync(2000);
    // Two heartbeats without progress: not yet.
    expect(stalled.connection.isClosed).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(stalled.connection.closeReason).toBe('slow-consumer');
    // Far under maxBufferedBytes: the stall check cut it, not the bound.
    expect(publisher.stats().closed).toEqual({ 'slow-consumer': 1 });
    // The reader that keeps taking its bytes is kept, however long it runs.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(reading.connection.isClosed).toBe(false);
    expect(read).toBeGreaterThan(100);
    reading.connection.close();
    await pump;
  });

  it('a client that takes some bytes between heartbeats is not stalled; maxStalledHeartbeats: 0 turns the check off', async () => {
    vi.useFakeTimers();
    const slow = createSsePublisher({ heartbeatMs: 1000, maxStalledHeartbeats: 2 });
    const off = createSsePublisher({ heartbeatMs: 1000, maxStalledHeartbeats: 0 });
    const trickle = slow.openWeb(new Request('http://x/trickle'), { channel: 't' });
    const unread = off.openWeb(new Request('http://x/unread'), { channel: 't' });
    off.broadcast('t', { id: 1, data: 'y' });
    const reader = trickle.response.body!.getReader();
    for (let i = 1; i <= 10; i += 1) {
      // Always more waiting than it reads, but it reads one chunk per interval.
      slow.broadcast('t', { id: i * 2, data: 'a' });
      slow.broadcast('t', { id: i * 2 + 1, data: 'b' });
      await reader.read();
      await vi.advanceTimersByTimeAsync(1000);
      expect(trickle.connection.bufferedBytes).toBeGreaterThan(0);
    }
    expect(trickle.connection.isClosed).toBe(false);
    // Then it stops reading: two heartbeats later it is cut.
    await vi.advanceTimersByTimeAsync(2000);
    expect(trickle.connection.closeReason).toBe('slow-consumer');
    expect(unread.connection.isClosed).toBe(false);
    unread.connection.close();
  });

  it('gives every connection a distinct unguessable id', () => {
    const publisher = createSsePublisher();
    const ids = new Set(Array.from({ length: 200 }, () => publisher.openWeb(new Request('http://x/')).connection.id));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
