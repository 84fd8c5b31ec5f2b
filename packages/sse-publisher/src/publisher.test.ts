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
    // Three heartbeats each, as comments.
    const bodies = await Promise.all(opened.map(({ response }) => readAll(response)));
    expect(bodies.every((body) => body === ': \n\n'.repeat(3))).toBe(true);
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
    expect(code(() => createSsePublisher().channel(''))).toBe('INVALID_PARAMETER');
  });

  it('gives every connection a distinct unguessable id', () => {
    const publisher = createSsePublisher();
    const ids = new Set(Array.from({ length: 200 }, () => publisher.openWeb(new Request('http://x/')).connection.id));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
