import type { StreamPlan } from '../http/router';
import type { PublisherConnection } from '../stream/types';

const SSE_HEADERS = { 'Cache-Control': 'no-cache, no-transform' };

/** An SSE stream to open on the request's transport; `start` gets the open connection. */
export function streamPlan(start: (connection: PublisherConnection) => void): StreamPlan {
  return { kind: 'stream', headers: { ...SSE_HEADERS }, start };
}
