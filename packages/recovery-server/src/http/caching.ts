import type { Caller } from '../auth/guard';

const YEAR_SECONDS = 365 * 24 * 3600;

/**
 * Whether an `If-None-Match` header names `etag` (RFC 9110 §13.1.2: a list of
 * entity tags or `*`, compared weakly, so `W/"x"` matches `"x"`).
 */
export function etagMatches(header: string | null, etag: string): boolean {
  if (header === null) return false;
  if (header.trim() === '*') return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => bare(tag) === bare(etag));
}

/**
 * Caching headers for an answer that can never change (a closed run's log). A
 * browser may keep it, but no longer than the token that read it is valid, and
 * only for that token (`private`, `Vary: Authorization`); with auth switched off
 * any cache may keep it for good.
 */
export function immutableHeaders(caller: Caller, etag: string, now = Date.now()): Record<string, string> {
  const { claims, token } = caller;
  // No token: auth is off and anyone may read it anyway.
  if (token === '') {
    return { ETag: etag, 'Cache-Control': `public, max-age=${YEAR_SECONDS}, immutable` };
  }
  const left = Math.min(YEAR_SECONDS, Math.floor(claims.exp - now / 1000));
  if (left <= 0) return { ETag: etag, 'Cache-Control': 'no-store' };
  return { ETag: etag, 'Cache-Control': `private, max-age=${left}, immutable`, Vary: 'Authorization' };
}
