import {
  ResumableError,
  reportError,
  type ErrorContext,
  type UpdateBus,
  type WorkflowState,
} from '@resumable/protocol';
import {
  PausedRegistry,
  createTimerScheduler,
  type RecoveryReport,
  type TimerScheduler,
} from '@resumable/recovery-manager';
import {
  createHttpBusReceiver,
  createInMemoryBus,
  createSsePublisher,
  type SsePublisher,
} from '@resumable/sse-publisher';
import { AuthGuard, namespaceRefused, type NamespaceScope } from './auth/guard';
import { mintToken, type MintTokenOptions } from './auth/tokens';
import type { ServerContext } from './context';
import { checkId } from './http/params';
import { createPipeline } from './http/pipeline';
import { isStreamPlan, type Outcome } from './http/router';
import { createNamespacedServer } from './namespaces/namespaced-server';
import { DEFAULTS, type RecoveryServerOptions } from './options';
import { PausedFeed } from './paused/paused-feed';
import { ROUTES } from './routes';
import { StartUp, type Readiness } from './start-up/start-up';
import { ClosedLogs } from './stream/closed-logs';
import { FeedRegistry } from './stream/feed-registry';
import { TokenStreamLimiter } from './stream/token-streams';
import { watchBus } from './telemetry/bus';
import { createTelemetry } from './telemetry/telemetry';
import { TemporalGateway } from './temporal/gateway';

/**
 * The Resumable HTTP API: fetch-native, mountable anywhere (Node, Next.js, Hono,
 * Bun). Use `fetch` directly as a route handler, or an adapter from
 * `@resumable/recovery-server/node` / `/next`.
 *
 * @example
 * const server: RecoveryServer = createRecoveryServer({ auth: { secret: process.env.RESUMABLE_SECRET! } });
 * export const GET = (request: Request) => server.fetch(request);
 */
export interface RecoveryServer {
  /** Answers one request. */
  fetch(request: Request): Promise<Response>;
  /** @internal Routes a request; adapters open SSE streams on their own transport. */
  dispatch(request: Request): Promise<Outcome>;
  /**
   * Start-up recovery: rebuilds the paused list from Temporal and runs the app's
   * `recoverables`, each failing alone; resolves with the report of all of them
   * (undefined when there were none). Runs once; later calls share it. It rejects only
   * when the bus refuses the subscription, and a failed start is tried again by the
   * next call.
   */
  start(): Promise<RecoveryReport | undefined>;
  /**
   * `idle` (before `start()`, or after a start that failed), `recovering`, or `ready`
   * (start-up recovery finished). For an app's health or readiness route.
   */
  readonly readiness: Readiness;
  /** The report of the finished start-up recovery, if any (for a health route or logs). */
  readonly startReport: RecoveryReport | undefined;
  /** The timers recoverables re-armed (the `timers` option, or the in-process default): schedule or cancel app timers here. */
  readonly timers: TimerScheduler;
  /** Mints a token with this server's secret, for an app's own authenticated token route. */
  mintToken(options: MintTokenOptions): Promise<string>;
  /**
   * A task's state in one read, for rendering a page on the server (a Next.js server
   * component): status, the newest updates and `lastSequence`. Give it to the hook as
   * `initialSnapshot`; the page paints complete and the stream resumes after it. No token
   * is checked here: check that the signed-in user may see the task first, as your token
   * route does.
   */
  getTaskSnapshot(taskId: string): Promise<WorkflowState>;
  /** The SSE publisher every stream is written through. */
  readonly publisher: SsePublisher;
  /** The live bus the server listens to (and publishes pause changes on). */
  readonly bus: UpdateBus;
  /** The paused list the paused stream serves. */
  readonly pausedRegistry: PausedRegistry;
  /**
   * The Temporal namespace this server serves (with `temporal.namespaces`: the first;
   * its `bus`, `pausedRegistry` and `getTaskSnapshot` then throw, use `forNamespace`).
   */
  readonly namespace: string;
  /**
   * The part of the server serving `namespace`: its bus, paused list and snapshots.
   * Throws `FORBIDDEN` (`details.reason: 'namespace-not-served'`) for a namespace it
   * does not serve.
   */
  forNamespace(namespace: string): RecoveryServer;
  /** Stops accepting streams, closes them, and releases Temporal and the bus. */
  close(): Promise<void>;
}

/**
 * Creates the server: builds its parts once (the composition root), and hands every
 * request to one pipeline over the route table in `routes/`.
 *
 * @example
 * const server = createRecoveryServer({ auth: { secret: process.env.RESUMABLE_SECRET! } });
 * await server.start();
 * Bun.serve({ fetch: server.fetch });
 */
export function createRecoveryServer(options: RecoveryServerOptions): RecoveryServer {
  if (options.temporal?.namespaces !== undefined) return createNamespacedServer(options, buildServer);
  return buildServer(options);
}

/** One namespace's server; `scope` set when it is one of several behind one secret. */
function buildServer(options: RecoveryServerOptions, scope?: NamespaceScope): RecoveryServer {
  if (options.busOf !== undefined && scope === undefined)
    throw new ResumableError('INVALID_PARAMETER', 'busOf is for temporal.namespaces; give bus instead');
  const onError = (error: unknown, context: ErrorContext) => reportError(options.onError, error, context);
  const gateway = new TemporalGateway(options.temporal);
  const bus = options.bus ?? createInMemoryBus();
  const publisher = options.publisher ?? createSsePublisher();
  const registry = options.pausedRegistry ?? new PausedRegistry();
  const stream = options.stream ?? {};
  const telemetry = createTelemetry(options.telemetry);
  // The feeds' and the paused list's subscriptions, with their failures counted.
  const watchedBus = watchBus(bus, telemetry);
  const closedLogs =
    options.closedLogs === false
      ? undefined
      : new ClosedLogs(gateway, { maxBytes: options.closedLogs?.maxBytes ?? DEFAULTS.closedLogBytes });
  const source = {
    readUpdates: gateway.readUpdates.bind(gateway),
    describe: gateway.describe.bind(gateway),
    ...(closedLogs && { closedLog: closedLogs.get.bind(closedLogs) }),
  };
  const feeds = new FeedRegistry(source, watchedBus, publisher, {
    cacheSize: stream.cacheSize ?? DEFAULTS.cacheSize,
    tailCheckMs: stream.tailCheckMs ?? DEFAULTS.tailCheckMs,
    maxTailCheckMs: stream.maxTailCheckMs ?? DEFAULTS.maxTailCheckMs,
    describeTtlMs: DEFAULTS.describeTtlMs,
    idleMs: stream.idleMs ?? DEFAULTS.idleMs,
    forwardUnconfirmed: stream.forwardUnconfirmed === true,
    telemetry,
    onError,
  });
  const paused = new PausedFeed({
    bus: watchedBus,
    registry,
    publisher,
    gateway,
    resyncMs: options.pausedResyncMs ?? DEFAULTS.pausedResyncMs,
    onError,
  });
  const ownTimers = options.timers ? undefined : createTimerScheduler({ onError });
  const timers = options.timers ?? (ownTimers as TimerScheduler);
  const own = options.recoverPausedOnStart === false ? [] : [paused.recoverable()];
  const startUp = new StartUp({
    listen: () => paused.listen(),
    components: [...own, ...(options.recoverables ?? [])],
    ownComponents: own.map((component) => component.name),
    timers,
    handlers: options.responseHandlers,
    afterRecovery: () => {
      if (options.recoverPausedOnStart !== false) paused.startResync();
    },
    onError,
  });
  const refuseUntilStarted = options.refuseUntilStarted === true;
  let closing = false;
  const context: ServerContext = {
    basePath: options.basePath ?? DEFAULTS.basePath,
    cors: options.cors,
    maxBodyBytes: options.limits?.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    guard: new AuthGuard(options.auth, scope ?? { namespace: gateway.namespace, required: false }),
    gateway,
    bus,
    publisher,
    registry,
    feeds,
    closedLogs,
    compression: options.compression ?? true,
    paused,
    tokenStreams: new TokenStreamLimiter(options.limits?.maxStreamsPerToken ?? DEFAULTS.maxStreamsPerToken),
    busReceiver: options.busSecret ? createHttpBusReceiver({ secret: options.busSecret, bus }) : undefined,
    telemetry,
    onError,
    get closing() {
      return closing;
    },
    get startingUp() {
      return refuseUntilStarted && startUp.readiness !== 'ready';
    },
  };
  const dispatch = createPipeline(context, ROUTES);

  const server: RecoveryServer = {
    dispatch,
    async fetch(request) {
      const outcome = await dispatch(request);
      if (!isStreamPlan(outcome)) return outcome;
      const { connection, response } = publisher.openWeb(request, { headers: outcome.headers });
      outcome.start(connection);
      return response;
    },
    publisher,
    bus,
    pausedRegistry: registry,
    namespace: gateway.namespace,
    forNamespace(namespace) {
      if (namespace !== gateway.namespace) throw namespaceRefused(namespace);
      return server;
    },
    start: () => startUp.start(),
    get readiness() {
      return startUp.readiness;
    },
    get startReport() {
      return startUp.report;
    },
    timers,
    getTaskSnapshot: (taskId) => gateway.readState(checkId(taskId, 'taskId')),
    mintToken(tokenOptions) {
      if (!('secret' in options.auth))
        throw new ResumableError('INVALID_PARAMETER', 'Auth is disabled: no tokens to mint');
      if (tokenOptions.namespace !== undefined && tokenOptions.namespace !== gateway.namespace)
        throw namespaceRefused(tokenOptions.namespace);
      // One of several namespaces: its tokens must say so.
      const named = scope?.required ? { ...tokenOptions, namespace: gateway.namespace } : tokenOptions;
      return mintToken(options.auth.secret, named);
    },
    async close() {
      closing = true;
      startUp.close();
      ownTimers?.clear();
      await paused.close();
      await publisher.shutdown({ graceMs: 0 });
      await feeds.close();
      await gateway.close();
    },
  };
  return server;
}
