import {
  PAUSED_WORKFLOWS,
  PausedRegistry,
  createRecoveryServer,
  deadlineTimersRecoverable,
  eventRoutesRecoverable,
  formatRecoveryReport,
  pauseDeadlines,
  type AppTimer,
  type EventRoute,
  type RecoveryServer,
} from '@resumable/recovery-server';
import type { PausedWorkflow } from '@resumable/protocol';
import { createInMemoryBus } from '@resumable/sse-publisher';
import { Client, Connection } from '@temporalio/client';
import { readAppConfig, type AppConfig } from './config';
import { appMetrics } from './metrics';
import { payloadEncryption } from './payload-codec';

/** The server-side singleton: one recovery server (SSE publisher, bus, paused list) and one Temporal client. */
export interface Resumable {
  server: RecoveryServer;
  client: Client;
  config: AppConfig;
  /**
   * Settles once start-up recovery ran (the paused list rebuilt from Temporal, the
   * reminders re-armed, the event routes registered): true when the paused list was
   * rebuilt. A failure of the app's own components is logged, not fatal.
   */
  ready: Promise<boolean>;
  /** The external events paused workflows wait for, as the event-routes component last registered them. */
  eventRoutes: Map<string, EventRoute>;
}

/** Longest a request waits for start-up recovery before it is answered 503. */
const READY_WAIT_MS = 10_000;
/** Pause before a failed start is tried again with a fresh server. */
const RETRY_MS = 5_000;
/** A paused workflow's reminder comes this long before its pause times out (halfway, for shorter pauses). */
const REMINDER_LEAD_MS = 60_000;

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
  // RESUMABLE_PAYLOAD_KEYS set: the client seals and opens payloads like the worker, and
  // the bus opens the worker's sealed live messages.
  const encryption = payloadEncryption();
  // lazy(): the app starts even while Temporal is down; calls answer 503 until it is back.
  const client =
    reuse?.client ??
    new Client({
      connection: Connection.lazy(config.connection),
      namespace: config.namespace,
      ...(encryption && { dataConverter: encryption.dataConverter }),
    });
  const registry = new PausedRegistry();
  const eventRoutes = new Map<string, EventRoute>();
  const server = createRecoveryServer({
    temporal: { client },
    auth: { secret: config.tokenSecret },
    pausedRegistry: registry,
    // Rebuilt with the paused list after every restart, from the deadlines Temporal holds.
    recoverables: [
      deadlineTimersRecoverable({
        name: 'pause-reminders',
        after: [PAUSED_WORKFLOWS],
        load: () => pauseDeadlines(registry).map((deadline) => reminderOf(deadline.data)),
        onFire: (timer) => remind(registry, timer.data),
      }),
      eventRoutesRecoverable({ registry }),
    ],
    responseHandlers: {
      register(route) {
        eventRoutes.set(route.event, route);
        console.info(`[resumable] routing "${route.event}" to ${route.targets.length} paused execution(s)`);
      },
    },
    // Nothing is served from a paused list, reminders or routes still being rebuilt.
    refuseUntilStarted: true,
    // Workers in their own process push live updates to POST /api/resumable/bus with this secret.
    busSecret: config.busSecret,
    ...(encryption && { bus: encryption.wrapBus(createInMemoryBus()) }),
    // Its figures go to the app's meter provider, which the /metrics page reads.
    telemetry: { meterProvider: appMetrics().provider },
  });
  // Pauses that begin or end after start-up arm or cancel their reminder; a reminder's
  // key is its execution's, so the start-up re-arm and this never double one.
  registry.subscribe((change) => {
    const key = reminderKey(change.pause.executionId);
    if (change.kind === 'removed' || change.pause.timeoutAt === null) {
      server.timers.cancel(key);
      return;
    }
    const reminder = reminderOf(change.pause);
    server.timers.schedule({ key, at: reminder.at, run: () => remind(registry, reminder.data) });
  });
  return { server, client, config, eventRoutes, ready: recover(server) };
}

const reminderKey = (executionId: string) => `pause-reminder:${executionId}`;

/** The reminder of a paused workflow's deadline: REMINDER_LEAD_MS before it, or halfway there. */
function reminderOf(pause: PausedWorkflow): AppTimer<PausedWorkflow> {
  const pausedTime = Date.parse(pause.pausedTime);
  const timeoutAt = Date.parse(pause.timeoutAt ?? '');
  const at = Math.max(timeoutAt - REMINDER_LEAD_MS, pausedTime + (timeoutAt - pausedTime) / 2);
  return { key: reminderKey(pause.executionId), at, data: pause };
}

/** Logs the reminder, if the execution still waits at the same pause. */
function remind(registry: PausedRegistry, pause: PausedWorkflow): void {
  const current = registry.get(pause.executionId);
  if (!current || current.pausedAt !== pause.pausedAt || current.pausedTime !== pause.pausedTime) return;
  const seconds = Math.max(0, Math.round((Date.parse(pause.timeoutAt ?? '') - Date.now()) / 1000));
  console.info(
    `[resumable] reminder: ${pause.executionId} has waited at "${pause.pausedAt}" for ${pause.waitingFor.join(', ')} ` +
      `since ${pause.pausedTime}; it times out in ${seconds} s`,
  );
}

async function recover(server: RecoveryServer): Promise<boolean> {
  let why: unknown;
  try {
    const report = await server.start();
    if (!report || report.ok) return true;
    // The app's own components (reminders, routes) failing does not keep the app from serving.
    const paused = report.components.find((component) => component.name === PAUSED_WORKFLOWS);
    if (!paused || paused.status === 'ok') {
      console.warn(`[resumable] start-up recovery finished with problems:\n${formatRecoveryReport(report)}`);
      return true;
    }
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
