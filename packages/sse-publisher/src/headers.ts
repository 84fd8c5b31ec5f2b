/**
 * Response headers of every SSE stream. `no-transform` stops proxies from
 * compressing (and so buffering) the stream; `X-Accel-Buffering: no` does the same
 * for nginx.
 *
 * @example
 * res.writeHead(200, { ...SSE_HEADERS, Connection: 'keep-alive' });
 */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
});
