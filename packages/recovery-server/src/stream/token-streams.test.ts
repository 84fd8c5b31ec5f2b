import { ResumableError } from '@resumable/protocol';
import { describe, expect, it } from 'vitest';
import { TokenStreamLimiter, type EvictableConnection } from './token-streams';

/** A connection as the publisher's: close listeners run once, at once if already closed. */
class Connection implements EvictableConnection {
  reason: string | undefined;
  #listeners: (() => void)[] = [];

  onClose(listener: () => void): void {
    if (this.reason !== undefined) listener();
    else this.#listeners.push(listener);
  }

  close(reason: string): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    for (const listener of this.#listeners.splice(0)) listener();
  }
}

function open(limiter: TokenStreamLimiter, token: string): Connection {
  const connection = new Connection();
  limiter.admit(token).bind(connection);
  return connection;
}

describe('TokenStreamLimiter', () => {
  it('evicts the oldest stream of a token past the cap, in order, and never the newest', () => {
    const limiter = new TokenStreamLimiter(3);
    const streams = Array.from({ length: 6 }, () => open(limiter, 'a'));
    expect(streams.map((stream) => stream.reason)).toEqual([
      'evicted',
      'evicted',
      'evicted',
      undefined,
      undefined,
      undefined,
    ]);
    expect(limiter.count('a')).toBe(3);
  });

  it('a stream that closed on its own frees its place, so nothing is evicted', () => {
    const limiter = new TokenStreamLimiter(2);
    const first = open(limiter, 'a');
    const second = open(limiter, 'a');
    first.close('client-closed');
    expect(limiter.count('a')).toBe(1);
    const third = open(limiter, 'a');
    expect([second.reason, third.reason]).toEqual([undefined, undefined]);
    second.close('closed');
    third.close('closed');
    expect(limiter.count('a')).toBe(0);
  });

  it('counts each token apart, and not at all without auth (empty token)', () => {
    const limiter = new TokenStreamLimiter(1);
    const a = open(limiter, 'a');
    const b = open(limiter, 'b');
    const anonymous = Array.from({ length: 5 }, () => open(limiter, ''));
    expect(
      [a.reason, b.reason, ...anonymous.map((stream) => stream.reason)].every((reason) => reason === undefined),
    ).toBe(true);
    expect(limiter.count('')).toBe(0);
  });

  it('a stream evicted before its connection was bound is closed as soon as it is', () => {
    const limiter = new TokenStreamLimiter(1);
    const pending = limiter.admit('a');
    const newer = open(limiter, 'a');
    const late = new Connection();
    pending.bind(late);
    expect(late.reason).toBe('evicted');
    expect(newer.reason).toBeUndefined();
    expect(limiter.count('a')).toBe(1);
  });

  it('refuses a cap that is not a positive integer', () => {
    for (const max of [0, -1, 1.5, Number.NaN]) {
      let thrown: unknown;
      try {
        new TokenStreamLimiter(max);
      } catch (error) {
        thrown = error;
      }
      expect(ResumableError.is(thrown) && thrown.code).toBe('INVALID_PARAMETER');
    }
  });
});
