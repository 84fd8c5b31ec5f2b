import {
  PAUSE_EVENTS,
  ResumableError,
  TASK_EVENTS,
  type ConnectedEventData,
  type PauseMessage,
  type UpdateBus,
  type UpdatesPage,
  type WorkflowUpdate,
} from '@resumable/protocol';
import { PausedRegistry, RecoveryManager, pausedWorkflowsRecoverable, type RecoveryReport } from '@resumable/recovery-manager';
import { createHttpBusReceiver, createInMemoryBus, createSsePublisher, type SsePublisher } from '@resumable/sse-publisher';
import { AuthGuard, type Caller } from './auth/guard';
import { mayAccessTask, mintToken, type MintTokenOptions } from './auth/tokens';
import { corsHeaders, preflight } from './http/cors';
import {
  checkId,
  intParam,
  limitParam,
  objectBody,
  optionalString,
  readJsonBody,
  resumePoint,
  sequenceField,
  stringField,
} from './http/params';
import { errorResponse, json } from './http/responses';
import { Router, isStreamPlan, type Outcome, type RouteContext, type StreamPlan } from './http/router';
import { DEFAULTS, type RecoveryServerOptions } from './options';
import { applyPauseMessage, changeEvent } from './paused/paused-feed';
import { FeedRegistry } from './stream/feed-registry';
import { TokenStreamLimiter, type TokenStream } from './stream/token-streams';
import type { PublisherConnection } from './stream/types';
import { TemporalGateway } from './temporal/gateway';

const SSE_HEADERS = { 'Cache-Control': 'no-cache, no-transform' };

/**
 * The Resumable HTTP API: fetch-native, mountable anywhere (Node, Next.js, Hono,
 * Bun). Use `fetch` directly as a route handler, or an adapter from
 * `@resumable/recovery-server/node` / `/next`.
 */
export interface RecoveryServer {
  /** Answers one request. */
  fetch(request: Request): Promise<Response>;
  /** Routes a request; adapters open SSE streams on their own transport. */
  dispatch(request: Request): Promise<Outcome>;
  /** Start-up recovery: rebuilds the paused list from Temporal. Safe to call once. */
  start(): Promise<RecoveryReport | undefined>;
  /** Mints a token with this server's secret (the seeds' `getTemporalSubscriptionToken`). */
  mintToken(options: MintTokenOptions): Promise<string>;
  readonly publisher: SsePublisher;
  readonly bus: UpdateBus;
  readonly pausedRegistry: PausedRegistry;
  /** Stops accepting streams, closes them, and releases Temporal and the bus. */
  close(): Promise<void>;
}

/**
 * Creates the server.
 *
 * @example
 * const server = createRecoveryServer({ auth: { secret: process.env.RESUMABLE_SECRET! } });
 * await server.start();
 * Bun.serve({ fetch: server.fetch });
 */
export function createRecoveryServer(options: RecoveryServerOptions): RecoveryServer {
  const basePath = options.basePath ?? DEFAULTS.basePath;
  const maxBodyBytes = options.limits?.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const maxStreamsPerToken = options.limits?.maxStreamsPerToken ?? DEFAULTS.maxStreamsPerToken;
  const onError = options.onError ?? ((error, context) => console.error(`[resumable] ${context}:`, error));
  const guard = new AuthGuard(options.auth);
  const gateway = new TemporalGateway(options.temporal);
  const bus = options.bus ?? createInMemoryBus();
  const publisher = options.publisher ?? createSsePublisher();
  const registry = options.pausedRegistry ?? new PausedRegistry();
  const feeds = new FeedRegistry(gateway, bus, publisher, {
    cacheSize: options.stream?.cacheSize ?? DEFAULTS.cacheSize,
    tailCheckMs: options.stream?.tailCheckMs ?? DEFAULTS.tailCheckMs,
    maxTailCheckMs: options.stream?.maxTailCheckMs ?? DEFAULTS.maxTailCheckMs,
    describeTtlMs: DEFAULTS.describeTtlMs,
    idleMs: options.stream?.idleMs ?? DEFAULTS.idleMs,
    forwardUnconfirmed: options.stream?.forwardUnconfirmed === true,
    onError: (error, taskId) => onError(error, `task ${taskId}`),
  });
  const tokenStreams = new TokenStreamLimiter(maxStreamsPerToken);
  const pauseSequences = new Map<string, number>();
  const busReceiver = options.busSecret ? createHttpBusReceiver({ secret: options.busSecret, bus }) : undefined;
  let pausedSubscription: Promise<() => Promise<void>> | undefined;
  let started: Promise<RecoveryReport | undefined> | undefined;
  let resyncTimer: ReturnType<typeof setInterval> | undefined;
  let resyncing: Promise<RecoveryReport> | undefined;

  /**
   * Reconciles the paused list with Temporal visibility. At start-up it fills the
   * list; afterwards it repairs what a lossy bus dropped (a pause or resume message
   * that never arrived), announcing each correction as a normal delta.
   */
  function rebuildPaused(context: string): Promise<RecoveryReport> {
    resyncing ??= (async () => {
      try {
        const manager = new RecoveryManager();
        manager.register(pausedWorkflowsRecoverable({ client: await gateway.client(), registry }));
        const report = await manager.recoverAll();
        for (const failure of report.components.filter((component) => component.status === 'failed')) {
          onError(failure.error, `${context} of ${failure.name}`);
        }
        return report;
      } finally {
        resyncing = undefined;
      }
    })();
    return resyncing;
  }
  let closing = false;

  // Every pause change is broadcast once on the 'paused' channel, with its cursor as id.
  const stopChanges = registry.subscribe((change) => publisher.channel('paused').broadcast(changeEvent(change)));

  function listenForPauses(): Promise<() => Promise<void>> {
    pausedSubscription ??= bus.subscribe('paused', (message) => {
      if (message.kind === 'pause') applyPauseMessage(registry, pauseSequences, message as PauseMessage);
    });
    return pausedSubscription;
  }

  // ---- streams ----------------------------------------------------------------

  // Past the limit the token's oldest stream is closed, not the new one refused:
  // streams of vanished clients must not lock their user out (see TokenStreamLimiter).
  function countStream(caller: Caller): TokenStream {
    return tokenStreams.admit(caller.token);
  }

  function streamPlan(headers: Record<string, string>, start: (connection: PublisherConnection) => void): StreamPlan {
    return { kind: 'stream', headers: { ...SSE_HEADERS, ...headers }, start };
  }

  async function taskStream({ request, url, params }: RouteContext): Promise<Outcome> {
    const taskId = checkId(params.taskId as string, 'taskId');
    const caller = await guard.check(request, url, 'read', taskId);
    const since = resumePoint(request, url);
    const feed = feeds.get(taskId);
    try {
      const { finished } = await feed.prepare(since);
      // "HTTP 204 No Content … must prevent the user agent from reconnecting": the
      // workflow is closed and this client has everything.
      if (finished) return new Response(null, { status: 204, headers: corsHeaders(options.cors, request) });
    } catch (error) {
      feeds.release(taskId);
      throw error;
    }
    const counted = countStream(caller);
    return streamPlan(corsHeaders(options.cors, request), (connection) => {
      connection.onClose(() => {
        feed.remove(connection);
        feeds.release(taskId);
      });
      const connected: ConnectedEventData = {
        connectionId: connection.id,
        resumeFrom: since,
        lastSequence: Math.max(since, feed.lastSequence),
      };
      connection.send({ event: TASK_EVENTS.connected, data: JSON.stringify(connected) });
      feed.add(connection, since);
      // Last, so that an eviction (even at once) closes a fully registered stream.
      counted.bind(connection);
    });
  }

  async function pausedStream({ request, url }: RouteContext): Promise<Outcome> {
    const caller = await guard.check(request, url, 'read');
    await listenForPauses();
    const counted = countStream(caller);
    const visible = (executionId: string) => mayAccessTask(caller.claims, executionId);
    return streamPlan(corsHeaders(options.cors, request), (connection) => {
      if (caller.claims.tasks === '*') {
        // One encode for every unscoped client: the channel broadcast.
        const snapshot = registry.snapshot();
        connection.send({ id: snapshot.cursor, event: PAUSE_EVENTS.initial, data: JSON.stringify(snapshot) });
        connection.attach('paused');
        counted.bind(connection);
        return;
      }
      const { snapshot, unsubscribe } = registry.subscribeWithSnapshot((change) => {
        if (visible(change.pause.executionId)) connection.send(changeEvent(change));
      });
      const pausedWorkflows = snapshot.pausedWorkflows.filter((pause) => visible(pause.executionId));
      connection.send({
        id: snapshot.cursor,
        event: PAUSE_EVENTS.initial,
        data: JSON.stringify({ cursor: snapshot.cursor, pausedWorkflows }),
      });
      connection.onClose(unsubscribe);
      counted.bind(connection);
    });
  }

  // ---- recovery -----------------------------------------------------------------

  async function recoveryGet({ request, url, params }: RouteContext): Promise<Outcome> {
    const taskId = checkId(params.taskId as string, 'taskId');
    await guard.check(request, url, 'read', taskId);
    const limit = limitParam(url);
    const sinceTimestamp = url.searchParams.has('sinceTimestamp') && !url.searchParams.has('sinceSequence');
    if (!sinceTimestamp) {
      const since = intParam(url, 'sinceSequence', 0);
      return json(await gateway.readUpdates(taskId, since, limit), 200, corsHeaders(options.cors, request));
    }
    const after = intParam(url, 'sinceTimestamp', 0);
    return json(await updatesAfterTime(taskId, after, limit), 200, corsHeaders(options.cors, request));
  }

  /** Pages through the log for updates newer than a timestamp (timestamps never decrease). */
  async function updatesAfterTime(taskId: string, after: number, limit: number): Promise<UpdatesPage> {
    let cursor = 0;
    const found: WorkflowUpdate[] = [];
    for (;;) {
      const page = await gateway.readUpdates(taskId, cursor, limit);
      for (const update of page.updates) if (update.timestamp > after && found.length < limit) found.push(update);
      const last = page.updates.at(-1);
      if (found.length >= limit || !page.hasMore || !last) {
        const hasMore = found.length >= limit ? (found.at(-1)?.sequence ?? 0) < page.lastSequence : false;
        return { taskId, status: page.status, lastSequence: page.lastSequence, updates: found, hasMore };
      }
      cursor = last.sequence;
    }
  }

  async function recoveryPost({ request, url, params }: RouteContext): Promise<Outcome> {
    const taskId = checkId(params.taskId as string, 'taskId');
    await guard.check(request, url, 'read', taskId);
    const body = objectBody(await readJsonBody(request, maxBodyBytes));
    const connectionId = stringField(body, 'connectionId', 128);
    const lastSequence = sequenceField(body, 'lastSequence');
    const result = await feeds.find(taskId)?.replay(connectionId, lastSequence);
    if (!result) {
      throw new ResumableError('NOT_FOUND', `No open stream ${connectionId} for this task on this server`);
    }
    return json(result, 200, corsHeaders(options.cors, request));
  }

  async function latest({ request, url, params }: RouteContext): Promise<Outcome> {
    const taskId = checkId(params.taskId as string, 'taskId');
    await guard.check(request, url, 'read', taskId);
    return json(await gateway.readState(taskId), 200, corsHeaders(options.cors, request));
  }

  // ---- paused workflows -------------------------------------------------------------

  async function pausedList({ request, url }: RouteContext): Promise<Outcome> {
    const caller = await guard.check(request, url, 'read');
    await listenForPauses();
    const snapshot = registry.snapshot();
    const pausedWorkflows = snapshot.pausedWorkflows.filter((pause) => mayAccessTask(caller.claims, pause.executionId));
    return json({ cursor: snapshot.cursor, pausedWorkflows }, 200, corsHeaders(options.cors, request));
  }

  async function resume({ request, url, params }: RouteContext): Promise<Outcome> {
    const executionId = checkId(params.executionId as string, 'executionId');
    await guard.check(request, url, 'resume', executionId);
    const body = objectBody(await readJsonBody(request, maxBodyBytes, { optional: true }));
    await requirePaused(executionId);
    await gateway.resume(executionId, { payload: body.payload, resumedBy: 'api' });
    return json({ executionId, action: 'resume', accepted: true }, 202, corsHeaders(options.cors, request));
  }

  async function cancel({ request, url, params }: RouteContext): Promise<Outcome> {
    const executionId = checkId(params.executionId as string, 'executionId');
    await guard.check(request, url, 'cancel', executionId);
    const body = objectBody(await readJsonBody(request, maxBodyBytes, { optional: true }));
    const reason = optionalString(body, 'reason', 1024) ?? 'Cancelled by user';
    await requirePaused(executionId);
    await gateway.cancel(executionId, { reason });
    return json({ executionId, action: 'cancel', accepted: true }, 202, corsHeaders(options.cors, request));
  }

  async function requirePaused(executionId: string): Promise<void> {
    const pause = await gateway.readPause(executionId);
    if (!pause) throw new ResumableError('NOT_PAUSED', `Execution "${executionId}" is not paused`);
  }

  async function trigger({ request, url }: RouteContext): Promise<Outcome> {
    const caller = await guard.check(request, url, 'trigger');
    await listenForPauses();
    const body = objectBody(await readJsonBody(request, maxBodyBytes));
    const event = stringField(body, 'event', 256);
    const correlation = optionalString(body, 'correlation', 256);
    // @resumable/workflow-state resumes a pause only when the correlation keys are
    // equal (both absent, or the same): target exactly those executions.
    const targets = registry
      .routesFor(event, correlation)
      .filter((id) => registry.get(id)?.correlation === correlation)
      .filter((id) => mayAccessTask(caller.claims, id));
    const delivered: string[] = [];
    const failed: { executionId: string; code: string }[] = [];
    await Promise.all(
      targets.map(async (executionId) => {
        try {
          await gateway.trigger(executionId, {
            event,
            payload: body.payload,
            ...(correlation === undefined ? {} : { correlation }),
          });
          delivered.push(executionId);
        } catch (error) {
          failed.push({ executionId, code: ResumableError.from(error).code });
        }
      }),
    );
    return json({ event, delivered: delivered.sort(), failed }, 200, corsHeaders(options.cors, request));
  }

  async function busIngress({ request }: RouteContext): Promise<Outcome> {
    if (!busReceiver) throw new ResumableError('NOT_FOUND', 'No such route');
    return busReceiver(request);
  }

  const router = new Router(basePath)
    .add('GET', 'temporal/stream/:taskId', taskStream)
    .add('GET', 'temporal/recovery/:taskId', recoveryGet)
    .add('POST', 'temporal/recovery/:taskId', recoveryPost)
    .add('GET', 'temporal/recovery/:taskId/latest', latest)
    .add('GET', 'workflow/paused-stream', pausedStream)
    .add('GET', 'workflow/paused', pausedList)
    .add('POST', 'workflow/executions/:executionId/resume', resume)
    .add('POST', 'workflow/executions/:executionId/cancel', cancel)
    .add('POST', 'workflow/triggers', trigger)
    .add('POST', 'resumable/bus', busIngress);

  async function dispatch(request: Request): Promise<Outcome> {
    try {
      if (request.method === 'OPTIONS') return preflight(options.cors, request);
      if (closing) throw new ResumableError('SHUTTING_DOWN', 'The server is shutting down');
      const url = new URL(request.url);
      const { handler, params } = router.match(request, url);
      return await handler({ request, url, params });
    } catch (error) {
      const failure = ResumableError.from(error);
      if (failure.status >= 500) onError(error, `${request.method} ${safePath(request.url)}`);
      return errorResponse(failure, corsHeaders(options.cors, request));
    }
  }

  async function fetch(request: Request): Promise<Response> {
    const outcome = await dispatch(request);
    if (!isStreamPlan(outcome)) return outcome;
    const { connection, response } = publisher.openWeb(request, { headers: outcome.headers });
    outcome.start(connection);
    return response;
  }

  return {
    fetch,
    dispatch,
    publisher,
    bus,
    pausedRegistry: registry,
    start() {
      started ??= (async () => {
        await listenForPauses();
        if (options.recoverPausedOnStart === false) return undefined;
        const report = await rebuildPaused('start-up recovery');
        const every = options.pausedResyncMs ?? DEFAULTS.pausedResyncMs;
        if (every > 0 && !closing) {
          resyncTimer = setInterval(() => void rebuildPaused('paused-list resync'), every);
          resyncTimer.unref?.();
        }
        return report;
      })();
      return started;
    },
    mintToken(tokenOptions) {
      if (!('secret' in options.auth)) throw new ResumableError('BAD_REQUEST', 'Auth is disabled: no tokens to mint');
      return mintToken(options.auth.secret, tokenOptions);
    },
    async close() {
      closing = true;
      clearInterval(resyncTimer);
      stopChanges();
      await publisher.shutdown({ graceMs: 0 });
      await feeds.close();
      if (pausedSubscription) await (await pausedSubscription)();
      await gateway.close();
    },
  };
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname.slice(0, 200);
  } catch {
    return '(bad url)';
  }
}
