import { describe, expect, it } from 'vitest';
import { closedPageHeaders, etagMatches } from './caching';

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

describe('closedPageHeaders', () => {
  const claims = { sub: 'ada', tasks: '*' as const, actions: ['read' as const], iat: 0, exp: 120 };

  it('a token: kept only for that token, and asked again every time (the URL does not name the run)', () => {
    expect(closedPageHeaders({ claims, token: 'abc' }, '"t"')).toEqual({
      ETag: '"t"',
      'Cache-Control': 'private, no-cache',
      Vary: 'Authorization',
    });
  });

  it('auth switched off: any cache, still asked again', () => {
    expect(closedPageHeaders({ claims, token: '' }, '"t"')).toEqual({
      ETag: '"t"',
      'Cache-Control': 'public, no-cache',
    });
  });
});
