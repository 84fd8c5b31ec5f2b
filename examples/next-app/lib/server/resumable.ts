import { createRecoveryServer, type RecoveryServer } from '@resumable/recovery-server';
import { Client, Connection } from '@temporalio/client';
import { readAppConfig, type AppConfig } from './config';

/** The server-side singleton: one recovery server (SSE publisher, bus, paused list) and one Temporal client. */
export interface Resumable {
  server: RecoveryServer;
  client: Client;
  config: AppConfig;
}

// Kept on globalThis: Next.js evaluates route modules (and instrumentation) in more
// than one module graph, and `next dev` re-evaluates them on every edit. A second
// server would mean a second publisher that the worker's bus messages never reach.
const KEY = Symbol.for('@resumable/example-next-app');
type Holder = { [KEY]?: Resumable };

/**
 * The app's Resumable server, created on first use (never at build time).
 *
 * @example
 * const { server } = resumable();
 * return server.fetch(request);
 */
export function resumable(): Resumable {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= create());
}

function create(): Resumable {
  const config = readAppConfig();
  // lazy(): the app starts even while Temporal is down; calls answer 503 until it is back.
  const client = new Client({ connection: Connection.lazy({ address: config.address }), namespace: config.namespace });
  const server = createRecoveryServer({
    temporal: { client },
    auth: { secret: config.tokenSecret },
    // Workers in their own process push live updates to POST /api/resumable/bus with this secret.
    busSecret: config.busSecret,
  });
  // Start-up recovery: rebuild the paused list from Temporal visibility.
  server.start().catch((error: unknown) => console.error('[resumable] start-up recovery failed:', error));
  return { server, client, config };
}
