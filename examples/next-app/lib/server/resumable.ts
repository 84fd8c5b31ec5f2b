import { createRecoveryServer, type RecoveryServer } from '@resumable/recovery-server';
import { Client, Connection } from '@temporalio/client';
import { readAppConfig, type AppConfig } from './config';
import { appMetrics } from './metrics';

/** The server-side singleton: one recovery server (SSE publisher, bus, paused list) and one Temporal client. */
export interface Resumable {
  server: RecoveryServer;
  client: Client;
  config: AppConfig;
  /** Settles once start-up recovery (the paused list, rebuilt from Temporal) ran: true when it succeeded. */
  ready: Promise<boolean>;
}

/** Longest a request waits for start-up recovery before it is answered 503. */
const READY_WAIT_MS = 10_000;
/** Pause before a failed start is tried again with a fresh server. */
const RETRY_MS = 5_000;

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

/**
 * The server once its start-up recovery succeeded, so no request is answered from a
 * paused list still being rebuilt; null (answer 503) while recovery runs past
 * `READY_WAIT_MS` or after it failed. A failed start is retried on a later request.
 */
export async function readyServer(): Promise<RecoveryServer | null> {
  const current = resumable();
  const waited = new Promise<undefined>((resolve) => {
    const timer = setTimeout(resolve, READY_WAIT_MS);
    void current.ready.finally(() => clearTimeout(timer));
  });
  const ok = await Promise.race([current.ready, waited]);
  if (ok === true) return current.server;
  if (ok === false) retryLater(current);
  return null;
}

function create(reuse?: Pick<Resumable, 'client' | 'config'>): Resumable {
  const config = reuse?.config ?? readAppConfig();
  // lazy(): the app starts even while Temporal is down; calls answer 503 until it is back.
  const client =
    reuse?.client ??
    new Client({ connection: Connection.lazy({ address: config.address }), namespace: config.namespace });
  const server = createRecoveryServer({
    temporal: { client },
    auth: { secret: config.tokenSecret },
    // Workers in their own process push live updates to POST /api/resumable/bus with this secret.
    busSecret: config.busSecret,
    // Its figures go to the app's meter provider, which the /metrics page reads.
    telemetry: { meterProvider: appMetrics().provider },
  });
  return { server, client, config, ready: recover(server) };
}

async function recover(server: RecoveryServer): Promise<boolean> {
  let why: unknown;
  try {
    const report = await server.start();
    if (!report || report.ok) return true;
    why = report.components
      .filter((component) => component.status !== 'ok')
      .map((component) => `${component.name} ${component.status}: ${component.error?.message ?? 'no detail'}`)
      .join('; ');
  } catch (error) {
    why = error;
  }
  console.error(
    '[resumable] start-up recovery failed; its routes answer 503 TEMPORAL_UNAVAILABLE until a retry succeeds:',
    why,
  );
  return false;
}

const retrying = new WeakSet<Resumable>();

/** Replaces a failed singleton with a fresh server (its start is memoised), once, after a pause. */
function retryLater(failed: Resumable): void {
  if (retrying.has(failed)) return;
  retrying.add(failed);
  setTimeout(() => {
    const holder = globalThis as Holder;
    if (holder[KEY] !== failed) return;
    holder[KEY] = create(failed);
    // It served nothing but 503s; the shared Temporal client stays open.
    void failed.server.close();
  }, RETRY_MS).unref();
}
