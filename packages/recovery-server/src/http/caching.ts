import type { Caller } from '../auth/guard';

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
 * Caching headers for a page of a closed run. Its content never changes, but its URL
 * names the task, not the run: a workflow id started again (a retried job) has a new
 * log at the same URL. So a cache may keep the page but must ask first (`no-cache`):
 * the server answers 304 from a describe, without reading the log, while the run is
 * the same, and the new page once it is not. Only for the token that read it
 * (`private`, `Vary: Authorization`); with auth switched off, any cache.
 */
export function closedPageHeaders(caller: Caller, etag: string): Record<string, string> {
  // No token: auth is off and anyone may read it anyway.
  if (caller.token === '') return { ETag: etag, 'Cache-Control': 'public, no-cache' };
  return { ETag: etag, 'Cache-Control': 'private, no-cache', Vary: 'Authorization' };
}
