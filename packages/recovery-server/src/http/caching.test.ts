import { describe, expect, it } from 'vitest';
import { etagMatches, immutableHeaders } from './caching';

describe('etagMatches', () => {
  it.each([
    ['"a"', true],
    ['W/"a"', true],
    ['"b", "a"', true],
    [' "b" ,W/"a" ', true],
    ['*', true],
    ['"b"', false],
    ['a', false],
    ['', false],
  ])('If-None-Match %j against "a": %s', (header, matches) => {
    expect(etagMatches(header, '"a"')).toBe(matches);
  });

  it('no header never matches', () => {
    expect(etagMatches(null, '"a"')).toBe(false);
  });
});

describe('immutableHeaders', () => {
  const now = 1_000_000_000_000;
  const claims = {
    sub: 'ada',
    tasks: '*' as const,
    actions: ['read' as const],
    iat: now / 1000,
    exp: now / 1000 + 120,
  };

  it('a token: private, for that token only, no longer than it lives', () => {
    expect(immutableHeaders({ claims, token: 'abc' }, '"t"', now)).toEqual({
      ETag: '"t"',
      'Cache-Control': 'private, max-age=120, immutable',
      Vary: 'Authorization',
    });
  });

  it('an expired token: not stored', () => {
    expect(immutableHeaders({ claims: { ...claims, exp: now / 1000 }, token: 'abc' }, '"t"', now)).toMatchObject({
      'Cache-Control': 'no-store',
    });
  });

  it('auth switched off: any cache, for a year', () => {
    expect(immutableHeaders({ claims: { ...claims, exp: Infinity }, token: '' }, '"t"', now)).toEqual({
      ETag: '"t"',
      'Cache-Control': 'public, max-age=31536000, immutable',
    });
  });
});
